import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/errors.js';
import { backupDatabase, databaseStatus, loadMigrations, migrate, openDatabase, type Migration } from '../../src/store/database.js';
import { tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const EXPECTED_TABLES = [
  'api_tokens', 'audit_log', 'calendar_feeds', 'connections', 'contacts', 'crawl_cursors', 'crawl_runs', 'identifiers', 'leak_events', 'leak_sightings',
  'leaks', 'leases', 'meetings', 'org_settings', 'org_webhooks', 'organisations', 'outbox', 'people', 'posts', 'reply_passcodes', 'sessions', 'settings', 'sightings',
  'sign_in_tokens', 'unsubscribes', 'used_links',
];

function tables(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('migrations', () => {
  it('migrate an empty database to the latest schema, then do nothing on a second run', () => {
    const path = join(dir, 'nested', 'leakwatch.db');
    const db = openDatabase(path);
    const latest = loadMigrations().length;
    expect(migrate(db)).toEqual({ from: 0, to: latest, applied: loadMigrations().map((m) => m.name) });
    expect(tables(db)).toEqual(EXPECTED_TABLES);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);

    db.prepare("INSERT INTO organisations (name) VALUES ('Westfield High')").run();
    expect(migrate(db)).toEqual({ from: latest, to: latest, applied: [] });
    expect(db.prepare('SELECT count(*) FROM organisations').pluck().get()).toBe(1);
    db.close();

    const again = openDatabase(path);
    expect(migrate(again).applied).toEqual([]);
    again.close();
  });

  it('opens with WAL, foreign keys, busy timeout, synchronous=NORMAL and a journal size limit', () => {
    const db = openDatabase(join(dir, 'p.db'), { busyTimeoutMs: 1234, journalSizeLimitBytes: 4096 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(4096);
    db.close();
  });

  it('refuses a database newer than the code and leaves it byte for byte untouched', () => {
    const path = join(dir, 'future.db');
    const future = new Database(path);
    future.exec('CREATE TABLE from_the_future (x INTEGER)');
    future.pragma('user_version = 999');
    future.close();
    const before = sha256(path);

    expect(() => openDatabase(path)).toThrow(DatabaseError);
    expect(() => openDatabase(path)).toThrow(/schema version 999, newer than this leakwatch knows \(\d+\); it was left untouched/);
    expect(sha256(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('rolls a failing migration back whole and keeps the version it had', () => {
    const path = join(dir, 'broken.db');
    const migrations: Migration[] = [
      { version: 1, name: '001_one.sql', sql: 'CREATE TABLE one (x INTEGER);' },
      { version: 2, name: '002_broken.sql', sql: 'CREATE TABLE two (x INTEGER); INSERT INTO missing VALUES (1);' },
    ];
    const db = openDatabase(path, { migrations });
    expect(() => migrate(db, migrations)).toThrow(/migration 002_broken\.sql failed: no such table: missing; the database stays at schema version 1/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['one']);
    db.close();
  });

  it('refuses migration files with gaps or bad names', () => {
    const gap = join(dir, 'gap');
    const bad = join(dir, 'bad');
    for (const [folder, files] of [[gap, ['001_a.sql', '003_c.sql']], [bad, ['1-a.sql']]] as const) {
      mkdirSync(folder);
      for (const file of files) writeFileSync(join(folder, file), 'SELECT 1;');
    }
    expect(() => loadMigrations(gap)).toThrow(/migration 003_c\.sql: expected number 002/);
    expect(() => loadMigrations(bad)).toThrow(/1-a\.sql: name must look like 001_what_it_does\.sql/);
  });

  it('refuses a file that is not a SQLite database with the reason', () => {
    const path = join(dir, 'text.db');
    writeFileSync(path, 'this is not a database, it is a shopping list '.repeat(100));
    expect(() => openDatabase(path)).toThrow(/cannot open database .*text\.db: .*file is not a database/);
  });

  it('with mustExist, reports a missing database instead of creating one', () => {
    const path = join(dir, 'absent.db');
    expect(() => openDatabase(path, { mustExist: true })).toThrow(/no database at .*absent\.db; `leakwatch db migrate` creates it/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('schema', () => {
  it('cascades an organisation deletion and enforces its constraints', () => {
    const db = openDatabase(join(dir, 's.db'));
    migrate(db);
    const org = db.prepare("INSERT INTO organisations (name) VALUES ('Westfield') RETURNING id").pluck().get() as number;
    db.prepare("INSERT INTO identifiers (org_id, kind, value) VALUES (?, 'zoom-subdomain', 'westfield')").run(org);
    expect(() => db.prepare("INSERT INTO identifiers (org_id, kind, value) VALUES (?, 'zoom-subdomain', 'westfield')").run(org)).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO identifiers (org_id, kind, value) VALUES (?, 'myspace', 'x')").run(org)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (999, 'a@b.example', 'admin')").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM organisations WHERE id = ?').run(org);
    expect(db.prepare('SELECT count(*) FROM identifiers').pluck().get()).toBe(0);
    db.close();
  });
});

describe('status and backup', () => {
  it('reports version, pending migrations and row counts', () => {
    const path = join(dir, 'st.db');
    const db = openDatabase(path);
    const before = databaseStatus(db, path);
    expect(before.schemaVersion).toBe(0);
    expect(before.pending).toEqual(loadMigrations().map((m) => m.name));
    migrate(db);
    db.prepare("INSERT INTO organisations (name) VALUES ('A'), ('B')").run();
    const after = databaseStatus(db, path);
    expect(after).toMatchObject({ schemaVersion: after.latestVersion, pending: [], journalMode: 'wal' });
    expect(after.tables.organisations).toBe(2);
    expect(after.sizeBytes).toBeGreaterThan(0);
    db.close();
  });

  it('backs up a live database to a consistent copy and never overwrites', async () => {
    const path = join(dir, 'live.db');
    const db = openDatabase(path);
    migrate(db);
    const insert = db.prepare('INSERT INTO organisations (name) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`org ${i}`);
    })();
    const target = join(dir, 'backups', 'copy.db');
    const result = await backupDatabase(db, target);
    expect(result.sizeBytes).toBeGreaterThan(0);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM organisations').pluck().get()).toBe(2000);
    expect(copy.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    copy.close();
    await expect(backupDatabase(db, target)).rejects.toThrow(/already exists/);
    db.close();
  });
});

describe('migration 004: claims and proofs', () => {
  /** A database at schema version 3, as the code before migration 004 left it. */
  function atVersion3(path: string): Database.Database {
    const db = openDatabase(path);
    migrate(db, loadMigrations().slice(0, 3));
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    return db;
  }

  it('puts identifiers verified by an admin\'s email back to pending, with an audit row each, and keeps real proofs', () => {
    const db = atVersion3(join(dir, 'v3.db'));
    const org = (name: string) => db.prepare('INSERT INTO organisations (name) VALUES (?) RETURNING id').pluck().get(name) as number;
    const squatter = org('Westfield High');
    const lincoln = org('Lincoln High');
    const insert = db.prepare(
      `INSERT INTO identifiers (org_id, kind, value, status, method, verified_at, verified_by, token_hash, token_expires_at, token_purpose, token_sent_to, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-08-01T00:00:00.000Z') RETURNING id`,
    );
    const id = (...values: unknown[]) => insert.pluck().get(...values) as number;
    const zoom = id(squatter, 'zoom-subdomain', 'lincolnhigh', 'verified', 'admin-confirmed', '2026-08-02T00:00:00.000Z', 'email-link', null, null, null, 'it@westfield.example');
    const tenant = id(squatter, 'teams-tenant', '72f988bf-86f1-41af-91ab-2d7cd011db47', 'verified', 'admin-confirmed', '2026-08-02T00:00:00.000Z', 'operator:bob', null, null, null, null);
    const mailed = id(squatter, 'webex-site', 'lincolnhigh', 'pending', null, null, null, 'a'.repeat(64), '2026-09-30T00:00:00.000Z', 'email', 'it@westfield.example');
    const domain = id(squatter, 'email-domain', 'westfield.example', 'verified', 'email', '2026-08-01T00:00:00.000Z', 'email-link', null, null, null, 'admin@westfield.example');
    const vouched = id(lincoln, 'zoom-subdomain', 'lincoln', 'verified', 'manual', '2026-08-01T00:00:00.000Z', 'operator:alice', null, null, null, null);
    const dnsPending = id(lincoln, 'email-domain', 'lincoln.example', 'pending', null, null, null, 'b'.repeat(64), '2026-09-30T00:00:00.000Z', 'dns', null);

    const later = loadMigrations().slice(3).map((m) => m.name);
    expect(later[0]).toBe('004_claims_and_proofs.sql');
    expect(migrate(db)).toMatchObject({ from: 3, applied: later });

    const row = (rowId: number) => db.prepare('SELECT org_id, kind, value, status, method, verified_at, verified_by, token_hash, token_purpose FROM identifiers WHERE id = ?').get(rowId);
    for (const demoted of [zoom, tenant]) expect(row(demoted)).toMatchObject({ org_id: squatter, status: 'pending', method: null, verified_at: null, verified_by: null });
    // A mailed link for a platform identifier would still have confirmed it: it stops working.
    expect(row(mailed)).toMatchObject({ status: 'pending', token_hash: null, token_purpose: null });
    expect(row(domain)).toMatchObject({ status: 'verified', method: 'email', verified_by: 'email-link' });
    expect(row(vouched)).toMatchObject({ status: 'verified', method: 'manual' });
    expect(row(dnsPending)).toMatchObject({ status: 'pending', token_hash: 'b'.repeat(64), token_purpose: 'dns' });

    const audits = db.prepare("SELECT actor, org_id, action, subject, detail FROM audit_log WHERE action = 'identifier.unproven' ORDER BY id").all() as { detail: string }[];
    expect(audits.map(({ detail, ...rest }) => rest)).toEqual([
      { actor: 'migration 004', org_id: squatter, action: 'identifier.unproven', subject: 'zoom-subdomain lincolnhigh' },
      { actor: 'migration 004', org_id: squatter, action: 'identifier.unproven', subject: 'teams-tenant 72f988bf-86f1-41af-91ab-2d7cd011db47' },
    ]);
    expect(JSON.parse(audits[0]!.detail)).toEqual({
      method: 'admin-confirmed',
      verifiedAt: '2026-08-02T00:00:00.000Z',
      verifiedBy: 'email-link',
      reason: "an admin's email confirmation proves nothing about a platform account",
    });

    // Claims are per organisation now; a proof is still exclusive.
    db.prepare("INSERT INTO identifiers (org_id, kind, value) VALUES (?, 'zoom-subdomain', 'lincolnhigh')").run(lincoln);
    expect(() => db.prepare("INSERT INTO identifiers (org_id, kind, value) VALUES (?, 'zoom-subdomain', 'lincolnhigh')").run(lincoln)).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO identifiers (org_id, kind, value, status, method) VALUES (?, 'zoom-subdomain', 'lincoln', 'verified', 'manual')").run(squatter)).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE identifiers SET status = 'verified', method = 'admin-confirmed' WHERE id = ?").run(zoom)).toThrow(/CHECK/);
    for (const method of ['tenant', 'connection']) {
      db.prepare("INSERT INTO identifiers (org_id, kind, value, status, method) VALUES (?, 'teams-tenant', ?, 'verified', ?)").run(lincoln, `0000000${method === 'tenant' ? 1 : 2}-0000-0000-0000-000000000000`, method);
    }
    db.close();
  });
});
