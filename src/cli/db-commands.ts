import { resolve } from 'node:path';
import { backupDatabase, databaseStatus, migrate } from '../store/database.js';
import { describeDamage } from '../store/integrity.js';
import { type CommandContext, openConfiguredDatabase, printJson } from './context.js';

/** `leakwatch db migrate`: creates the database if needed and applies pending migrations. */
export function dbMigrateCommand(context: CommandContext): number {
  const db = openConfiguredDatabase(context);
  try {
    const result = migrate(db);
    if (context.options.json) {
      printJson(context.io, { path: context.config.db.path, ...result });
    } else if (result.applied.length === 0) {
      context.io.stdout.write(`${context.config.db.path}: schema version ${result.to}, up to date\n`);
    } else {
      context.io.stdout.write(
        `${context.config.db.path}: migrated from version ${result.from} to ${result.to} (${result.applied.join(', ')})\n`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

/**
 * `leakwatch db status`: schema version, pending migrations, size, row
 * counts and `PRAGMA quick_check`; exit 1 when the check finds damage.
 */
export function dbStatusCommand(context: CommandContext): number {
  const db = openConfiguredDatabase(context, { mustExist: true });
  try {
    const status = databaseStatus(db, context.config.db.path);
    const exit = status.integrity.ok ? 0 : 1;
    if (context.options.json) {
      printJson(context.io, status);
      return exit;
    }
    const { integrity } = status;
    const lines = [
      `database        ${status.path}`,
      `schema version  ${status.schemaVersion} of ${status.latestVersion}${status.pending.length ? ` (pending: ${status.pending.join(', ')}; run \`leakwatch db migrate\`)` : ''}`,
      `size            ${status.sizeBytes} bytes (+ ${status.walBytes} bytes WAL)`,
      `journal mode    ${status.journalMode}`,
      integrity.ok
        ? 'integrity       ok (PRAGMA quick_check)'
        : [`integrity       DAMAGED (PRAGMA quick_check): ${describeDamage(integrity)}`, ...integrity.problems.map((problem) => `  ${problem}`), `fix             ${integrity.fix}`].join('\n'),
      'rows',
      ...Object.entries(status.tables).map(([table, count]) => `  ${table.padEnd(16)}${count ?? 'cannot be read'}`),
    ];
    context.io.stdout.write(`${lines.join('\n')}\n`);
    return exit;
  } finally {
    db.close();
  }
}

/** `leakwatch db backup FILE`: a consistent copy of the live database. */
export async function dbBackupCommand(context: CommandContext, file: string): Promise<number> {
  const db = openConfiguredDatabase(context, { mustExist: true });
  try {
    const result = await backupDatabase(db, resolve(file));
    if (context.options.json) printJson(context.io, result);
    else context.io.stdout.write(`backed up ${context.config.db.path} to ${result.file} (${result.sizeBytes} bytes)\n`);
    return 0;
  } finally {
    db.close();
  }
}
