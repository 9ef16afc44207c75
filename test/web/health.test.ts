/**
 * `/healthz`: per source when it last succeeded and whether it is stale, the
 * outbox backlog, the database; 503 when any of them is wrong.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { linkKey } from '../../src/notify/links.js';
import { enqueue } from '../../src/notify/outbox.js';
import { openDatabase, quickCheck } from '../../src/store/database.js';
import { HealthCheck, type HealthReport } from '../../src/web/health.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { FakeClock } from '../support/notify.js';
import { tempStore, type TestStore } from '../support/store.js';

const log = createLogger({ level: 'silent' });
const MINUTE = 60_000;

let store: TestStore;
let clock: FakeClock;
let web: WebServer | null;
let config: Config;
/** When the daemon "started": two hours before the clock, so every source has had its chance to run. */
let startedAt: Date;

beforeEach(() => {
  store = tempStore();
  clock = new FakeClock('2026-09-01T12:00:00.000Z');
  startedAt = new Date(clock.now.getTime() - 120 * MINUTE);
  ({ config } = loadConfig({ env: {} }));
  // Only Hacker News is crawled in these tests, every 10 minutes: stale after 30.
  for (const name of Object.keys(config.sources) as (keyof Config['sources'])[]) config.sources[name].enabled = false;
  config.sources.hackernews = { ...config.sources.hackernews, enabled: true, cron: '*/10 * * * *' };
  web = null;
});
afterEach(async () => {
  await web?.close();
  store.cleanup();
});

async function serve(quick = quickCheck(store.db)): Promise<string> {
  const health = new HealthCheck({ db: store.db, config, secrets: {}, startedAt, quickCheck: quick, clock: clock.read });
  web = await startWebServer({ db: store.db, linkKey: linkKey(store.db, undefined), onVerified: store.registration.onVerified, log, host: '127.0.0.1', port: 0, clock: clock.read, health });
  return web.url;
}

async function healthz(url: string): Promise<{ status: number; report: HealthReport }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, report: (await response.json()) as HealthReport };
}

function crawlRun(source: string, status: 'succeeded' | 'failed' | 'running', minutesAgo: number, errorKind: string | null = null): void {
  const at = new Date(clock.now.getTime() - minutesAgo * MINUTE).toISOString();
  store.db
    .prepare('INSERT INTO crawl_runs (source, started_at, finished_at, status, error, error_kind) VALUES (?, ?, ?, ?, ?, ?)')
    .run(source, at, status === 'running' ? null : at, status, status === 'failed' ? 'http://127.0.0.1:9/robots.txt: connect ECONNREFUSED' : null, errorKind);
}

describe('/healthz', () => {
  it('answers JSON: every source, the outbox and the database; HEAD answers the same status without a body', async () => {
    crawlRun('hackernews', 'succeeded', 5);
    const url = await serve();
    const { status, report } = await healthz(url);
    expect(status).toBe(200);
    expect(Object.keys(report)).toEqual(['status', 'checkedAt', 'problems', 'sources', 'outbox', 'database']);
    expect(report).toMatchObject({ status: 'ok', checkedAt: '2026-09-01T12:00:00.000Z', problems: [] });
    expect(Object.keys(report.sources)).toEqual(['reddit', 'mastodon', 'bluesky', 'hackernews', 'fourchan', 'telegram', 'lemmy', 'discourse', 'rss', 'x', 'webpage']);
    expect(report.sources.hackernews).toEqual({
      enabled: true,
      state: 'succeeded',
      lastRunAt: '2026-09-01T11:55:00.000Z',
      lastSuccessAt: '2026-09-01T11:55:00.000Z',
      lastErrorKind: null,
      staleAfterMinutes: 30,
      stale: false,
    });
    expect(report.sources.reddit).toMatchObject({ enabled: false, state: 'disabled', stale: false, staleAfterMinutes: 45 });
    expect(report.outbox).toEqual({ due: 0, oldestDueAgeSeconds: null, pending: 0, maxAgeMinutes: 15, backingUp: false });
    expect(report.database).toEqual({ ok: true, error: null, quickCheck: { ok: true, result: 'ok', at: expect.any(String) } });

    const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('is 503 when a source has not succeeded for three of its cron intervals, saying which and how its last run failed', async () => {
    crawlRun('hackernews', 'succeeded', 35);
    crawlRun('hackernews', 'failed', 15, 'retryable');
    crawlRun('hackernews', 'failed', 5, 'rate-limited');
    const url = await serve();
    const { status, report } = await healthz(url);
    expect(status).toBe(503);
    expect(report.status).toBe('unhealthy');
    expect(report.sources.hackernews).toMatchObject({ state: 'failed', lastErrorKind: 'rate-limited', lastSuccessAt: '2026-09-01T11:25:00.000Z', stale: true });
    expect(report.problems).toEqual(['hackernews: no successful crawl for more than 30 minutes (last run failed: rate-limited)']);
    expect((await fetch(`${url}/healthz`, { method: 'HEAD' })).status).toBe(503);
  });

  it('is not stale before the source had its chance: counted from start-up, and from the last success after it', async () => {
    startedAt = new Date(clock.now.getTime() - 20 * MINUTE);
    crawlRun('hackernews', 'succeeded', 600);
    const url = await serve();
    expect((await healthz(url)).report.sources.hackernews).toMatchObject({ state: 'succeeded', stale: false });
    clock.advance(11 * MINUTE);
    expect((await healthz(url)).status).toBe(503);
  });

  it('a source that never ran is stale once it has been running long enough', async () => {
    const url = await serve();
    const { status, report } = await healthz(url);
    expect(status).toBe(503);
    expect(report.sources.hackernews).toMatchObject({ state: 'never-run', lastRunAt: null, lastSuccessAt: null, stale: true });
  });

  it('health.staleAfterMinutes and health.sourceStaleAfterMinutes override the cron-based limit', async () => {
    crawlRun('hackernews', 'succeeded', 50);
    config.health.staleAfterMinutes = 60;
    let url = await serve();
    expect((await healthz(url)).report.sources.hackernews).toMatchObject({ staleAfterMinutes: 60, stale: false });
    await web!.close();
    config.health.sourceStaleAfterMinutes = { hackernews: 40 };
    url = await serve();
    expect((await healthz(url)).report.sources.hackernews).toMatchObject({ staleAfterMinutes: 40, stale: true });
  });

  it('a source enabled with nothing configured is reported as such, never stale', async () => {
    config.sources.rss = { ...config.sources.rss, enabled: true, feeds: [] };
    crawlRun('hackernews', 'succeeded', 1);
    const url = await serve();
    const { status, report } = await healthz(url);
    expect(status).toBe(200);
    expect(report.sources.rss).toMatchObject({ enabled: true, state: 'nothing-to-crawl', stale: false });
  });

  it('is 503 when a message has been due for longer than health.outboxMaxAgeMinutes', async () => {
    crawlRun('hackernews', 'succeeded', 1);
    const queue = (key: string, minutesAgo: number) =>
      enqueue(store.db, { dedupeKey: key, channel: 'email', recipient: 'it@westfield.example', kind: 'test', payload: {}, notBefore: new Date(clock.now.getTime() - minutesAgo * MINUTE) }, clock.now);
    queue('a', 5);
    enqueue(store.db, { dedupeKey: 'later', channel: 'email', recipient: 'it@westfield.example', kind: 'test', payload: {}, notBefore: new Date(clock.now.getTime() + 60 * MINUTE) }, clock.now);
    const url = await serve();
    expect(await healthz(url)).toMatchObject({ status: 200, report: { outbox: { due: 1, pending: 2, oldestDueAgeSeconds: 300, backingUp: false } } });
    queue('b', 16);
    const { status, report } = await healthz(url);
    expect(status).toBe(503);
    expect(report.outbox).toEqual({ due: 2, oldestDueAgeSeconds: 960, pending: 3, maxAgeMinutes: 15, backingUp: true });
    expect(report.problems).toEqual(['outbox: a message has been due for 16 minutes (more than 15)']);
  });

  it('is 503 when the database does not answer', async () => {
    crawlRun('hackernews', 'succeeded', 1);
    const url = await serve();
    store.db.close();
    const { status, report } = await healthz(url);
    expect(status).toBe(503);
    expect(report.database).toMatchObject({ ok: false, error: expect.stringMatching(/not open/) });
  });

  it('is 503 when the start-up quick check found the file damaged', async () => {
    crawlRun('hackernews', 'succeeded', 1);
    store.db.exec('CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT); CREATE INDEX filler_text ON filler (text);');
    const insert = store.db.prepare('INSERT INTO filler (text) VALUES (?)');
    store.db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(`row ${i} ${'x'.repeat(100)}`);
    })();
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    // Scribble over the last pages of the file (filler rows and index), as a failing disk would.
    const fd = openSync(store.path, 'r+');
    for (let page = pages - 8; page < pages; page++) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, page * pageSize);
    closeSync(fd);
    // A new connection, as the daemon's at start-up: the open one would answer from its page cache.
    const fresh = openDatabase(store.path);
    const check = quickCheck(fresh);
    fresh.close();
    expect(check.ok).toBe(false);
    const url = await serve(check);
    const { status, report } = await healthz(url);
    expect(status).toBe(503);
    expect(report.database).toMatchObject({ ok: false, error: null, quickCheck: { ok: false, result: check.result } });
    expect(report.problems).toEqual([`database: the start-up quick check found: ${check.result}`]);
  });
});
