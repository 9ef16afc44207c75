import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fourchan } from '../../crawlers/fourchan.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { capturedLogger } from '../support/logger.js';
import { school, tempStore, type TestStore } from '../support/store.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/fourchan/${name}`, import.meta.url), 'utf8');

interface FourPost {
  no: number;
  resto: number;
  time: number;
  now: string;
  name: string;
  com: string;
  sub?: string;
}

/** A post as `thread/<no>.json` carries it. */
function post(no: number, resto: number, time: number, com: string): FourPost {
  return { no, resto, time, now: '09/21/26(Mon)10:00:00', name: 'Anonymous', com, ...(resto === 0 ? { sub: `thread ${no}` } : {}) };
}

/** `catalog.json` of these threads, shaped as 4chan builds it: OP fields, last replies, `last_modified`, pages of 15. */
function catalogOf(threads: Map<number, FourPost[]>) {
  const entries = [...threads.values()].map((posts) => {
    const [op, ...replies] = posts as [FourPost, ...FourPost[]];
    return {
      ...op,
      replies: replies.length,
      images: 0,
      omitted_posts: Math.max(0, replies.length - 5),
      omitted_images: 0,
      semantic_url: `thread-${op.no}`,
      ...(replies.length ? { last_replies: replies.slice(-5) } : {}),
      last_modified: Math.max(...posts.map((p) => p.time)),
    };
  });
  const pages = [];
  for (let i = 0; i < entries.length; i += 15) pages.push({ page: pages.length + 1, threads: entries.slice(i, i + 15) });
  return pages;
}

let server: TestHttpServer;
let store: TestStore;
let threads: Map<number, FourPost[]>;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer();
  threads = new Map();
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const json = (response: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
  void response.writeHead(200, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));

/** Serves `threads` on board /b/ as 4chan does: Last-Modified on the catalog and 304 to an If-Modified-Since that is not older. */
function serveBoard(onThread: (no: number) => void = () => undefined) {
  server.route('/b/catalog.json', function catalog(request: IncomingMessage, response: ServerResponse) {
    const catalog = catalogOf(threads);
    const newest = Math.max(...catalog.flatMap((page) => page.threads.map((t) => t.last_modified)));
    const since = request.headers['if-modified-since'];
    if (since && Date.parse(since) >= newest * 1000) return void response.writeHead(304).end();
    json(response, catalog, { 'last-modified': new Date(newest * 1000).toUTCString() });
  });
  for (const no of threads.keys()) routeThread(no, onThread);
}

function routeThread(no: number, onThread: (no: number) => void) {
  server.route(`/b/thread/${no}.json`, function thread(_request, response) {
    onThread(no);
    const posts = threads.get(no);
    if (!posts) return void response.writeHead(404).end();
    json(response, { posts });
  });
}

function crawl(boards = ['b'], timeoutMs = 400, log: Logger = createLogger({ level: 'silent' })) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.fourchan = { ...config.sources.fourchan, enabled: true, baseUrl: server.url, boards, requestIntervalMs: 0 };
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: fourchan as Crawler, config, secrets, http: client(config.http, timeoutMs), log });
}

// One client for the whole test, as the daemon keeps one: conditional requests need the last answer's validators.
let http: HttpClient | undefined;
function client(base: ReturnType<typeof loadConfig>['config']['http'], timeoutMs: number) {
  http ??= new HttpClient({ ...base, allowPrivateHosts: true, timeoutMs, retries: 2, retryBaseMs: 10 });
  return http;
}
afterEach(() => {
  http = undefined;
});

const cursor = (board = 'b') => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'fourchan' AND scope = ?").pluck().get(`board:${board}`) as string | undefined;
/** The stored cursor: per thread, the newest post read and the newest the catalog showed. */
const threadCursor = (board = 'b') => (JSON.parse(cursor(board)!) as { threads: Record<string, [number, number]> }).threads;
const threadRequests = () => server.requests.filter((r) => r.url.includes('/thread/')).map((r) => r.url);
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'fourchan' ORDER BY source_id").pluck().all();

describe('4chan crawler', () => {
  it('reads every thread with posts not read yet, the oldest first, joins URLs broken by <wbr>, keeps hrefs, and stores per thread the newest post read', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    server.route('/b/catalog.json', (_request, response) => json(response, fixture('b-catalog.json')));
    for (const no of [900100, 900200, 900300]) server.route(`/b/thread/${no}.json`, (_request, response) => json(response, fixture(`b-thread-${no}.json`)));

    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 3, posts: 7, leaks: 1 });
    expect(threadRequests()).toEqual(['/b/thread/900100.json', '/b/thread/900200.json', '/b/thread/900300.json']);
    expect(threadCursor()).toEqual({ 900100: [900100, 900100], 900200: [900203, 900203], 900300: [900301, 900301] });
    expect(storedIds()).toEqual(['b/900201', 'b/900202', 'b/900301']);
    const stored = store.db.prepare("SELECT url, text, created_at FROM posts WHERE source_id = 'b/900201'").get() as { url: string; text: string; created_at: string };
    expect(stored).toMatchObject({ url: 'https://boards.4chan.org/b/thread/900200#p900201', created_at: '2026-09-21T14:20:10.000Z' });
    // The URL 4chan broke with <wbr> (no anchor: 4chan links URLs only in the browser) is whole again.
    expect(stored.text).toContain('https://westfield.zoom.us/j/84512397260?pwd=');
    const meetings = store.db.prepare('SELECT DISTINCT meeting_id FROM sightings ORDER BY meeting_id').pluck().all();
    expect(meetings).toEqual(['71234567890', '84512397260', 'abc-defg-hij']);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
  });

  it('a post replies to the first post of its thread it quotes (>>NNN): its passcode joins the leak of the quoted meeting', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    threads.set(700, [
      post(700, 0, 1_790_002_000, 'online class thread'),
      post(701, 700, 1_790_002_100, 'history 3rd period<br>Zoom meeting ID: 861 2290 4418'),
      // As 4chan writes them: a quotelink of the thread, one of another thread, one of another board.
      post(702, 700, 1_790_002_200, '<a href="/b/thread/650#p651" class="quotelink">&gt;&gt;651</a><br><a href="#p701" class="quotelink">&gt;&gt;701</a><br>pw is 735194'),
      post(703, 700, 1_790_002_300, '<a href="//boards.4channel.org/po/catalog#s=lft" class="quotelink">&gt;&gt;&gt;/po/lft</a> pw is 111111'),
      post(704, 700, 1_790_002_400, '<a href="/b/thread/700#p702" class="quotelink">&gt;&gt;702</a> thanks'),
    ]);
    serveBoard();
    const { config, secrets } = loadConfig({ env: {} });
    config.sources.fourchan = { ...config.sources.fourchan, enabled: true, baseUrl: server.url, boards: ['b'], requestIntervalMs: 0 };
    // A client of its own: the crawl below must not be answered 304 for what this one read.
    const own = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 0 });
    const context = { config: config.sources.fourchan, secrets, http: own, cursor: () => null, queries: [], minIntervalMs: 0, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
    const replies: Record<string, string | undefined> = {};
    for await (const page of fourchan.crawl(context)) for (const p of page.posts) replies[p.sourceId] = p.replyTo;
    expect(replies).toEqual({ 'b/700': undefined, 'b/701': undefined, 'b/702': 'b/701', 'b/703': undefined, 'b/704': 'b/702' });

    expect(await crawl()).toMatchObject({ status: 'succeeded', leaks: 1 });
    expect(storedIds()).toEqual(['b/701', 'b/702']);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '86122904418', sightings: 2, severity: 'high' });
  });

  it('resumes after the cursor: a changed catalog reads only threads with newer posts, and only those; an unchanged one is a 304', async () => {
    threads.set(500, [post(500, 0, 1_790_001_000, 'raid schedule'), post(501, 500, 1_790_001_100, 'zoom.us/j/11122233344')]);
    threads.set(400, [post(400, 0, 1_790_000_500, 'old thread zoom.us/j/99988877766')]);
    serveBoard();
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    expect(threadCursor()).toEqual({ 400: [400, 400], 500: [501, 501] });

    threads.get(500)!.push(post(502, 500, 1_790_001_200, 'new one: zoom.us/j/55566677788'));
    threads.set(600, [post(600, 0, 1_790_001_150, 'meet.google.com/xyz-abcd-efg come in')]);
    serveBoard();
    server.requests.length = 0;
    const second = await crawl();
    expect(second).toMatchObject({ status: 'succeeded', pages: 2, posts: 2 });
    expect(server.requests[0]!.headers['if-modified-since']).toBe(new Date(1_790_001_100_000).toUTCString());
    // Thread 400 has nothing new; thread 500 only post 502.
    expect(threadRequests()).toEqual(['/b/thread/500.json', '/b/thread/600.json']);
    expect(storedIds()).toEqual(['b/400', 'b/501', 'b/502', 'b/600']);
    expect(threadCursor()).toEqual({ 400: [400, 400], 500: [502, 502], 600: [600, 600] });

    server.requests.length = 0;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 0, posts: 0 });
    expect(server.requests.map((r) => r.url)).toEqual(['/b/catalog.json']);
  });

  it('a post in the second of the last catalog, in a thread that looked read, is read next run', async () => {
    threads.set(700, [post(700, 0, 1_790_005_000, 'thread a zoom.us/j/70000000001')]);
    threads.set(800, [post(800, 0, 1_790_004_000, 'thread b zoom.us/j/80000000001')]);
    serveBoard();
    await crawl();
    // After the catalog was read, in its newest second; then a later post elsewhere changes the board.
    threads.get(800)!.push(post(801, 800, 1_790_005_000, 'same second zoom.us/j/80100000001'));
    threads.get(700)!.push(post(701, 700, 1_790_005_010, 'later zoom.us/j/70100000001'));
    await crawl();
    expect(storedIds()).toEqual(['b/700', 'b/701', 'b/800', 'b/801']);
  });

  it('does not lose a thread that changes while the run reads others', async () => {
    threads.set(700, [post(700, 0, 1_790_002_000, 'thread a'), post(701, 700, 1_790_002_100, 'zoom.us/j/12312312312')]);
    threads.set(800, [post(800, 0, 1_790_001_900, 'thread b zoom.us/j/45645645645')]);
    let changed = false;
    serveBoard(function whileReading(no) {
      if (no !== 700 || changed) return;
      changed = true;
      // After the catalog was read: thread 800 gains a post, and a new thread 900 starts.
      threads.get(800)!.push(post(801, 800, 1_790_002_300, 'late: zoom.us/j/78978978978'));
      threads.set(900, [post(900, 0, 1_790_002_200, 'new thread zoom.us/j/32132132132')]);
      routeThread(900, () => undefined);
    });
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    // Post 801 was read (thread 800 was fetched after it was added), but thread 900 was not in that catalog.
    expect(storedIds()).toEqual(['b/701', 'b/800', 'b/801']);
    expect(threadCursor()).toEqual({ 700: [701, 701], 800: [801, 801] });

    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1 });
    expect(storedIds()).toEqual(['b/701', 'b/800', 'b/801', 'b/900']);
  });

  it('reads at most 50 threads a run, the longest waiting first; the others, and posts added meanwhile, the next run', async () => {
    for (let i = 0; i < 60; i++) threads.set(1000 + i, [post(1000 + i, 0, 1_790_003_000 + i, `thread ${i} zoom.us/j/${88_000_000_000 + i}`)]);
    serveBoard((no) => {
      // Posted while the run reads other threads, in a thread it has read already.
      if (no === 1040 && threads.get(1000)!.length === 1) threads.get(1000)!.push(post(2000, 1000, 1_790_003_100, 'late zoom.us/j/88000002000'));
    });
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 50, posts: 50 });
    const read = threadRequests();
    expect(read).toHaveLength(50);
    expect(read[0]).toBe('/b/thread/1000.json');
    expect(read.at(-1)).toBe('/b/thread/1049.json');
    expect(threadCursor()[1059]).toEqual([0, 1059]);

    // The catalog has not changed since, but threads wait: it is asked for again in full.
    server.requests.length = 0;
    serveBoard();
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 11, posts: 11 });
    expect(server.requests[0]!.headers['if-modified-since']).toBeUndefined();
    expect(threadRequests()).toEqual([...Array.from({ length: 10 }, (_, i) => `/b/thread/${1050 + i}.json`), '/b/thread/1000.json']);
    expect(storedIds()).toHaveLength(61);
    expect(Object.values(threadCursor()).filter(([readUpTo, newest]) => newest > readUpTo)).toEqual([]);
  });

  it('a thread that leaves the catalog with posts unread is asked for once more; one that is gone is logged as a gap with its posts', async () => {
    for (let i = 0; i < 52; i++) threads.set(3000 + i, [post(3000 + i, 0, 1_790_008_000 + i, `thread ${i} zoom.us/j/${89_000_000_000 + i}`)]);
    serveBoard();
    await crawl();
    expect(threadCursor()).toMatchObject({ 3050: [0, 3050], 3051: [0, 3051] });
    // Both fall off the board; 3050 is archived (still served), 3051 is gone.
    const archived = threads.get(3050)!;
    threads.delete(3050);
    threads.delete(3051);
    server.route('/b/thread/3050.json', (_request, response) => json(response, { posts: archived.map((p) => ({ ...p, archived: 1 })) }));
    serveBoard();
    const { log, entries } = capturedLogger();
    expect(await crawl(['b'], 400, log)).toMatchObject({ status: 'succeeded', pages: 2, posts: 1 });
    expect(storedIds()).toContain('b/3050');
    expect(entries().filter((entry) => entry.level === 40)).toEqual([expect.objectContaining({ board: 'b', thread: 3051, after: 0, upTo: 3051 })]);
    expect(Object.keys(threadCursor())).toHaveLength(50);
  });

  it('reads the cursor of the version before (the newest last_modified second): threads changed since that second are read again whole', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('fourchan', 'board:b', '1790001100', ?)").run(new Date().toISOString());
    threads.set(500, [post(500, 0, 1_790_001_000, 'raid schedule'), post(501, 500, 1_790_001_100, 'zoom.us/j/11122233344'), post(502, 500, 1_790_001_200, 'zoom.us/j/55566677788')]);
    threads.set(400, [post(400, 0, 1_790_000_500, 'old thread zoom.us/j/99988877766')]);
    serveBoard();
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 3 });
    expect(threadRequests()).toEqual(['/b/thread/500.json']);
    expect(threadCursor()).toEqual({ 400: [400, 400], 500: [502, 502] });
  });

  it('skips a thread deleted since the catalog, and one failing board does not stop the others', async () => {
    threads.set(500, [post(500, 0, 1_790_004_000, 'zoom.us/j/11122233344')]);
    threads.set(501, [post(501, 0, 1_790_004_100, 'deleted soon')]);
    serveBoard((no) => {
      if (no === 501) threads.delete(501);
    });
    server.route('/gone/catalog.json', (_request, response) => void response.writeHead(404).end());
    const summary = await crawl(['gone', 'b']);
    expect(summary).toMatchObject({ status: 'failed', error: expect.stringMatching(/\/gone\/catalog\.json: HTTP 404/) });
    expect(storedIds()).toEqual(['b/500']);
    expect(threadCursor()).toEqual({ 500: [500, 500] });
    expect(cursor('gone')).toBeUndefined();
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    threads.set(500, [post(500, 0, 1_790_005_000, 'zoom.us/j/44455566677')]);
    serveBoard();
    let calls = 0;
    const catalog = catalogOf(threads);
    server.route('/b/catalog.json', (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      json(response, catalog);
    });
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toBe(3);
  });

  it('a catalog that is not JSON, or not the catalog shape, fails the run with a clear error and leaves the cursor', async () => {
    server.route('/b/catalog.json', (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>4chan is under maintenance</body></html>'));
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor()).toBeUndefined();
    expect(sourceHealth(store.db, ['fourchan'])[0]).toMatchObject({ lastSuccess: null, warning: expect.stringMatching(/markup or API has probably changed/) });

    server.route('/b/catalog.json', (_request, response) => json(response, { threads: [] }));
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/\/b\/catalog\.json is not an array of catalog pages/) });
  });

  it('a thread whose posts lack their fields is a parse error naming the thread; the cursor stays', async () => {
    threads.set(500, [post(500, 0, 1_790_006_000, 'x')]);
    serveBoard();
    server.route('/b/thread/500.json', (_request, response) => json(response, { posts: [{ no: 500, com: 'no time here' }] }));
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/a post in \/b\/thread\/500\.json lacks no or time/) });
    expect(cursor()).toBeUndefined();
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    server.route('/b/catalog.json', () => undefined);
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the board', async () => {
    threads.set(500, [post(500, 0, 1_790_007_000, 'zoom.us/j/11122233344')]);
    serveBoard();
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /b/\n'));
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/b\/catalog\.json/) });
    expect(server.requests.filter((r) => r.url.startsWith('/b/'))).toHaveLength(0);
  });
});
