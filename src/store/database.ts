import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DatabaseError } from '../errors.js';
import { checkIntegrity, type IntegrityReport } from './integrity.js';
import { explainSqliteError } from './sqlite-errors.js';

export type Db = Database.Database;

/** A numbered schema change: `src/store/migrations/NNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_([a-z0-9_-]+)\.sql$/;

/** Reads the migrations in order; their numbers must run 1, 2, 3… without gaps. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match) throw new DatabaseError(`migration file ${join(dir, file)}: name must look like 001_what_it_does.sql`);
      return { version: Number(match[1]), name: file, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new DatabaseError(`migration ${migration.name}: expected number ${String(index + 1).padStart(3, '0')} (migrations must be numbered without gaps or duplicates)`);
    }
  });
  return migrations;
}

export interface OpenDatabaseOptions {
  /** How long a write waits for a lock. Default 5000. */
  busyTimeoutMs?: number;
  /** WAL size kept after a checkpoint. Default 64 MiB. */
  journalSizeLimitBytes?: number;
  /** Fail instead of creating a new database file. Default false. */
  mustExist?: boolean;
  /** The schema this code knows. Default: the files in `src/store/migrations/`. */
  migrations?: Migration[];
}

/**
 * Opens the SQLite database with leakwatch's settings (WAL, foreign keys,
 * busy timeout, `synchronous=NORMAL`, a journal size limit). A database whose
 * schema is newer than this code is refused before anything is written to it.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const migrations = options.migrations ?? loadMigrations();
  if (path !== ':memory:') {
    if (options.mustExist && !existsSync(path)) {
      throw new DatabaseError(`no database at ${path}; \`leakwatch db migrate\` creates it`);
    }
    mkdirSync(dirname(path), { recursive: true });
  }

  let db: Db;
  let version: number;
  try {
    db = new Database(path, { fileMustExist: options.mustExist ?? false });
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw new DatabaseError(`cannot open database ${path}: ${explainSqliteError(error) ?? (error as Error).message}`, { cause: error });
  }

  const known = migrations.at(-1)?.version ?? 0;
  if (version > known) {
    db.close();
    throw new DatabaseError(
      `database ${path} has schema version ${version}, newer than this leakwatch knows (${known}); ` +
        'it was left untouched: upgrade leakwatch, or restore a backup made by this version',
    );
  }

  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma('synchronous = NORMAL');
  db.pragma(`journal_size_limit = ${Math.trunc(options.journalSizeLimitBytes ?? 64 * 1024 * 1024)}`);
  // A 64 MiB page cache (SQLite's default is 2 MiB): the meeting and sighting indexes of a large
  // installation stay in memory instead of being re-read page by page.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

/** Applies the pending migrations, each in its own transaction with its version number. */
export function migrate(db: Db, migrations: Migration[] = loadMigrations()): MigrateResult {
  const from = db.pragma('user_version', { simple: true }) as number;
  const applied: string[] = [];
  let current = from;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const apply = db.transaction(function applyMigration() {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply();
    } catch (error) {
      throw new DatabaseError(
        `migration ${migration.name} failed: ${(error as Error).message}; the database stays at schema version ${current}`,
        { cause: error },
      );
    }
    current = migration.version;
    applied.push(migration.name);
  }
  return { from, to: current, applied };
}

export interface DatabaseStatus {
  path: string;
  schemaVersion: number;
  latestVersion: number;
  pending: string[];
  sizeBytes: number;
  walBytes: number;
  journalMode: string;
  /** Row count of every table; null for a table that cannot be read. */
  tables: Record<string, number | null>;
  /** `PRAGMA quick_check`: whether the file is sound, what is damaged and what fixes it. */
  integrity: IntegrityReport;
}

export function databaseStatus(db: Db, path: string, migrations: Migration[] = loadMigrations()): DatabaseStatus {
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const tables: Record<string, number | null> = {};
  for (const name of names) {
    try {
      tables[name] = db.prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`).pluck().get() as number;
    } catch {
      tables[name] = null; // damaged: the integrity check says where
    }
  }
  return {
    path,
    schemaVersion,
    latestVersion: migrations.at(-1)?.version ?? 0,
    pending: migrations.filter((m) => m.version > schemaVersion).map((m) => m.name),
    sizeBytes: fileSize(path),
    walBytes: fileSize(`${path}-wal`),
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    tables,
    integrity: checkIntegrity(db, path),
  };
}

/**
 * Copies the live database to `file` with SQLite's online backup: writers
 * carry on while it runs and the copy is consistent. Refuses to overwrite.
 */
export async function backupDatabase(db: Db, file: string): Promise<{ file: string; sizeBytes: number }> {
  if (existsSync(file)) throw new DatabaseError(`backup target ${file} already exists; choose a new file name`);
  mkdirSync(dirname(file), { recursive: true });
  await db.backup(file);
  return { file, sizeBytes: fileSize(file) };
}

/** What `PRAGMA quick_check` said of the database. */
export interface QuickCheck {
  ok: boolean;
  /** `ok`, or SQLite's findings (the first few) or the error it raised. */
  result: string;
  at: string;
  durationMs: number;
}

/**
 * `PRAGMA quick_check`: the structure of every table and index, without the
 * slower cross-checks of `integrity_check` (index contents against rows).
 * Reads the whole file, so it is run once at start-up, not per request.
 */
export function quickCheck(db: Db, now: Date = new Date()): QuickCheck {
  const started = performance.now();
  let result: string;
  try {
    const findings = db.prepare('PRAGMA quick_check(10)').pluck().all() as string[];
    result = findings.join('; ');
  } catch (error) {
    result = (error as Error).message;
  }
  return { ok: result === 'ok', result, at: now.toISOString(), durationMs: Math.round(performance.now() - started) };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
