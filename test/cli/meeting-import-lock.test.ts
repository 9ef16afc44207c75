/**
 * A long `leakwatch meeting import` (a real process) writes in batches, so
 * another connection — a crawl of `leakwatch run` — gets its writes in while
 * it runs instead of waiting out the whole import (and failing with
 * SQLITE_BUSY after its busy timeout).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BIN, cleanEnv, runMain, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const MEETINGS = 100_000;

it('a concurrent writer gets each write in within a bounded time while 100,000 meetings are imported', { timeout: 120_000 }, async () => {
  const db = join(dir, 'lw.db');
  expect((await runMain(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example', '--db', db, '--log-level', 'silent'])).code).toBe(0);
  const csv = join(dir, 'timetable.csv');
  const rows = Array.from({ length: MEETINGS }, (_, i) => `t${i % 500}@westfield.example,zoom,${80_000_000_000 + i * 7},Class ${i}`);
  writeFileSync(csv, `owner_email,platform,meeting_id,title\n${rows.join('\n')}\n`);

  const child = spawn(process.execPath, [BIN, 'meeting', 'import', '--org', '1', csv, '--db', db, '--log-level', 'silent', '--json'], { env: cleanEnv() });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let running = true;
  void exited.then(() => (running = false));

  // The writer: another connection, as the daemon's, with a busy timeout shorter than the whole import takes.
  const writer = new Database(db, { timeout: 3000 });
  const insert = writer.prepare("INSERT INTO crawl_runs (source, started_at, status) VALUES ('reddit', ?, 'running')");
  const imported = writer.prepare('SELECT count(*) FROM meetings').pluck();
  const waits: number[] = [];
  const during: number[] = [];
  try {
    while (running) {
      const started = performance.now();
      insert.run(new Date().toISOString());
      waits.push(performance.now() - started);
      const count = imported.get() as number;
      if (count > 0 && count < MEETINGS) during.push(count);
      await sleep(25);
    }
  } finally {
    writer.close();
  }
  expect(await exited).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ added: MEETINGS, skipped: [] });
  // Writes went in while the import was part-way, each after a short wait, never the import's whole length.
  expect(new Set(during).size).toBeGreaterThanOrEqual(5);
  expect(Math.max(...waits)).toBeLessThan(500);
});
