import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/store/database.js';
import { BIN, cleanEnv, tempDir } from '../support/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

interface Running {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `leakwatch run` and resolves once it logs that it is running. */
function startDaemon(args: string[], cwd: string): Promise<Running> {
  return watchDaemon(spawn(process.execPath, [BIN, 'run', ...args], { cwd, env: cleanEnv() }));
}

function watchDaemon(child: ChildProcessWithoutNullStreams): Promise<Running> {
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'leakwatch running') resolve({ child, lines, exited });
      }
    });
    exited.then(({ code }) => reject(new Error(`leakwatch run exited with ${code} before running: ${JSON.stringify(lines)}`)));
  });
}

describe('leakwatch run', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('creates and migrates the database, schedules its jobs, and on %s stops cleanly with 0', async (signal) => {
    // The default database path is data/leakwatch.db under the working directory.
    const running = await startDaemon([], dir);
    const db = join(dir, 'data', 'leakwatch.db');
    expect(existsSync(db)).toBe(true);
    // The shipped defaults crawl every source that needs no credentials; X needs a token.
    const { jobs } = running.lines.find((l) => l.msg === 'leakwatch running') as { jobs: string[] };
    expect(jobs).toEqual(['housekeeping', ...['reddit', 'mastodon', 'bluesky', 'hackernews', 'fourchan', 'telegram', 'lemmy', 'discourse', 'rss', 'webpage'].map((s) => `crawl:${s}`), 'calendar-feeds']);
    expect(running.lines.find((l) => l.msg === 'job scheduled')).toMatchObject({ job: 'housekeeping', cron: '17 3 * * *' });

    running.child.kill(signal);
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    expect(running.lines.find((l) => l.msg === 'stopping')).toMatchObject({ signal });

    // Closed cleanly: the WAL was checkpointed away and the schema is current.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    check.close();
  });

  it('honours --db and --log-level', async () => {
    const db = join(dir, 'elsewhere.db');
    const running = await startDaemon(['--db', db, '--log-level', 'debug'], dir);
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(dir, 'data'))).toBe(false);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
  });

  it('`npm start` runs it and exits 0 on SIGTERM (the signal reaches leakwatch through npm)', async () => {
    const db = join(dir, 'npm-start.db');
    const npm = spawn('npm', ['start', '--silent'], { cwd: REPO, env: cleanEnv({ LEAKWATCH_DB: db }) });
    const running = await watchDaemon(npm);
    expect(existsSync(db)).toBe(true);
    npm.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.lines.map((l) => l.msg)).toContain('stopped');
  });
});
