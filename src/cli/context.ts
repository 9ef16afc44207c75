import { loadConfig, type LoadedConfig } from '../config/load.js';
import { createLogger, type Logger } from '../logger.js';
import { openDatabase, type Db, type OpenDatabaseOptions } from '../store/database.js';

/** Options every command accepts (DESIGN.md §8). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  logLevel?: string;
  json?: boolean;
}

/** Where a command writes; tests pass their own streams. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CommandContext extends LoadedConfig {
  log: Logger;
  io: Io;
  options: GlobalOptions;
}

/** Loads the configuration (throws ConfigError) and makes the logger. */
export function createContext(options: GlobalOptions, io: Io): CommandContext {
  const loaded = loadConfig({ file: options.config, flags: { db: options.db, logLevel: options.logLevel } });
  const log = createLogger({ level: loaded.config.log.level, destination: io.stderr });
  return { ...loaded, log, io, options };
}

/** Opens the configured database with the configured pragmas. */
export function openConfiguredDatabase(context: CommandContext, extra: OpenDatabaseOptions = {}): Db {
  const { db } = context.config;
  return openDatabase(db.path, { busyTimeoutMs: db.busyTimeoutMs, journalSizeLimitBytes: db.journalSizeLimitBytes, ...extra });
}

/** One JSON document on stdout, as `--json` promises. */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
