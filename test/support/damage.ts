/**
 * Real database faults, made the way disks and stray programs make them:
 * garbage over a page of the file, an index whose entries no longer match its
 * table, and a database that cannot grow (SQLite's own limit on the
 * connection, which fails writes with SQLITE_FULL exactly as a full disk does).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from '../../src/store/database.js';

/**
 * Writes garbage over the root page of `index` in the (closed) database file
 * at `path`, after moving everything in its WAL into the file.
 */
export function damageIndexPage(path: string, index: string): { rootPage: number; pageSize: number } {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rootPage = db.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(index) as number | undefined;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  if (rootPage === undefined) throw new Error(`no index ${index} in ${path}`);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootPage - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return { rootPage, pageSize };
}

/**
 * Fills the database on this connection: it may not grow past its current
 * pages, and the last page of `leak_events` is packed full, so the next
 * alert marked sent (which records an event) fails with SQLITE_FULL and so
 * does every write that needs a page. Returns how to give the space back.
 */
export function fillDatabase(db: Db): () => void {
  const leak = db.prepare('SELECT id FROM leaks ORDER BY id LIMIT 1').pluck().get() as number | undefined;
  if (leak === undefined) throw new Error('fillDatabase needs a leak to hang its filler events on');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const filler = db.prepare("INSERT INTO leak_events (leak_id, at, actor, event, detail) VALUES (?, '2000-01-01T00:00:00.000Z', 'disk-filler', 'note', ?)");
  for (;;) {
    try {
      filler.run(leak, 'x'.repeat(64));
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_FULL') break;
      throw error;
    }
  }
  return () => {
    db.pragma('max_page_count = 1073741823');
  };
}

/**
 * Leaves `index` in the (closed) database at `path` with entries missing and
 * its pages intact: the index is hidden from the schema while `write` changes
 * its table, then put back as it was. REINDEX repairs this; nothing repairs
 * an unreadable page.
 */
export function staleIndex(path: string, index: string, write: (db: Database.Database) => void): void {
  let db = new Database(path);
  db.unsafeMode(true);
  const entry = db.prepare("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema WHERE type = 'index' AND name = ?").get(index) as Record<string, unknown> | undefined;
  if (entry === undefined) throw new Error(`no index ${index} in ${path}`);
  db.pragma('writable_schema = ON');
  db.prepare('DELETE FROM sqlite_schema WHERE name = ?').run(index);
  db.pragma('writable_schema = OFF');
  db.close();
  db = new Database(path);
  db.unsafeMode(true);
  write(db);
  db.pragma('writable_schema = ON');
  db.prepare('INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES (@type, @name, @tbl_name, @rootpage, @sql)').run(entry);
  db.pragma('writable_schema = OFF');
  db.close();
}
