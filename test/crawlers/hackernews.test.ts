import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlerFor } from '../../crawlers/index.js';
import { loadConfig } from '../../src/config/load.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

/** An Algolia `search_by_date` hit, shaped as the real API answers. */
function hit(id: number, createdAtI: number, body: { title?: string; comment?: string; url?: string; parent?: number } = {}) {
  return {
    created_at: new Date(createdAtI * 1000).toISOString(),
    title: body.title ?? null,
    url: body.url ?? null,
    author: `user${id}`,
    points: body.title ? 3 : null,
    story_text: null,
    comment_text: body.comment ?? null,
    num_comments: body.title ? 0 : null,
    story_id: body.title ? null : 41000000,
    story_title: body.title ? null : 'Ask HN: remote teaching',
    story_url: null,
    parent_id: body.title ? null : (body.parent ?? 41000000),
    created_at_i: createdAtI,
    _tags: [body.title ? 'story' : 'comment', `author_user${id}`, `story_${id}`],
    objectID: String(id),
    _highlightResult: {},
  };
}

type Hit = ReturnType<typeof hit>;

/**
 * Answers `search_by_date` as Algolia does: hits newest first, filtered by
 * `numericFilters` on `created_at_i` (a comma is AND), `hitsPerPage` a page,
 * and never past the 1,000th hit of a query (nbPages stops there, nbHits does not).
 */
function searchByDate(hits: Hit[], url: URL) {
  const filters = (url.searchParams.get('numericFilters') ?? '').split(',').filter(Boolean).map((filter) => {
    const match = /^created_at_i(<=|>=|<|>|=)(\d+)$/.exec(filter);
    if (!match) throw new Error(`unsupported numericFilters ${filter}`);
    return { op: match[1]!, value: Number(match[2]) };
  });
  const test = (time: number, { op, value }: { op: string; value: number }) =>
    op === '<=' ? time <= value : op === '>=' ? time >= value : op === '<' ? time < value : op === '>' ? time > value : time === value;
  const matching = hits.filter((h) => filters.every((filter) => test(h.created_at_i, filter))).sort((a, b) => b.created_at_i - a.created_at_i || Number(b.objectID) - Number(a.objectID));
  const perPage = Number(url.searchParams.get('hitsPerPage') ?? 20);
  const page = Number(url.searchParams.get('page') ?? 0);
  const reachable = matching.slice(0, 1000);
  return { ...answer(reachable.slice(page * perPage, (page + 1) * perPage), page, Math.ceil(reachable.length / perPage)), nbHits: matching.length, hitsPerPage: perPage };
}

function answer(hits: unknown[], page: number, nbPages: number) {
  return { hits, nbHits: hits.length * nbPages, page, nbPages, hitsPerPage: 100, exhaustiveNbHits: true, query: 'zoom.us/j', params: '', processingTimeMS: 1 };
}

let server: TestHttpServer;
let store: TestStore;
let handler: (request: IncomingMessage, response: ServerResponse, url: URL) => void;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer({
    '/api/v1/search_by_date': (request, response) => handler(request, response, new URL(request.url!, 'http://x')),
  });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const json = (response: ServerResponse, body: unknown) => void response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

function crawl() {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.hackernews = { ...config.sources.hackernews, enabled: true, baseUrl: server.url, queries: ['zoom.us/j'], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: crawlerFor('hackernews')!, config, secrets, http, log: createLogger({ level: 'silent' }) });
}

const cursor = () => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'hackernews' AND scope = 'query:zoom.us/j'").pluck().get() as string | undefined;
/** The stored cursor, read. */
const walkCursor = () => JSON.parse(cursor()!) as { read: { at: string; id: string } | null; walk: { newest: { at: string; id: string }; oldest: { at: string; id: string } } | null };
const at = (createdAtI: number) => new Date(createdAtI * 1000).toISOString();
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'hackernews'").pluck().all() as string[];
/** Hits with their own meeting link each, `spacing` seconds apart, the newest first. */
const linked = (fromId: number, newest: number, n: number, spacing = 30) =>
  Array.from({ length: n }, (_, i) => hit(fromId + n - 1 - i, newest - i * spacing, { comment: `join zoom.us/j/${70_000_000_000 + fromId + n - 1 - i}` }));
const requestedSince = () => server.requests.filter((r) => r.url.startsWith('/api/')).map((r) => new URL(r.url, 'http://x').searchParams.get('numericFilters'));

describe('Hacker News crawler', () => {
  it('a comment replies to its parent_id: a passcode in a reply joins the leak of the meeting its parent names', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    handler = (_request, response) =>
      json(
        response,
        answer(
          [
            hit(41000302, 1_790_000_300, { comment: 'pw is 735194', parent: 41000301 }),
            hit(41000301, 1_790_000_200, { comment: 'year 9 maths, Zoom meeting ID: 861 2290 4418' }),
          ],
          0,
          1,
        ),
      );
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 2, references: 1, leaks: 1 });
    expect(store.db.prepare('SELECT source_id, reply_to, text FROM posts ORDER BY source_id').all()).toEqual([
      { source_id: '41000301', reply_to: '41000000', text: 'year 9 maths, Zoom meeting ID: 861 2290 4418' },
      { source_id: '41000302', reply_to: '41000301', text: 'pw is ••••••' },
    ]);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '86122904418', sightings: 2, severity: 'high' });
  });

  it('walks every page of new hits, stores those with meeting links, and keeps the newest time and id as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    handler = (_request, response, url) => {
      const page = Number(url.searchParams.get('page'));
      if (page === 0) return json(response, answer([hit(103, 1_790_000_300, { comment: 'our class is at <a href="https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ">https://westfield.zoom.us/j/8451239...</a> lol' }), hit(102, 1_790_000_200, { title: 'Show HN: a better zoom lens' })], 0, 2));
      return json(response, answer([hit(101, 1_790_000_100, { comment: 'meet.google.com/abc-defg-hij for the study group' })], 1, 2));
    };
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 2, posts: 3, references: 2, leaks: 1 });
    // The first run has no floor to ask for.
    expect(requestedSince()).toEqual([null, null]);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_300), id: '103' }, walk: null });
    expect(count(store.db, 'posts')).toBe(2);
    expect(store.db.prepare("SELECT url FROM posts WHERE source_id = '103'").pluck().get()).toBe('https://news.ycombinator.com/item?id=103');
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260', severity: 'high' });
    expect(sourceHealth(store.db, ['hackernews'])[0]).toMatchObject({ consecutiveFailures: 0, lastSuccess: expect.any(String) });
  });

  it('resumes from the cursor’s second less the overlap, without gaps; what it reads again is stored once', async () => {
    const hits = [hit(201, 1_790_000_500, { comment: 'zoom.us/j/11122233344' }), hit(100, 1_789_990_000, { comment: 'zoom.us/j/10010010010' })];
    handler = (_request, response, url) => json(response, searchByDate(hits, url));
    await crawl();
    hits.push(hit(202, 1_790_000_600, { comment: 'zoom.us/j/55566677788' }));
    const second = await crawl();
    // 201 is inside the ten minutes below the cursor: read again, skipped by the store.
    expect(second).toMatchObject({ status: 'succeeded', posts: 2, references: 2 });
    expect(requestedSince().at(-1)).toBe(`created_at_i>=${1_790_000_500 - 600}`);
    expect(count(store.db, 'posts')).toBe(3);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_600), id: '202' }, walk: null });
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on from there', async () => {
    const hits = linked(300, 1_790_010_000, 150);
    let failing = true;
    handler = (_request, response, url) => {
      if (url.searchParams.get('page') === '1' && failing) return void response.writeHead(500).end();
      json(response, searchByDate(hits, url));
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(count(store.db, 'posts')).toBe(100);
    expect(walkCursor()).toEqual({ read: null, walk: { newest: { at: at(1_790_010_000), id: '449' }, oldest: { at: at(1_790_007_030), id: '350' }, next: '/0' } });
    failing = false;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    // Below where it stopped (its second included), then the newest down to the floor less the overlap.
    expect(requestedSince().slice(-2)).toEqual(['created_at_i<=1790007030', `created_at_i>=${1_790_010_000 - 600}`]);
    expect(count(store.db, 'posts')).toBe(150);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_010_000), id: '449' }, walk: null });
  });

  it('a backlog of 2,150 hits, more than one run reads, is read over the next runs: every hit once, the cursor never past an unread one', async () => {
    const hits = [hit(1000, 1_790_000_000, { comment: 'zoom.us/j/11122233344' })];
    handler = (_request, response, url) => json(response, searchByDate(hits, url));
    await crawl();
    const backlog = linked(5000, 1_790_100_000, 2150);
    hits.push(...backlog);
    const runs = [];
    for (let i = 0; i < 4; i++) {
      runs.push(await crawl());
      // Whatever the cursor says was read has been stored.
      const { read, walk } = walkCursor();
      const stored = new Set(storedIds());
      const claimed = backlog.filter((h) => (read && at(h.created_at_i) <= read.at) || (walk && at(h.created_at_i) >= walk.oldest.at && at(h.created_at_i) <= walk.newest.at));
      expect(claimed.filter((h) => !stored.has(h.objectID))).toEqual([]);
    }
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(count(store.db, 'posts')).toBe(2151);
    expect(new Set(storedIds()).size).toBe(2151);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_100_000), id: '7149' }, walk: null });
    // 10 pages a run: 1,000 hits, 1,000 more, then the last 150 and a page of the newest.
    expect(runs.map((r) => r.pages)).toEqual([10, 10, 3, 1]);
    // The runs that stopped at the cap say so: the daemon runs the next one at once.
    expect(runs.map((r) => r.backlog)).toEqual([true, true, false, false]);
  });

  it('a hit of the cursor’s own second indexed after the run, and one added at the head while pages are read, are read next run', async () => {
    const hits = [hit(600, 1_790_000_600, { comment: 'zoom.us/j/60000000000' }), ...linked(400, 1_790_000_500, 150, 1)];
    let added = false;
    handler = (_request, response, url) => {
      json(response, searchByDate(hits, url));
      if (url.searchParams.get('page') === '0' && !added) {
        added = true;
        hits.push(hit(700, 1_790_000_700, { comment: 'zoom.us/j/70000000001' }));
      }
    };
    await crawl();
    expect(storedIds()).not.toContain('700');
    // Same second as the newest hit read, lower id: Algolia indexed it late.
    hits.push(hit(599, 1_790_000_600, { comment: 'zoom.us/j/59900000000' }));
    await crawl();
    expect(storedIds()).toEqual(expect.arrayContaining(['599', '600', '700']));
    expect(count(store.db, 'posts')).toBe(153);
  });

  it('reads the cursor of the version before walk cursors (the newest created_at_i) and goes on from its second', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('hackernews', 'query:zoom.us/j', '1790000500', ?)").run(new Date().toISOString());
    const hits = [hit(502, 1_790_000_600, { comment: 'zoom.us/j/50200000000' }), hit(501, 1_790_000_500, { comment: 'zoom.us/j/50100000000' }), hit(400, 1_789_990_000, { comment: 'zoom.us/j/40000000000' })];
    handler = (_request, response, url) => json(response, searchByDate(hits, url));
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 2 });
    expect(requestedSince()).toEqual([`created_at_i>=${1_790_000_500 - 600}`]);
    expect(storedIds().sort()).toEqual(['501', '502']);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_600), id: '502' }, walk: null });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      json(response, answer([hit(401, 1_790_001_000, { comment: 'zoom.us/j/44455566677' })], 0, 1));
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('malformed JSON fails the run with a clear error and leaves the cursor; repeated, it warns of a changed API', async () => {
    handler = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Algolia is down for maintenance</html>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor()).toBeUndefined();
    const [health] = sourceHealth(store.db, ['hackernews']);
    expect(health).toMatchObject({ lastSuccess: null, consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    // Never answers.
    handler = () => undefined;
    const started = Date.now();
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the API', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /api/\n'));
    handler = (_request, response) => json(response, answer([], 0, 0));
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/api\/v1\/search_by_date/) });
    expect(server.requests.filter((r) => r.url.startsWith('/api/'))).toHaveLength(0);
  });
});
