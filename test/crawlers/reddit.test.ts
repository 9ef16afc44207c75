import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reddit } from '../../crawlers/reddit.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler, CrawlPage } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
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

function crawl(sources?: { subreddits?: string[]; queries?: string[] }) {
  const { config, secrets, http } = setup(sources);
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: reddit as Crawler, config, secrets, http, log: createLogger({ level: 'silent' }) });
}

/** The pages the crawler yields, without the store (to look at each post's fields). */
async function pagesOf(): Promise<CrawlPage[]> {
  const { config, secrets, http } = setup();
  const pages: CrawlPage[] = [];
  const context = { config: config.sources.reddit, secrets, http, cursor: () => null, queries: [], minIntervalMs: 0, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
  for await (const page of reddit.crawl(context)) pages.push(page);
  return pages;
}

const cursor = (scope = 'subreddit:OnlineSchoolExample') => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'reddit' AND scope = ?").pluck().get(scope);
const apiRequests = () => server.requests.filter((r) => r.url.startsWith('/r/') || r.url.startsWith('/search')).map((r) => new URL(r.url, 'http://x'));

describe('Reddit crawler', () => {
  it('walks /new page by page, stores the posts with meeting links, and keeps the newest post as the cursor', async () => {
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
    expect(cursor()).toBe('1790000300:t3_zq1a2f');
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
    expect(cursor('query:zoom.us/j')).toBe('1790000400:t3_zq3a01');
  });

  it('resumes at the cursor without duplicates or gaps: the second run stops at the first post it already has', async () => {
    handler = (_request, response, url) =>
      json(response, url.searchParams.get('after') ? listing([], null) : listing([t3('zq4a01', 1_790_000_500, { selftext: 'zoom.us/j/11122233344' })], 't3_zq4a01'));
    await crawl();
    expect(cursor()).toBe('1790000500:t3_zq4a01');
    const before = apiRequests().length;
    // Same second, larger id: newer. Then the stored post, then one older that must not be read again.
    handler = (_request, response) =>
      json(
        response,
        listing(
          [
            t3('zq4a03', 1_790_000_600, { selftext: 'zoom.us/j/55566677788' }),
            t3('zq4a02', 1_790_000_500, { selftext: 'zoom.us/j/99988877766' }),
            t3('zq4a01', 1_790_000_500, { selftext: 'zoom.us/j/11122233344' }),
            t3('zq49zz', 1_790_000_400, { selftext: 'zoom.us/j/12312312312' }),
          ],
          't3_zq49zz',
        ),
      );
    const second = await crawl();
    expect(second).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(apiRequests().length - before).toBe(1);
    expect(count(store.db, 'posts')).toBe(3);
    expect(cursor()).toBe('1790000600:t3_zq4a03');
  });

  it('a failure mid-walk stores the pages read but keeps the cursor, so the next run re-reads without a gap', async () => {
    handler = (_request, response, url) => {
      if (url.searchParams.get('after')) return void response.writeHead(500).end();
      json(response, listing([t3('zq5a02', 1_790_000_900, { selftext: 'zoom.us/j/99988877766' })], 't3_zq5a02'));
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(cursor()).toBeUndefined();
    expect(count(store.db, 'posts')).toBe(1);
    handler = (_request, response, url) =>
      json(
        response,
        url.searchParams.get('after')
          ? listing([t3('zq5a01', 1_790_000_800, { selftext: 'zoom.us/j/12312312312' })], null)
          : listing([t3('zq5a02', 1_790_000_900, { selftext: 'zoom.us/j/99988877766' })], 't3_zq5a02'),
      );
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    expect(count(store.db, 'posts')).toBe(2);
    expect(cursor()).toBe('1790000900:t3_zq5a02');
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
