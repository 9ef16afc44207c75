/**
 * What the operator sees when the database is at fault: a damaged file
 * (`db status` says where and what fixes it; `leakwatch run` refuses to start
 * on it), and a locked, damaged, read-only or full database under any
 * command (one line, exit 1, no stack trace).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, type CliResult, runMain, tempDir } from '../support/cli.js';
import { damageIndexPage, staleIndex } from '../support/damage.js';

let dir: string;
let cleanup: () => void;
let db: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'leakwatch.db');
});
afterEach(() => cleanup());

const lw = (args: string[], input = '', path = db) => runMain([...args, '--db', path, '--log-level', 'silent'], input);

/** An organisation, a meeting and a leak of it: rows in every table the daemon reads first, the outbox included. */
async function installation(path = db): Promise<void> {
  for (const args of [
    ['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example'],
    ['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example'],
    ['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'manual'],
    ['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '84512397260', '--owner', 'teacher@westfield.example'],
  ]) {
    expect((await lw(args, '', path)).code).toBe(0);
  }
  expect((await lw(['ingest', '--source', 'reddit'], JSON.stringify({ id: 'p1', text: 'zoom.us/j/84512397260' }), path)).code).toBe(0);
}

/** Runs the real `leakwatch` (killed after `timeoutMs` if it has not exited by then). */
function leakwatch(args: string[], options: { uid?: number; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: cleanEnv({ LEAKWATCH_WEB__PORT: '0' }), ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end();
  });
}

/** Exit 1 and one line on stderr, `leakwatch: …`, no stack trace. */
function expectOneLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^leakwatch: /);
  expect(lines[0]).toMatch(pattern);
}

describe('a damaged database', () => {
  it('`db status` names the damaged index and what fixes it (and so does --json), exit 1; `leakwatch run` refuses to start on it', async () => {
    await installation();
    const { rootPage } = damageIndexPage(db, 'outbox_due');

    const status = await lw(['db', 'status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^integrity +DAMAGED \(PRAGMA quick_check\): index outbox_due \(on outbox\)$/m);
    expect(status.stdout).toContain(`  Tree ${rootPage} page ${rootPage}: `);
    expect(status.stdout).toMatch(/^fix +stop every leakwatch using .*leakwatch\.db and restore the last copy made by `leakwatch db backup` in its place: REINDEX cannot help/m);
    const json = JSON.parse((await lw(['db', 'status', '--json'])).stdout) as { integrity: Record<string, unknown>; tables: Record<string, number | null> };
    expect(json.integrity).toMatchObject({ ok: false, repair: 'restore', damaged: [{ name: 'outbox_due', type: 'index', table: 'outbox' }], fix: expect.stringContaining('leakwatch db backup') });
    expect(json.integrity.problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^Tree ${rootPage} page ${rootPage}: `))]));
    expect(json.tables.organisations).toBe(1);

    // The daemon does not start and crash-loop under its supervisor: it says what is wrong and stops at once.
    const run = await leakwatch(['run', '--db', db]);
    expectOneLine(run, /^leakwatch: database .*leakwatch\.db is damaged \(PRAGMA quick_check: index outbox_due \(on outbox\): Tree \d+ page \d+: .*\); leakwatch run does not start on it\. Fix: stop every leakwatch using .* restore the last copy made by `leakwatch db backup`/);
  });

  it('an index whose entries are wrong (its pages intact): the fix is REINDEX, and after it the check passes', async () => {
    await installation();
    staleIndex(db, 'outbox_due', (conn) => {
      conn.prepare("INSERT INTO outbox (dedupe_key, channel, recipient, kind, payload, message_id, next_attempt_at, created_at) VALUES ('stray', 'email', 'x@westfield.example', 'test', '{}', '<stray@leakwatch>', ?, ?)").run(new Date().toISOString(), new Date().toISOString());
    });
    const json = JSON.parse((await lw(['db', 'status', '--json'])).stdout) as { integrity: Record<string, unknown> };
    expect(json.integrity).toEqual({
      ok: false,
      problems: ['wrong # of entries in index outbox_due'],
      damaged: [{ name: 'outbox_due', type: 'index', table: 'outbox' }],
      repair: 'reindex',
      fix: `the tables are intact and only index entries are wrong: stop every leakwatch using ${db}, then rebuild the index with \`sqlite3 ${db} 'REINDEX outbox_due'\``,
    });
    const run = await leakwatch(['run', '--db', db]);
    expectOneLine(run, /Fix: the tables are intact and only index entries are wrong: .*'REINDEX outbox_due'/);

    const conn = new Database(db);
    conn.exec('REINDEX outbox_due');
    conn.close();
    const status = await lw(['db', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^integrity +ok \(PRAGMA quick_check\)$/m);
  });
});

describe('database errors under any command: one line, exit 1', () => {
  it('locked: another connection holds the write lock past db.busyTimeoutMs', async () => {
    await installation();
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const config = join(dir, 'impatient.json');
      writeFileSync(config, JSON.stringify({ db: { busyTimeoutMs: 200 } }));
      const result = await runMain(['org', 'add', '--name', 'Eastfield', '--admin', 'it@eastfield.example', '--db', db, '--config', config, '--log-level', 'silent']);
      expectOneLine(result, /^leakwatch: database .*leakwatch\.db is locked: another process held its write lock for longer than db\.busyTimeoutMs \(SQLITE_BUSY: database is locked\)/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('damaged: a page of the index a write must update is garbage', async () => {
    await installation();
    damageIndexPage(db, 'organisations_name');
    expectOneLine(await lw(['org', 'add', '--name', 'Eastfield', '--admin', 'it@eastfield.example']), /^leakwatch: database .*leakwatch\.db is damaged \(SQLITE_CORRUPT[A-Z_]*: database disk image is malformed\): `leakwatch db status` says what is wrong and how to fix it$/);
  });

  it('read-only: the database and its directory cannot be written', async () => {
    await installation();
    if (process.getuid?.() === 0) {
      // root writes whatever the permissions say: the command runs as nobody, who may read the files but not write them.
      chmodSync(dir, 0o755);
      chmodSync(db, 0o644);
      const result = await leakwatch(['org', 'add', '--name', 'Eastfield', '--admin', 'it@eastfield.example', '--db', db, '--log-level', 'silent'], { uid: 65534 });
      expectOneLine(result, /^leakwatch: cannot open database .*leakwatch\.db: the database is read-only \(SQLITE_READONLY[A-Z_]*: attempt to write a readonly database\): leakwatch must be able to write the file/);
    } else {
      chmodSync(db, 0o444);
      chmodSync(dir, 0o555);
      try {
        expectOneLine(await lw(['org', 'add', '--name', 'Eastfield', '--admin', 'it@eastfield.example']), /is read-only \(SQLITE_READONLY/);
      } finally {
        chmodSync(dir, 0o755);
      }
    }
  });

  it('full: the file system the database is on has no space left', async (context) => {
    // A small tmpfs of its own, if this test may mount one (root); a real full disk either way, not a stand-in.
    const mount = join(dir, 'small-disk');
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      context.skip('mounting a small file system needs root; the full-disk behaviour of the daemon is tested with SQLite\'s page limit in test/notify/worker.test.ts');
    }
    try {
      const path = join(mount, 'leakwatch.db');
      await installation(path);
      // Another connection keeps the -wal and -shm files open, with the WAL emptied: the next write must grow the WAL.
      const keeper = new Database(path);
      keeper.pragma('wal_checkpoint(TRUNCATE)');
      const fd = openSync(join(mount, 'ballast'), 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(4096));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      try {
        expectOneLine(await lw(['org', 'add', '--name', 'Eastfield', '--admin', 'it@eastfield.example'], '', path), /^leakwatch: database .*leakwatch\.db cannot grow: the disk is full \(SQLITE_FULL: database or disk is full\); free space on it/);
      } finally {
        keeper.close();
      }
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
