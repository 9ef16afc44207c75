import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bluesky } from '../../crawlers/bluesky.js';
import { loadConfig } from '../../src/config/load.js';
import type { Secrets } from '../../src/config/schema.js';
import type { Crawler, CrawlPage } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';
import { capturedLogger } from '../support/logger.js';

type PostView = Record<string, unknown> & { record: Record<string, unknown> };
/** An `app.bsky.feed.searchPosts` answer as the AppView gives it (invented posts, real shape). */
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/bluesky/search-posts.json', import.meta.url), 'utf8')) as { posts: PostView[]; cursor?: string };
const SEARCH = '/xrpc/app.bsky.feed.searchPosts';

/** A plain post shaped as the fixture's third, with its own rkey, time and text (indexed 300 ms after it was written). */
function post(rkey: string, createdAt: string, text: string, record: Record<string, unknown> = {}, view: Record<string, unknown> = {}): PostView {
  const base = structuredClone(FIXTURE.posts[2]!);
  delete base.embed;
  return {
    ...base,
    uri: `at://did:plc:exampleaaaaaaaaaaaaaaaa3/app.bsky.feed.post/${rkey}`,
    indexedAt: new Date(Date.parse(createdAt) + 300).toISOString(),
    record: { $type: 'app.bsky.feed.post', createdAt, langs: ['en'], text, ...record },
    ...view,
  };
}

const sortAt = (view: PostView) => Math.min(Date.parse(view.indexedAt as string), Date.parse(view.record.createdAt as string));

/**
 * `searchPosts?sort=latest` as the public AppView answers it: newest `sortAt`
 * first, `since` inclusive and `until` exclusive on it, `limit` a page, a
 * `cursor` to page on when more match, and a 403 to anyone paging with that
 * cursor without a session.
 */
function searchPosts(views: PostView[], url: URL, response: ServerResponse): void {
  if (url.searchParams.has('cursor')) return void response.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"AuthMissing","message":"Authentication Required"}');
  const since = url.searchParams.has('since') ? Date.parse(url.searchParams.get('since')!) : -Infinity;
  const until = url.searchParams.has('until') ? Date.parse(url.searchParams.get('until')!) : Infinity;
  const matching = views.filter((view) => sortAt(view) >= since && sortAt(view) < until).sort((a, b) => sortAt(b) - sortAt(a));
  const limit = Number(url.searchParams.get('limit') ?? 25);
  json(response, { posts: matching.slice(0, limit), ...(matching.length > limit ? { cursor: String(limit) } : {}) });
}

/** Posts with a meeting link each, `spacingMs` apart, the newest first. */
const linked = (prefix: string, newest: string, n: number, spacingMs = 30_000) =>
  Array.from({ length: n }, (_, i) => post(`${prefix}${String(n - i).padStart(5, '0')}`, new Date(Date.parse(newest) - i * spacingMs).toISOString(), `room zoom.us/j/${81_000_000_000 + n - i}`));

let server: TestHttpServer;
let store: TestStore;
let handler: (request: IncomingMessage, response: ServerResponse, url: URL) => void;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer({ [SEARCH]: (request, response) => handler(request, response, new URL(request.url!, 'http://x')) });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const json = (response: ServerResponse, body: unknown) => void response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

function setup(secretsOverride: Secrets = {}) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.bluesky = { ...config.sources.bluesky, enabled: true, baseUrl: server.url, queries: ['zoom.us/j'], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return { config, secrets: { ...secrets, ...secretsOverride }, http };
}

function crawl(options: { secrets?: Secrets; log?: Logger } = {}) {
  const { config, secrets, http } = setup(options.secrets);
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: bluesky as Crawler, config, secrets, http, log: options.log ?? createLogger({ level: 'silent' }) });
}

/** The pages the crawler yields, without the store (to look at each post's fields). */
async function pagesOf(): Promise<CrawlPage[]> {
  const { config, secrets, http } = setup();
  const pages: CrawlPage[] = [];
  const context = { config: config.sources.bluesky, secrets, http, cursor: () => null, queries: ['zoom.us/j'], minIntervalMs: 0, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
  for await (const page of bluesky.crawl(context)) pages.push(page);
  return pages;
}

const cursor = () => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'bluesky' AND scope = 'query:zoom.us/j'").pluck().get() as string | undefined;
type StoredMark = { at: string; id: string };
const walkCursor = () => JSON.parse(cursor()!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
const storedUris = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'bluesky'").pluck().all() as string[];
const searches = () => server.requests.filter((r) => r.url.startsWith(SEARCH)).map((r) => new URL(r.url, 'http://x').searchParams);

describe('Bluesky crawler', () => {
  it('pages back with until= the oldest sortAt read, stores the posts with meeting links, and keeps the newest sortAt and URI as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    handler = (_request, response, url) => {
      if (!url.searchParams.get('until')) return json(response, FIXTURE);
      json(response, { posts: [post('3mexample0d0d', '2026-09-21T13:50:00.000Z', 'backup room zoom.us/j/11122233344')] });
    };
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 2, posts: 4, leaks: 1 });
    expect(searches().map((params) => Object.fromEntries(params))).toEqual([
      { q: 'zoom.us/j', sort: 'latest', limit: '100' },
      // Just past the oldest sortAt read (13:59:30.000): until is exclusive.
      { q: 'zoom.us/j', sort: 'latest', limit: '100', until: '2026-09-21T13:59:30.001Z' },
    ]);
    // The earlier of createdAt (14:05:00.120) and indexedAt (14:05:00.510).
    expect(walkCursor()).toEqual({ read: { at: '2026-09-21T14:05:00.120Z', id: FIXTURE.posts[0]!.uri }, walk: null });
    expect(count(store.db, 'posts')).toBe(3);
    expect(store.db.prepare("SELECT url FROM posts WHERE source_id LIKE '%/3mexample3a2f'").pluck().get()).toBe('https://bsky.app/profile/quietotter.bsky.example/post/3mexample3a2f');
    // The visible text shortens the link to westfield.zoom.us/j/8451...; only the facet has the meeting id.
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
    expect(sourceHealth(store.db, ['bluesky'])[0]).toMatchObject({ consecutiveFailures: 0, lastSuccess: expect.any(String) });
  });

  it('takes links from link facets and external embeds (record, view and record-with-media), keeping the text as written', async () => {
    handler = (_request, response) =>
      json(response, {
        posts: [
          ...FIXTURE.posts,
          post('3mexample0e0e', '2026-09-21T13:40:00.000Z', 'quoting this', {}, {
            embed: { $type: 'app.bsky.embed.recordWithMedia#view', media: { $type: 'app.bsky.embed.external#view', external: { uri: 'https://example.webex.com/meet/pr1234567', title: 'Webex' } }, record: {} },
          }),
        ],
      });
    const [page] = await pagesOf();
    expect(page!.posts.map((p) => p.links)).toEqual([
      ['https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ'],
      ['https://meet.google.com/abc-defg-hij'],
      [],
      ['https://example.webex.com/meet/pr1234567'],
    ]);
    expect(page!.posts[0]).toMatchObject({
      source: 'bluesky',
      sourceId: 'at://did:plc:exampleaaaaaaaaaaaaaaaa1/app.bsky.feed.post/3mexample3a2f',
      author: 'quietotter.bsky.example',
      createdAt: '2026-09-21T14:05:00.120Z',
      text: 'period 3 is open, come say hi 👋\n\nwestfield.zoom.us/j/8451...',
    });
    // `+00:00` as some clients write it.
    expect(page!.posts[2]!.createdAt).toBe('2026-09-21T13:59:30.000Z');
  });

  it("a reply names its parent by the parent's AT URI (record.reply.parent.uri): its passcode joins the parent's leak", async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    const parent = post('3mexample2a01', '2026-09-21T15:00:00.000Z', 'year 9 maths Zoom meeting ID: 861 2290 4418');
    const ref = { uri: parent.uri, cid: 'bafyreiexampleexampleexampleexampleexampleexampleexamplea' };
    const reply = post('3mexample2a02', '2026-09-21T15:01:00.000Z', 'pw is 735194', { reply: { parent: ref, root: ref } });
    handler = (_request, response) => json(response, { posts: [reply, parent] });
    const [page] = await pagesOf();
    expect(page!.posts.map((p) => p.replyTo)).toEqual([parent.uri, undefined]);
    expect(await crawl()).toMatchObject({ status: 'succeeded', references: 1, leaks: 1 });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 2, severity: 'high' });
  });

  it('resumes with since= the cursor less ten minutes, without gaps; what it reads again is stored once', async () => {
    const first = post('3mexample1f01', '2026-09-21T15:00:00.000Z', 'zoom.us/j/11122233344');
    const views = [first, post('3mexample1f00', '2026-09-21T14:40:00.000Z', 'zoom.us/j/11122233300')];
    handler = (_request, response, url) => searchPosts(views, url, response);
    await crawl();
    expect(walkCursor()).toEqual({ read: { at: '2026-09-21T15:00:00.000Z', id: first.uri }, walk: null });
    views.push(post('3mexample1f02', '2026-09-21T15:10:00.000Z', 'zoom.us/j/55566677788'));
    const second = await crawl();
    // `since` is inclusive: the stored post comes back too, and is skipped as stored.
    expect(second).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(searches().at(-1)!.get('since')).toBe('2026-09-21T14:50:00.000Z');
    expect(count(store.db, 'posts')).toBe(3);
    expect(walkCursor()).toEqual({ read: { at: '2026-09-21T15:10:00.000Z', id: views[2]!.uri }, walk: null });
  });

  it('when the AppView refuses to page back (403), keeps the pages read and logs the gap with its size; a 403 on the first page fails', async () => {
    const views = [post('3mexample2a00', '2026-09-21T12:00:00.000Z', 'zoom.us/j/99988877700')];
    handler = (_request, response, url) => searchPosts(views, url, response);
    await crawl();
    const backlog = linked('3mexample2b', '2026-09-21T16:00:00.000Z', 150);
    views.push(...backlog);
    handler = (_request, response, url) => {
      if (url.searchParams.get('until')) return void response.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"AuthMissing","message":"Authentication Required"}');
      searchPosts(views, url, response);
    };
    const { log, entries } = capturedLogger();
    expect(await crawl({ log })).toMatchObject({ status: 'succeeded', pages: 2, posts: 100 });
    expect(walkCursor()).toEqual({ read: { at: '2026-09-21T16:00:00.000Z', id: backlog[0]!.uri }, walk: null });
    // The 100th newest post is the oldest read: the 50 below it, down to the cursor, are skipped.
    const oldest = backlog[99]!;
    expect(entries().filter((entry) => entry.level === 40)).toEqual([
      expect.objectContaining({ scope: 'query:zoom.us/j', after: `2026-09-21T12:00:00.000Z ${views[0]!.uri}`, before: `${oldest.record.createdAt} ${oldest.uri}`, seconds: (Date.parse(oldest.record.createdAt as string) - Date.parse('2026-09-21T12:00:00.000Z')) / 1000 }),
    ]);

    handler = (_request, response) => void response.writeHead(403).end();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/HTTP 403/) });
    expect(walkCursor().read).toEqual({ at: '2026-09-21T16:00:00.000Z', id: backlog[0]!.uri });
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on below it', async () => {
    const newer = post('3mexample3b02', '2026-09-21T17:00:00.000Z', 'zoom.us/j/99988877766');
    const views = [newer, ...linked('3mexample3c', '2026-09-21T16:59:00.000Z', 99), post('3mexample3b01', '2026-09-21T16:00:00.000Z', 'zoom.us/j/12312312312')];
    let failing = true;
    handler = (_request, response, url) => {
      if (url.searchParams.get('until') && failing) return void response.writeHead(500).end();
      searchPosts(views, url, response);
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor()).toMatchObject({ read: null, walk: { newest: { at: '2026-09-21T17:00:00.000Z', id: newer.uri } } });
    expect(count(store.db, 'posts')).toBe(100);
    failing = false;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    // Below where it stopped; then the newest again, down to ten minutes below it.
    expect(Object.fromEntries(searches().at(-2)!)).toMatchObject({ until: new Date(Date.parse(views[99]!.record.createdAt as string) + 1).toISOString() });
    expect(Object.fromEntries(searches().at(-1)!)).toMatchObject({ since: '2026-09-21T16:50:00.000Z' });
    expect(count(store.db, 'posts')).toBe(101);
    expect(walkCursor()).toEqual({ read: { at: '2026-09-21T17:00:00.000Z', id: newer.uri }, walk: null });
  });

  it('a backlog deeper than one run reads is read over the next runs, each post once, the cursor never past an unread one', async () => {
    const views = [post('3mexample0001', '2026-09-20T12:00:00.000Z', 'zoom.us/j/11122233344')];
    handler = (_request, response, url) => searchPosts(views, url, response);
    await crawl();
    const backlog = linked('3mbacklog', '2026-09-21T12:00:00.000Z', 1500);
    views.push(...backlog);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push({ summary: await crawl(), stored: new Set(storedUris()), raw: cursor()! });
    expect(new Set(storedUris()).size).toBe(1501);
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 7], ['succeeded', 1]]);
    for (const run of runs) {
      const { read, walk } = JSON.parse(run.raw) as ReturnType<typeof walkCursor>;
      const claimed = backlog.filter((view) => {
        const time = new Date(sortAt(view)).toISOString();
        return (read && time <= read.at) || (walk && time >= walk.oldest.at && time <= walk.newest.at);
      });
      expect(claimed.filter((view) => !run.stored.has(view.uri as string)).map((view) => view.uri)).toEqual([]);
    }
  });

  it('a post of the cursor’s own millisecond indexed after the run, and one added while pages are read, are read next run', async () => {
    const views = [post('3mexample6a01', '2026-09-21T15:00:00.000Z', 'zoom.us/j/60000000001'), ...linked('3mexample6b', '2026-09-21T14:59:00.000Z', 150, 1000)];
    let added = false;
    handler = (_request, response, url) => {
      searchPosts(views, url, response);
      if (!added) views.push(post('3mexample6z01', '2026-09-21T15:05:00.000Z', 'zoom.us/j/60000000003'));
      added = true;
    };
    await crawl();
    expect(storedUris()).toHaveLength(151);
    // Written in the cursor's own millisecond, indexed late.
    views.push(post('3mexample6a00', '2026-09-21T15:00:00.000Z', 'zoom.us/j/60000000002', {}, { indexedAt: '2026-09-21T15:06:00.000Z' }));
    await crawl();
    expect(storedUris()).toEqual(expect.arrayContaining([views.at(-1)!.uri, views.at(-2)!.uri]));
    expect(storedUris()).toHaveLength(153);
  });

  it('reads the cursor of the version before walk cursors (the newest sortAt)', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('bluesky', 'query:zoom.us/j', '2026-09-21T15:00:00.000Z', ?)").run(new Date().toISOString());
    const views = [post('3mexample7a02', '2026-09-21T15:10:00.000Z', 'zoom.us/j/70000000002'), post('3mexample7a01', '2026-09-21T15:00:00.000Z', 'zoom.us/j/70000000001'), post('3mexample7a00', '2026-09-21T14:00:00.000Z', 'zoom.us/j/70000000000')];
    handler = (_request, response, url) => searchPosts(views, url, response);
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 2 });
    expect(searches().at(-1)!.get('since')).toBe('2026-09-21T14:50:00.000Z');
    expect(walkCursor()).toEqual({ read: { at: '2026-09-21T15:10:00.000Z', id: views[0]!.uri }, walk: null });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1', 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-policy': '3000;w=300' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      json(response, { posts: [post('3mexample4a01', '2026-09-21T18:00:00.000Z', 'zoom.us/j/44455566677')] });
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('malformed JSON or a shape without posts fails the run with a clear error and leaves the cursor', async () => {
    handler = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>upstream connect error</html>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor()).toBeUndefined();
    expect(sourceHealth(store.db, ['bluesky'])[0]).toMatchObject({ lastSuccess: null, consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });

    handler = (_request, response) => json(response, { feed: [] });
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/127\.0\.0\.1:\d+: searchPosts answer has no posts array/) });
    handler = (_request, response) => json(response, { posts: [{ uri: 'at://did:plc:x/app.bsky.feed.post/3mexample5a01', author: { did: 'did:plc:x' }, record: { text: 'no times' } }] });
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/without indexedAt or record\.createdAt/) });
    expect(cursor()).toBeUndefined();
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    handler = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the API', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /xrpc/\n'));
    handler = (_request, response) => json(response, { posts: [] });
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/xrpc\/app\.bsky\.feed\.searchPosts/) });
    expect(searches()).toHaveLength(0);
  });

  it('with an app password but no handle to sign in with, searches without a session, says so, and never logs the password', async () => {
    handler = (_request, response) => json(response, { posts: [] });
    const { log, lines } = capturedLogger();
    expect(await crawl({ secrets: { blueskyAppPassword: 'abcd-efgh-ijkl-mnop' }, log })).toMatchObject({ status: 'succeeded' });
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(lines.join('')).toMatch(/names no account handle/);
    expect(lines.join('')).not.toContain('abcd-efgh-ijkl-mnop');
  });
});
