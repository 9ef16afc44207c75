import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, DatabaseError, UsageError } from '../errors.js';
import { configCommand } from './config-command.js';
import { createContext, type GlobalOptions, type Io } from './context.js';
import { dbBackupCommand, dbMigrateCommand, dbStatusCommand } from './db-commands.js';
import { runCommand } from './run-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Exit statuses (sysexits.h where one fits). */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

type Action = (options: GlobalOptions, ...args: string[]) => number | Promise<number>;

/**
 * Builds the `leakwatch` command. Actions report their exit status through
 * `setStatus` instead of exiting, so tests can run the program in-process.
 */
function buildProgram(io: Io, setStatus: (status: number) => void): Command {
  const program = new Command('leakwatch')
    .description('Finds video-meeting links and IDs leaked in public posts and tells their owners to rotate them.')
    .version(version, '-V, --version')
    .addOption(new Option('--config <file>', 'configuration file merged over the shipped defaults').env('LEAKWATCH_CONFIG'))
    .option('--db <path>', 'SQLite database (env LEAKWATCH_DB, default data/leakwatch.db)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .configureHelp({ helpWidth: 120 })
    .showHelpAfterError(true)
    .exitOverride();

  /** Wraps an action: global options merged in, context built, status recorded. */
  const act = (action: Action) =>
    async function commandAction(this: Command, ...args: unknown[]) {
      const command = args.at(-1) as Command;
      const positional = args.slice(0, -2).map(String);
      setStatus(await action(command.optsWithGlobals<GlobalOptions>(), ...positional));
    };
  const withContext = (action: (context: ReturnType<typeof createContext>, ...args: string[]) => number | Promise<number>): Action =>
    (options, ...args) => action(createContext(options, io), ...args);

  program
    .command('run')
    .description('the daemon: scheduled jobs until SIGINT/SIGTERM (`npm start`)')
    .action(act(withContext(runCommand)));

  program
    .command('config')
    .description('check the configuration and print it, defaults filled in')
    .action(act(withContext(configCommand)));

  const db = program.command('db').description('the database: `db migrate`, `db status`, `db backup FILE`');
  db.command('migrate')
    .description('create the database if needed and apply pending migrations')
    .option('--json', 'print JSON only')
    .action(act(withContext(dbMigrateCommand)));
  db.command('status')
    .description('schema version, pending migrations, size and row counts')
    .option('--json', 'print JSON only')
    .action(act(withContext(dbStatusCommand)));
  db.command('backup')
    .description('copy the live database to FILE (online backup)')
    .argument('<file>', 'where to write the copy (must not exist)')
    .option('--json', 'print JSON only')
    .action(act(withContext(dbBackupCommand)));

  return program;
}

/**
 * Runs `leakwatch` with the given arguments (without `node` and the script)
 * and resolves to the exit status.
 */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let status: number = EXIT.ok;
  const program = buildProgram(io, (value) => {
    status = value;
  });
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and version were asked for; everything else commander throws is a usage error.
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) && error.exitCode === 0) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    io.stderr.write(`leakwatch: ${error.message}\n`);
    return EXIT.config;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`leakwatch: ${error.message}\n(run \`leakwatch --help\` for usage)\n`);
    return EXIT.usage;
  }
  if (error instanceof DatabaseError) {
    io.stderr.write(`leakwatch: ${error.message}\n`);
    return EXIT.failure;
  }
  io.stderr.write(`leakwatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
