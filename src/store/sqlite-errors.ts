/**
 * What a SQLite error means for the operator, in one line with what to do
 * next. The CLI prints it instead of a stack trace; the daemon's loops log it
 * once per streak of failures.
 */
import Database from 'better-sqlite3';
import { DatabaseError } from '../errors.js';

export type SqliteError = InstanceType<typeof Database.SqliteError>;

/** The SQLite error in `error` or in its chain of causes, or null. */
export function sqliteErrorOf(error: unknown): SqliteError | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof Database.SqliteError) return current;
  }
  return null;
}

/**
 * One line saying what is wrong with the database and what to do, or null
 * when `error` is not SQLite's. `path` names the database in the line.
 */
export function explainSqliteError(error: unknown, path?: string): string | null {
  const sqlite = sqliteErrorOf(error);
  if (sqlite === null) return null;
  const db = path === undefined ? 'the database' : `database ${path}`;
  const said = `${sqlite.code}: ${sqlite.message}`;
  switch (primaryCode(sqlite.code)) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return `${db} is locked: another process held its write lock for longer than db.busyTimeoutMs (${said}); try again, or find what is writing to it (a long backup, a sqlite3 shell left in a transaction)`;
    case 'SQLITE_CORRUPT':
      return `${db} is damaged (${said}): \`leakwatch db status\` says what is wrong and how to fix it`;
    case 'SQLITE_NOTADB':
      return `${db} is not a SQLite database, or its first page is damaged (${said}): check db.path (--db, LEAKWATCH_DB), or restore the last copy made by \`leakwatch db backup\``;
    case 'SQLITE_READONLY':
      return `${db} is read-only (${said}): leakwatch must be able to write the file, its -wal and -shm files and the directory they are in; check their owner, permissions and whether the file system is mounted read-only`;
    case 'SQLITE_FULL':
      return `${db} cannot grow: the disk is full (${said}); free space on it (or raise its quota) and leakwatch carries on where it stopped`;
    case 'SQLITE_IOERR':
      return `${db}: the disk or file system failed a read or write (${said}); check the kernel log and the disk`;
    case 'SQLITE_CANTOPEN':
      return `${db} cannot be opened (${said}): check that its directory exists and leakwatch may read and write it`;
    default:
      return `${db}: ${said}`;
  }
}

/** An error in one line: the explanation of a SQLite error, else the first line of its message. */
export function errorLine(error: unknown): string {
  const explained = explainSqliteError(error);
  if (explained !== null) return explained;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!;
}

/** A SQLite error as a DatabaseError naming the database (the CLI prints its message alone); any other error as it is. */
export function asDatabaseError(error: unknown, path: string): unknown {
  if (error instanceof DatabaseError) return error;
  const explained = explainSqliteError(error, path);
  return explained === null ? error : new DatabaseError(explained, { cause: error });
}

function primaryCode(code: string): string {
  return code.split('_').slice(0, 2).join('_');
}
