import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reddit } from '../../crawlers/reddit.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler, CrawlPage } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { capturedLogger } from '../support/logger.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

type Child = { kind: string; data: Record<string, unknown> };
/** A `/r/<sub>/new.json` page as Reddit answers it (invented posts, real shape). */
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/reddit/new.json', import.meta.url), 'utf8')) as { kind: string; data: { after: string | null; children: Child[] } };

/** A self post shaped as the fixture's, with its own id, time and body. */
function t3(id: string, createdUtc: number, body: { title?: string; selftext?: string; html?: string | null; url?: string } = {}): Child {
  const child = structuredClone(FIXTURE.data.children[0]!);
  const permalink = `/r/OnlineSchoolExample/comments/${id}/post_${id}/`;
  Object.assign(child.data, {
    id,
    name: `t3_${id}`,
    created: createdUtc,
    created_utc: createdUtc,
    title: body.title ?? `post ${id}`,
    selftext: body.selftext ?? '',
    selftext_html: body.html ?? null,
    permalink,
    is_self: !body.url,
    url: body.url ?? `https://www.reddit.com${permalink}`,
  });
  return child;
}

function listing(children: Child[], after: string | null) {
  return { kind: 'Listing', data: { ...FIXTURE.data, after, dist: children.length, children } };
}

/**
 * `/new.json` (and search sorted by new) as Reddit serves it: newest first,
 * `after` the fullname to go on after, at most `keeps` posts deep (Reddit
 * keeps about 1,000 a listing), at most `pageSize` a page (it answers fewer
 * than `limit` when it leaves some out). An `after` no longer in the listing
 * answers an empty one.
 */
function newListing(posts: Child[], url: URL, { pageSize = 100, keeps = 1000 } = {}) {
  const id = (child: Child) => parseInt(child.data.id as string, 36);
  const sorted = [...posts].sort((a, b) => (b.data.created_utc as number) - (a.data.created_utc as number) || id(b) - id(a)).slice(0, keeps);
  const after = url.searchParams.get('after');
  const start = after ? sorted.findIndex((child) => child.data.name === after) + 1 : 0;
  if (after && start === 0) return listing([], null);
  const page = sorted.slice(start, start + Math.min(Number(url.searchParams.get('limit') ?? 25), pageSize));
  return listing(page, start + page.length < sorted.length ? (page.at(-1)!.data.name as string) : null);
}

/** Posts with a meeting link each, `spacing` seconds apart, the newest first; ids count down in base 36 from `firstId`. */
const linked = (firstId: number, newest: number, n: number, spacing = 60) =>
  Array.from({ length: n }, (_, i) => t3((firstId - i).toString(36), newest - i * spacing, { selftext: `room zoom.us/j/${80_000_000_000 + firstId - i}` }));

let server: TestHttpServer;
let store: TestStore;
let handler: (request: IncomingMessage, response: ServerResponse, url: URL) => void;
beforeEach(async () => {
  store = tempStore();
  const route = (request: IncomingMessage, response: ServerResponse) => handler(request, response, new URL(request.url!, 'http://x'));
  server = await startHttpServer({ '/r/OnlineSchoolExample/new.json': route, '/search.json': route });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const json = (response: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
  void response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));

function setup(sources: { subreddits?: string[]; queries?: string[] } = {}) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.reddit = { ...config.sources.reddit, enabled: true, baseUrl: server.url, subreddits: sources.subreddits ?? ['OnlineSchoolExample'], queries: sources.queries ?? [], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return { config, secrets, http };
}

function crawl(sources?: { subreddits?: string[]; queries?: string[]; log?: Logger }) {
  const { config, secrets, http } = setup(sources);
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: reddit as Crawler, config, secrets, http, log: sources?.log ?? createLogger({ level: 'silent' }) });
}

/** The pages the crawler yields, without the store (to look at each post's fields). */
async function pagesOf(): Promise<CrawlPage[]> {
  const { config, secrets, http } = setup();
  const pages: CrawlPage[] = [];
  const context = { config: config.sources.reddit, secrets, http, cursor: () => null, queries: [], minIntervalMs: 0, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
  for await (const page of reddit.crawl(context)) pages.push(page);
  return pages;
}

const cursor = (scope = 'subreddit:OnlineSchoolExample') => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'reddit' AND scope = ?").pluck().get(scope) as string | undefined;
type StoredMark = { at: string; id: string };
const walkCursor = (scope?: string) => JSON.parse(cursor(scope)!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
const at = (createdUtc: number) => new Date(createdUtc * 1000).toISOString();
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'reddit'").pluck().all() as string[];
const apiRequests = () => server.requests.filter((r) => r.url.startsWith('/r/') || r.url.startsWith('/search')).map((r) => new URL(r.url, 'http://x'));

describe('Reddit crawler', () => {
  it('walks /new page by page, stores the posts with meeting links, and keeps the newest post’s time and id as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    handler = (_request, response, url) => {
      if (!url.searchParams.get('after')) return json(response, FIXTURE);
      json(response, listing([t3('zq19zz', 1_790_000_050, { selftext: 'backup room zoom.us/j/11122233344' })], null));
    };
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 2, posts: 4, leaks: 1 });
    expect(apiRequests().map((u) => [u.pathname, u.searchParams.get('limit'), u.searchParams.get('raw_json'), u.searchParams.get('after')])).toEqual([
      ['/r/OnlineSchoolExample/new.json', '100', '1', null],
      ['/r/OnlineSchoolExample/new.json', '100', '1', 't3_zq1a0c'],
    ]);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_300), id: 'zq1a2f' }, walk: null });
    expect(count(store.db, 'posts')).toBe(3);
    expect(store.db.prepare("SELECT url FROM posts WHERE source_id = 't3_zq1a2f'").pluck().get()).toBe(
      `${server.url}/r/OnlineSchoolExample/comments/zq1a2f/anyone_want_to_crash_period_3_lol/`,
    );
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
    expect(sourceHealth(store.db, ['reddit'])[0]).toMatchObject({ consecutiveFailures: 0, lastSuccess: expect.any(String) });
  });

  it('takes links from the body HTML (raw or escaped) and from link posts, not only from the visible text', async () => {
    handler = (_request, response) =>
      json(
        response,
        listing(
          [
            t3('zq2a03', 1_790_000_300, { selftext: 'tonight: join here', html: '<div class="md"><p>tonight: <a href="https://westfield.zoom.us/j/84512397260?pwd=abc">join here</a></p></div>' }),
            t3('zq2a02', 1_790_000_200, { selftext: 'same, [here](https://meet.google.com/abc-defg-hij)', html: '&lt;div class="md"&gt;&lt;p&gt;same, &lt;a href="https://meet.google.com/abc-defg-hij"&gt;here&lt;/a&gt;&lt;/p&gt;&lt;/div&gt;' }),
            t3('zq2a01', 1_790_000_100, { title: 'class link', url: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0' }),
          ],
          null,
        ),
      );
    const [page] = await pagesOf();
    expect(page!.posts.map((post) => post.links)).toEqual([
      ['https://westfield.zoom.us/j/84512397260?pwd=abc'],
      ['https://meet.google.com/abc-defg-hij'],
      ['https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0'],
    ]);
    expect(page!.posts[0]).toMatchObject({ source: 'reddit', sourceId: 't3_zq2a03', author: 'quiet_otter_42', createdAt: new Date(1_790_000_300_000).toISOString(), text: 'post zq2a03\ntonight: join here' });
  });

  it('searches each query newest first, as link posts, under its own cursor', async () => {
    handler = (_request, response) => json(response, listing([t3('zq3a01', 1_790_000_400, { selftext: 'zoom.us/j/55566677788' })], null));
    expect(await crawl({ subreddits: [], queries: ['zoom.us/j'] })).toMatchObject({ status: 'succeeded', pages: 1, posts: 1 });
    const [request] = apiRequests();
    expect(request!.pathname).toBe('/search.json');
    expect(Object.fromEntries(request!.searchParams)).toEqual({ q: 'zoom.us/j', sort: 'new', limit: '100', raw_json: '1', type: 'link' });
    expect(walkCursor('query:zoom.us/j')).toEqual({ read: { at: at(1_790_000_400), id: 'zq3a01' }, walk: null });
  });

  it('resumes at the cursor: the next run reads down to ten minutes below it (a late post among them) and stops there', async () => {
    const posts = [t3('zq4a01', 1_790_000_500, { selftext: 'zoom.us/j/11122233344' }), t3('zq49zx', 1_789_999_000, { selftext: 'zoom.us/j/32132132132' })];
    handler = (_request, response, url) => json(response, newListing(posts, url));
    await crawl();
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_500), id: 'zq4a01' }, walk: null });
    const before = apiRequests().length;
    // Newer; the cursor's second with a larger id; one that reached /new late, five minutes older.
    posts.push(
      t3('zq4a03', 1_790_000_600, { selftext: 'zoom.us/j/55566677788' }),
      t3('zq4a02', 1_790_000_500, { selftext: 'zoom.us/j/99988877766' }),
      t3('zq49zy', 1_790_000_200, { selftext: 'zoom.us/j/12312312312' }),
    );
    const second = await crawl();
    // zq4a01 is read again and skipped as stored; zq49zx, older than the overlap, ends the walk unread.
    expect(second).toMatchObject({ status: 'succeeded', pages: 1, posts: 4 });
    expect(apiRequests().length - before).toBe(1);
    expect(count(store.db, 'posts')).toBe(5);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_600), id: 'zq4a03' }, walk: null });
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on after it', async () => {
    const posts = [t3('zq5a02', 1_790_000_900, { selftext: 'zoom.us/j/99988877766' }), t3('zq5a01', 1_790_000_800, { selftext: 'zoom.us/j/12312312312' })];
    let failing = true;
    handler = (_request, response, url) => {
      if (url.searchParams.get('after') && failing) return void response.writeHead(500).end();
      json(response, newListing(posts, url, { pageSize: 1 }));
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor()).toEqual({ read: null, walk: { newest: { at: at(1_790_000_900), id: 'zq5a02' }, oldest: { at: at(1_790_000_900), id: 'zq5a02' }, next: 't3_zq5a02' } });
    expect(count(store.db, 'posts')).toBe(1);
    failing = false;
    const requested = apiRequests().length;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 3 });
    // After where it stopped, to the listing's end; then the newest again, down to ten minutes below it.
    expect(apiRequests().slice(requested).map((u) => u.searchParams.get('after'))).toEqual(['t3_zq5a02', null, 't3_zq5a02']);
    expect(count(store.db, 'posts')).toBe(2);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_900), id: 'zq5a02' }, walk: null });
  });

  it('a backlog deeper than one run reads is read over the next runs, each post once, the cursor never past an unread one', async () => {
    const posts = [t3('zz0001', 1_790_000_000, { selftext: 'zoom.us/j/11122233344' })];
    handler = (_request, response, url) => json(response, newListing(posts, url, { pageSize: 40 }));
    await crawl();
    const backlog = linked(2_000_000_000, 1_790_100_000, 900);
    posts.push(...backlog);
    let inserted = false;
    handler = (_request, response, url) => {
      json(response, newListing(posts, url, { pageSize: 40 }));
      // Posted while the first walk pages back: read by a later run.
      if (!inserted) posts.push(t3('zzzzzz', 1_790_100_100, { selftext: 'new zoom.us/j/81234567890' }));
      inserted = true;
    };
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push({ summary: await crawl(), stored: new Set(storedIds()), raw: cursor() });
    expect(new Set(storedIds()).size).toBe(902);
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 10], ['succeeded', 4], ['succeeded', 1]]);
    for (const run of runs) {
      // Whatever the cursor says was read had been stored when it was written.
      const { read, walk } = JSON.parse(run.raw!) as ReturnType<typeof walkCursor>;
      const claimed = posts.filter((p) => {
        const time = at(p.data.created_utc as number);
        return (read && time <= read.at) || (walk && time >= walk.oldest.at && time <= walk.newest.at);
      });
      expect(claimed.filter((p) => !run.stored.has(p.data.name as string)).map((p) => p.data.name)).toEqual([]);
    }
    expect(walkCursor()).toEqual({ read: { at: at(1_790_100_100), id: 'zzzzzz' }, walk: null });
  });

  it('a post of the cursor’s own second that shows up later (approved from the spam filter, a lower id) is read next run', async () => {
    const posts = [t3('zq9a05', 1_790_000_500, { selftext: 'zoom.us/j/50500000000' })];
    handler = (_request, response, url) => json(response, newListing(posts, url));
    await crawl();
    posts.push(t3('zq9a04', 1_790_000_500, { selftext: 'zoom.us/j/50400000000' }), t3('zq9a03', 1_790_000_200, { selftext: 'zoom.us/j/50300000000' }));
    await crawl();
    expect(storedIds().sort()).toEqual(['t3_zq9a03', 't3_zq9a04', 't3_zq9a05']);
  });

  it('a listing that no longer reaches back to the cursor (Reddit keeps about 1,000 posts) logs the gap once, with its size', async () => {
    const posts = [t3('zz0001', 1_790_000_000, { selftext: 'zoom.us/j/11122233344' })];
    handler = (_request, response, url) => json(response, newListing(posts, url));
    await crawl();
    posts.push(...linked(2_000_000_000, 1_790_100_000, 1200));
    const { log, entries } = capturedLogger();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await crawl({ log }));
    // The tenth page is the listing's last: the first run already knows it cannot reach the cursor.
    expect(runs.map((r) => r.pages)).toEqual([10, 1, 1]);
    const gaps = entries().filter((entry) => entry.level === 40);
    // The 1,000th newest post is the oldest the listing holds: 200 posts, a minute apart, lie between it and the cursor.
    expect(gaps).toEqual([expect.objectContaining({ scope: 'subreddit:OnlineSchoolExample', after: `${at(1_790_000_000)} zz0001`, before: `${at(1_790_100_000 - 999 * 60)} ${(2_000_000_000 - 999).toString(36)}`, seconds: 100_000 - 999 * 60 })]);
    expect(new Set(storedIds()).size).toBe(1001);
  });

  it('reads the cursor of the version before walk cursors (<created_utc>:<fullname>)', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('reddit', 'subreddit:OnlineSchoolExample', '1790000500:t3_zq4a01', ?)").run(new Date().toISOString());
    const posts = [t3('zq4a02', 1_790_000_600, { selftext: 'zoom.us/j/55566677788' }), t3('zq4a01', 1_790_000_500, { selftext: 'zoom.us/j/11122233344' }), t3('zq3a01', 1_789_990_000, { selftext: 'zoom.us/j/99988877766' })];
    handler = (_request, response, url) => json(response, newListing(posts, url));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(storedIds().sort()).toEqual(['t3_zq4a01', 't3_zq4a02']);
    expect(walkCursor()).toEqual({ read: { at: at(1_790_000_600), id: 'zq4a02' }, walk: null });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      json(response, listing([t3('zq6a01', 1_790_001_000, { selftext: 'zoom.us/j/44455566677' })], null));
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('pauses until X-Ratelimit-Reset when X-Ratelimit-Remaining is spent', async () => {
    const times: number[] = [];
    handler = (_request, response, url) => {
      times.push(Date.now());
      if (url.searchParams.get('after')) return json(response, listing([t3('zq7a01', 1_790_001_100)], null), { 'x-ratelimit-remaining': '55.0', 'x-ratelimit-reset': '300' });
      json(response, listing([t3('zq7a02', 1_790_001_200)], 't3_zq7a02'), { 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '1' });
    };
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
  });

  it('malformed JSON or a shape without children fails the run with a clear error and leaves the cursor', async () => {
    handler = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>our CDN is having a moment</html>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor()).toBeUndefined();
    expect(sourceHealth(store.db, ['reddit'])[0]).toMatchObject({ lastSuccess: null, consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });

    handler = (_request, response) => json(response, { kind: 'Listing', data: { after: null } });
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/127\.0\.0\.1:\d+: expected a Listing with data\.children/) });
    handler = (_request, response) => json(response, listing([{ kind: 't3', data: { id: 'zq8a01', title: 'no time' } }], null));
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/without name, id, created_utc or permalink/) });
    expect(cursor()).toBeUndefined();
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    handler = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the listings', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /r/\n'));
    handler = (_request, response) => json(response, listing([], null));
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/r\/OnlineSchoolExample\/new\.json/) });
    expect(apiRequests()).toHaveLength(0);
  });
});
