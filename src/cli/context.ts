import { loadConfig, type LoadedConfig } from '../config/load.js';
import { createLogger, type Logger } from '../logger.js';
import { userInfo } from 'node:os';
import { migrate, openDatabase, type Db, type OpenDatabaseOptions } from '../store/database.js';

/** Options every command accepts (DESIGN.md §8). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  logLevel?: string;
  json?: boolean;
}

/** Where a command writes; tests pass their own streams. */
export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CommandContext extends LoadedConfig {
  log: Logger;
  io: Io;
  options: GlobalOptions;
  /** Who did it, for the audit log: the operator's login name. */
  actor: string;
}

/** Loads the configuration (throws ConfigError) and makes the logger. */
export function createContext(options: GlobalOptions, io: Io): CommandContext {
  const loaded = loadConfig({ file: options.config, flags: { db: options.db, logLevel: options.logLevel } });
  const log = createLogger({ level: loaded.config.log.level, destination: io.stderr });
  return { ...loaded, log, io, options, actor: `operator:${operatorName()}` };
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

/** Opens and migrates the configured database: what every registry command needs. */
export function openStore(context: CommandContext): Db {
  const db = openConfiguredDatabase(context);
  try {
    const result = migrate(db);
    if (result.applied.length > 0) context.log.info(result, 'database migrated');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
