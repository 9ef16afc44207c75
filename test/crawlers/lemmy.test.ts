import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lemmy } from '../../crawlers/lemmy.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

const POST_VIEW = JSON.parse(readFileSync(new URL('../fixtures/lemmy/post-view.json', import.meta.url), 'utf8')) as { post: Record<string, unknown> };

type View = { post: { id: number; published: string; featured_community: boolean; featured_local: boolean } & Record<string, unknown> } & Record<string, unknown>;

const START = Date.parse('2025-03-04T14:00:00Z');
/** Lemmy 0.19 writes microseconds. */
const publishedAt = (second: number) => new Date(START + second * 1000).toISOString().replace('Z', '448Z');

/** A PostView as `/api/v3/post/list` serialises it, published `second` seconds after START. */
function view(id: number, second: number, post: Record<string, unknown> = {}): View {
  const base = structuredClone(POST_VIEW);
  return { ...base, post: { ...base.post, id, published: publishedAt(second), ap_id: `https://lemmy.example.org/post/${id}`, ...post } } as unknown as View;
}

/**
 * `sort=New` as Lemmy 0.19 orders it: pinned first, then newest; numbered
 * pages, or for `post/list` a `page_cursor` (`P` and a post id in hex: the
 * page after that post), which is also what `next_page` gives.
 */
function listing(views: View[], request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url!, 'http://x');
  const limit = Number(url.searchParams.get('limit') ?? 10);
  const page = Number(url.searchParams.get('page') ?? 1);
  const pinned = (v: View) => (v.post.featured_community || v.post.featured_local ? 1 : 0);
  const sorted = [...views].sort((a, b) => pinned(b) - pinned(a) || Date.parse(b.post.published) - Date.parse(a.post.published) || b.post.id - a.post.id);
  const search = url.pathname.endsWith('/search');
  const after = search ? null : url.searchParams.get('page_cursor');
  const start = after === null ? (page - 1) * limit : sorted.findIndex((v) => v.post.id === parseInt(after.slice(1), 16)) + 1;
  if (start === 0 && after !== null) return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"couldnt_find_post"}');
  const posts = sorted.slice(start, start + limit);
  const body = search ? { type_: 'Posts', comments: [], posts, communities: [], users: [] } : { posts, next_page: posts.length ? `P${posts.at(-1)!.post.id.toString(16)}` : null };
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const filler = (fromId: number, fromSecond: number, n: number) => Array.from({ length: n }, (_, i) => view(fromId + i, fromSecond + i));

let first: TestHttpServer;
let second: TestHttpServer;
let store: TestStore;
let listA: (request: IncomingMessage, response: ServerResponse) => void;
let listB: (request: IncomingMessage, response: ServerResponse) => void;
beforeEach(async () => {
  store = tempStore();
  listB = (request, response) => listing([], request, response);
  first = await startHttpServer({
    '/api/v3/post/list': (request, response) => listA(request, response),
    '/api/v3/search': (request, response) => listA(request, response),
  });
  second = await startHttpServer({ '/api/v3/post/list': (request, response) => listB(request, response) });
});
afterEach(async () => {
  await Promise.all([first.close(), second.close()]);
  store.cleanup();
});

function crawl(options: { instances?: string[]; communities?: string[]; queries?: string[] } = {}) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.lemmy = { ...config.sources.lemmy, enabled: true, instances: options.instances ?? [first.url], communities: options.communities ?? ['teachers'], queries: options.queries ?? [], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: lemmy as Crawler, config, secrets, http, log: createLogger({ level: 'silent' }) });
}

const host = (server: TestHttpServer) => new URL(server.url).host;
const cursor = (scope: string) => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'lemmy' AND scope = ?").pluck().get(scope) as string | undefined;
type StoredMark = { at: string; id: string };
const walkCursor = (scope: string) => JSON.parse(cursor(scope)!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
/** A post's mark as the cursor stores it (milliseconds: Lemmy's microseconds are dropped). */
const markOf = (id: number, second: number) => ({ at: new Date(START + second * 1000).toISOString(), id: String(id) });
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'lemmy'").pluck().all() as string[];
/** Posts with a meeting link each, `spacing` seconds apart, from `fromSecond` on. */
const linked = (fromId: number, fromSecond: number, n: number, spacing = 60) => Array.from({ length: n }, (_, i) => view(fromId + i, fromSecond + i * spacing, { body: `room zoom.us/j/${84_000_000_000 + fromId + i}` }));
const listRequests = (server: TestHttpServer) => server.requests.filter((r) => r.url.startsWith('/api/v3/')).map((r) => Object.fromEntries(new URL(r.url, 'http://x').searchParams));
const meetingIds = () => store.db.prepare('SELECT meeting_id FROM sightings ORDER BY meeting_id').pluck().all();

describe('Lemmy crawler', () => {
  it('walks a community newest first across pages, reads the link in post.url and those in the Markdown body, and keeps the newest time and id', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    const views = [
      view(6000, 100, { name: 'Period 3 link', url: 'https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ', body: null }),
      view(5999, 99, { name: 'Study group', body: 'We meet [in the usual room](https://meet.google.com/abc-defg-hij "room") at 4.' }),
      view(5998, 98, { name: 'Backup room', body: 'If that fails: <https://example.webex.com/meet/jdoe>.' }),
      view(5997, 97, { name: 'deleted', body: 'zoom.us/j/12312312312', deleted: true }),
      ...filler(5900, 0, 51),
    ];
    listA = (request, response) => listing(views, request, response);
    const summary = await crawl();
    // The third answer, after the oldest post, is empty: the listing's end.
    expect(summary).toMatchObject({ status: 'succeeded', pages: 3, posts: 54, references: 3, leaks: 1 });
    expect(listRequests(first)).toEqual([
      { community_name: 'teachers', sort: 'New', page: '1', limit: '50' },
      { community_name: 'teachers', sort: 'New', page_cursor: `P${(5905).toString(16)}`, limit: '50' },
      { community_name: 'teachers', sort: 'New', page_cursor: `P${(5900).toString(16)}`, limit: '50' },
    ]);
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: markOf(6000, 100), walk: null });
    expect(meetingIds()).toEqual(['84512397260', 'abc-defg-hij', 'jdoe']);
    expect(store.db.prepare('SELECT source_id, url, author, created_at FROM posts WHERE text LIKE ?').get('Period 3 link%')).toEqual({
      source_id: 'https://lemmy.example.org/post/6000',
      url: 'https://lemmy.example.org/post/6000',
      author: 'quietowl@lemmy.example.org',
      created_at: new Date(START + 100_000).toISOString(),
    });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260', severity: 'high' });
  });

  it('resumes down to ten minutes below the cursor, past an old pinned post', async () => {
    const views = [view(7000, 0, { body: 'zoom.us/j/11122233344' }), view(6990, -3600, { body: 'zoom.us/j/11122233300' })];
    listA = (request, response) => listing(views, request, response);
    await crawl();
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: markOf(7000, 0), walk: null });
    // A pinned announcement from before the cursor heads page 1; 50 new posts follow it.
    views.push(view(6500, -500, { featured_community: true, body: 'zoom.us/j/99999999999' }), ...filler(7001, 1, 49), view(7050, 50, { body: 'zoom.us/j/55566677788' }));
    const before = listRequests(first).length;
    const resumed = await crawl();
    // The pinned post, 50 new ones and the one at the floor; the post an hour older ends the walk.
    expect(resumed).toMatchObject({ status: 'succeeded', pages: 2, posts: 52, references: 2 });
    expect(listRequests(first).slice(before).map((r) => r.page ?? r.page_cursor)).toEqual(['1', `P${(7002).toString(16)}`]);
    expect(count(store.db, 'posts')).toBe(3);
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: markOf(7050, 50), walk: null });
  });

  it('orders posts published in the same millisecond by id', async () => {
    const views = [view(8000, 0, { body: 'zoom.us/j/10000000001' })];
    listA = (request, response) => listing(views, request, response);
    await crawl();
    views.push(view(8001, 0, { body: 'zoom.us/j/10000000002' }));
    expect(await crawl()).toMatchObject({ status: 'succeeded', references: 2 });
    expect(count(store.db, 'posts')).toBe(2);
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: markOf(8001, 0), walk: null });
  });

  it('a backlog deeper than one run reads is read over the next runs, each post once, the cursor never past an unread one', async () => {
    const views = [view(1, -86_400, { body: 'zoom.us/j/11122233344' })];
    listA = (request, response) => listing(views, request, response);
    await crawl();
    const backlog = linked(1000, 0, 700);
    views.push(...backlog);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push({ summary: await crawl(), stored: new Set(storedIds()), raw: cursor(`${host(first)}/c/teachers`)! });
    expect(new Set(storedIds()).size).toBe(701);
    // 500 posts; the 200 left, the page of the one at the floor and the empty one after it; then the newest again.
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 7], ['succeeded', 1]]);
    for (const run of runs) {
      const { read, walk } = JSON.parse(run.raw) as ReturnType<typeof walkCursor>;
      const claimed = backlog.filter((v) => (read && v.post.id <= Number(read.id)) || (walk && v.post.id >= Number(walk.oldest.id) && v.post.id <= Number(walk.newest.id)));
      expect(claimed.filter((v) => !run.stored.has(v.post.ap_id as string)).map((v) => v.post.id)).toEqual([]);
    }
  });

  it('a search backlog deeper than one run goes on next run at the page it stopped at', async () => {
    const found = [view(1, -86_400, { body: 'https://westfield.zoom.us/j/84512397260' })];
    listA = (request, response) => listing(request.url!.startsWith('/api/v3/search') ? found : [], request, response);
    await crawl({ communities: [], queries: ['westfield.zoom.us'] });
    found.push(...linked(2000, 0, 600));
    const searches = () => listRequests(first).filter((r) => r.q).map((r) => r.page);
    const before = searches().length;
    await crawl({ communities: [], queries: ['westfield.zoom.us'] });
    expect(searches().slice(before)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    // Posts that arrive meanwhile push the others down a page: page 10 again reads some twice, none is skipped.
    found.push(...linked(5000, 100_000, 60));
    await crawl({ communities: [], queries: ['westfield.zoom.us'] });
    await crawl({ communities: [], queries: ['westfield.zoom.us'] });
    expect(searches().slice(before + 10, before + 12)).toEqual(['10', '11']);
    expect(new Set(storedIds()).size).toBe(661);
  });

  it('a post federated late, published before the cursor, and one posted while pages are read are read next run', async () => {
    const views = [view(9500, 0, { body: 'zoom.us/j/95000000001' }), ...linked(9000, -3000, 50)];
    let posted = false;
    listA = (request, response) => {
      listing(views, request, response);
      if (!posted) views.push(view(9600, 30, { body: 'zoom.us/j/96000000001' }));
      posted = true;
    };
    await crawl();
    expect(count(store.db, 'posts')).toBe(51);
    views.push(view(9601, -120, { body: 'zoom.us/j/96010000001', ap_id: 'https://other.example.net/post/77' }));
    await crawl();
    expect(storedIds()).toEqual(expect.arrayContaining(['https://other.example.net/post/77', 'https://lemmy.example.org/post/9600']));
    expect(count(store.db, 'posts')).toBe(53);
  });

  it('reads the cursor of the version before walk cursors (<published>#<id>)', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('lemmy', ?, ?, ?)").run(`${host(first)}/c/teachers`, `${publishedAt(0)}#7000`, new Date().toISOString());
    const views = [view(7001, 60, { body: 'zoom.us/j/70010000000' }), view(7000, 0, { body: 'zoom.us/j/70000000000' }), view(6000, -3600, { body: 'zoom.us/j/60000000001' })];
    listA = (request, response) => listing(views, request, response);
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: markOf(7001, 60), walk: null });
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on after it', async () => {
    const views = [view(9100, 6000, { body: 'zoom.us/j/99988877766' }), ...linked(9000, 0, 49), view(8999, -60, { body: 'zoom.us/j/12312312399' })];
    listA = (request, response) => {
      if (new URL(request.url!, 'http://x').searchParams.has('page_cursor')) return void response.writeHead(500).end();
      listing(views, request, response);
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: null, walk: { newest: markOf(9100, 6000), oldest: markOf(9000, 0), next: null } });
    expect(count(store.db, 'posts')).toBe(50);
    listA = (request, response) => listing(views, request, response);
    const before = listRequests(first).length;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 3 });
    // After where it stopped, to the listing's end; then the newest, down to ten minutes below it.
    expect(listRequests(first).slice(before).map((r) => r.page ?? r.page_cursor)).toEqual([`P${(9000).toString(16)}`, `P${(8999).toString(16)}`, '1']);
    expect(count(store.db, 'posts')).toBe(51);
    expect(walkCursor(`${host(first)}/c/teachers`)).toEqual({ read: markOf(9100, 6000), walk: null });
  });

  it('one instance answering 500 every time does not lose the pages of the next, and the run fails naming it', async () => {
    listA = (_request, response) => void response.writeHead(500).end('Internal Server Error');
    listB = (request, response) => listing([view(3000, 5, { body: 'zoom.us/j/32132132132' })], request, response);
    const summary = await crawl({ instances: [first.url, second.url] });
    expect(summary).toMatchObject({ status: 'failed', pages: 2, references: 1 });
    expect(summary.error).toContain(host(first));
    expect(walkCursor(`${host(second)}/c/teachers`)).toEqual({ read: markOf(3000, 5), walk: null });
    expect(count(store.db, 'posts')).toBe(1);
    expect(sourceHealth(store.db, ['lemmy'])[0]).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringContaining(host(first)) });
  });

  it('malformed JSON fails the run with a clear error and leaves the cursor; repeated, it warns of a changed API', async () => {
    listA = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>lemmy-ui</title>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor(`${host(first)}/c/teachers`)).toBeUndefined();
    expect(sourceHealth(store.db, ['lemmy'])[0]).toMatchObject({ consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('an answer without posts, or a post without its fields, is a ParseError naming the host', async () => {
    listA = (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"couldnt_find_community"}');
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: `${host(first)}: /api/v3/post/list answer has no posts array` });
    listA = (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ posts: [{ post: { id: 1, name: 'x' } }] }));
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: `${host(first)}: /api/v3/post/list: a post without id, name, published or ap_id` });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    listA = (request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      listing([view(4000, 1, { body: 'zoom.us/j/44455566677' })], request, response);
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1, references: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    listA = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the API', async () => {
    first.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /api/\n'));
    listA = (request, response) => listing([], request, response);
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/api\/v3\/post\/list/) });
    expect(listRequests(first)).toHaveLength(0);
  });

  it('without communities reads each instance’s All listing; a post federated to both is stored once', async () => {
    const shared = view(100, 10, { body: 'zoom.us/j/66677788899', ap_id: 'https://lemmy.example.org/post/100' });
    listA = (request, response) => listing([shared], request, response);
    listB = (request, response) => listing([{ ...shared, post: { ...shared.post, id: 31337 } }], request, response);
    expect(await crawl({ instances: [first.url, second.url], communities: [] })).toMatchObject({ status: 'succeeded', pages: 4, posts: 2, references: 2 });
    expect(listRequests(first)).toEqual([{ type_: 'All', sort: 'New', page: '1', limit: '50' }, { type_: 'All', sort: 'New', page_cursor: 'P64', limit: '50' }]);
    expect(count(store.db, 'posts')).toBe(1);
    expect(walkCursor(`${host(second)}/all`)).toEqual({ read: markOf(31337, 10), walk: null });
  });

  it('searches posts newest first for each query', async () => {
    const found = [view(200, 20, { name: 'our room', body: 'https://westfield.zoom.us/j/84512397260' })];
    listA = (request, response) => listing(request.url!.startsWith('/api/v3/search') ? found : [], request, response);
    // The community's empty page, then search's page 1 and the empty page 2.
    expect(await crawl({ queries: ['westfield.zoom.us'] })).toMatchObject({ status: 'succeeded', pages: 3, posts: 1, references: 1 });
    expect(listRequests(first).slice(-2)).toEqual([
      { q: 'westfield.zoom.us', type_: 'Posts', sort: 'New', listing_type: 'All', page: '1', limit: '50' },
      { q: 'westfield.zoom.us', type_: 'Posts', sort: 'New', listing_type: 'All', page: '2', limit: '50' },
    ]);
    expect(walkCursor(`${host(first)} search:westfield.zoom.us`)).toEqual({ read: markOf(200, 20), walk: null });
  });
});
