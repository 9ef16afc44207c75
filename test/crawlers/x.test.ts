import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { x } from '../../crawlers/x.js';
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

type Tweet = { id: string; text: string; author_id?: string; created_at?: string; entities?: unknown; edit_history_tweet_ids?: string[] };
/** A recent-search answer as X gives it with `tweet.fields=created_at,author_id,entities&expansions=author_id` (invented tweets, real shape); `referenced_tweets` is added where a test needs it. */
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/x/search-recent.json', import.meta.url), 'utf8')) as {
  data: Tweet[];
  includes: { users: { id: string; name: string; username: string }[] };
  meta: Record<string, unknown>;
};
const SEARCH = '/2/tweets/search/recent';
const TOKEN = 'AAAAAAAAAAAAAAAAAAAAAtest%2Fbearer%3Dtoken';

/** A tweet id written `minutesAgo` (ids are snowflakes: milliseconds since X's epoch, shifted 22 bits). */
function idAt(minutesAgo: number, sequence = 0): string {
  return String(((BigInt(Date.now() - minutesAgo * 60_000) - 1_288_834_974_657n) << 22n) + BigInt(sequence));
}

function tweet(id: string, text: string, expandedUrl?: string): Tweet {
  const base = structuredClone(FIXTURE.data[1]!);
  const entities = expandedUrl ? { urls: [{ start: text.length - 23, end: text.length, url: 'https://t.co/ZyXwVu9876', expanded_url: expandedUrl, display_url: `${expandedUrl.replace(/^https:\/\//, '').slice(0, 24)}…` }] } : undefined;
  return { ...base, id, edit_history_tweet_ids: [id], text, ...(entities ? { entities } : {}) };
}

function answer(tweets: Tweet[], nextToken?: string) {
  if (tweets.length === 0) return { meta: { result_count: 0 } };
  return {
    data: tweets,
    includes: FIXTURE.includes,
    meta: { newest_id: tweets[0]!.id, oldest_id: tweets.at(-1)!.id, result_count: tweets.length, ...(nextToken ? { next_token: nextToken } : {}) },
  };
}

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

const json = (response: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
  void response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));

function setup(secretsOverride: Secrets = { xBearerToken: TOKEN }) {
  const { config } = loadConfig({ env: {} });
  config.sources.x = { ...config.sources.x, enabled: true, baseUrl: server.url, queries: ['zoom.us/j'], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return { config, secrets: secretsOverride, http };
}

function crawl(options: { secrets?: Secrets; log?: Logger } = {}) {
  const { config, secrets, http } = setup(options.secrets);
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: x as Crawler, config, secrets, http, log: options.log ?? createLogger({ level: 'silent' }) });
}

/** The pages the crawler yields, without the store (to look at each post's fields). */
async function pagesOf(): Promise<CrawlPage[]> {
  const { config, secrets, http } = setup();
  const pages: CrawlPage[] = [];
  const context = { config: config.sources.x, secrets, http, cursor: () => null, queries: ['zoom.us/j'], minIntervalMs: 0, signal: new AbortController().signal, log: createLogger({ level: 'silent' }) };
  for await (const page of x.crawl(context)) pages.push(page);
  return pages;
}

const cursor = () => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'x' AND scope = 'query:zoom.us/j'").pluck().get();
const searches = () => server.requests.filter((r) => r.url.startsWith(SEARCH));
const params = () => searches().map((r) => new URL(r.url, 'http://x').searchParams);

describe('X crawler', () => {
  it('without a Bearer token asks nothing and says once what it needs', async () => {
    handler = (_request, response) => json(response, answer([]));
    const { log, lines } = capturedLogger();
    expect(await crawl({ secrets: {}, log })).toMatchObject({ status: 'nothing-to-crawl', pages: 0, posts: 0 });
    expect(server.requests).toHaveLength(0);
    const notes = lines.filter((line) => line.includes('LEAKWATCH_X_BEARER_TOKEN'));
    expect(notes).toHaveLength(1);
    expect(JSON.parse(notes[0]!)).toMatchObject({ level: 30 });
  });

  it('walks the pages by next_token with the Bearer token, stores the tweets with meeting links, and keeps the newest id as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    handler = (_request, response, url) => {
      if (!url.searchParams.get('next_token')) return json(response, FIXTURE, { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': '448', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900) });
      json(response, answer([tweet('1969999999999998001', 'backup room zoom.us/j/11122233344')]));
    };
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 2, posts: 4, leaks: 1 });
    expect(searches().map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(params().map((p) => Object.fromEntries(p))).toEqual([
      { query: 'zoom.us/j', max_results: '100', 'tweet.fields': 'created_at,author_id,entities,referenced_tweets', expansions: 'author_id' },
      { query: 'zoom.us/j', max_results: '100', 'tweet.fields': 'created_at,author_id,entities,referenced_tweets', expansions: 'author_id', next_token: 'b26v89c19zqg8o3fexample0000001' },
    ]);
    expect(cursor()).toBe('1969999999999999003');
    expect(count(store.db, 'posts')).toBe(3);
    expect(store.db.prepare("SELECT url FROM posts WHERE source_id = '1969999999999999003'").pluck().get()).toBe('https://x.com/i/web/status/1969999999999999003');
    // The text has only the t.co link; the meeting id is in entities.urls[].expanded_url.
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
    expect(sourceHealth(store.db, ['x'])[0]).toMatchObject({ consecutiveFailures: 0, lastSuccess: expect.any(String) });
  });

  it('takes links from entities.urls (expanded), and the author from the expanded users', async () => {
    handler = (_request, response) => json(response, { ...FIXTURE, meta: { ...FIXTURE.meta, next_token: undefined } });
    const [page] = await pagesOf();
    expect(page!.posts.map((p) => p.links)).toEqual([['https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ'], [], []]);
    expect(page!.posts[0]).toMatchObject({
      source: 'x',
      sourceId: '1969999999999999003',
      author: 'quiet_otter_ex',
      createdAt: '2026-09-21T14:05:00.000Z',
      text: 'period 3 is open lol https://t.co/AbCdEf1234',
    });
  });

  it('a reply names the tweet it answers (referenced_tweets, type replied_to): its passcode joins that tweet\'s leak', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    const parent = tweet(idAt(10), 'year 9 maths Zoom meeting ID: 861 2290 4418');
    const reply = { ...tweet(idAt(5), '@maple_fern_ex pw is 735194'), referenced_tweets: [{ type: 'replied_to', id: parent.id }] };
    const quote = { ...tweet(idAt(4), 'lol pw is 111111'), referenced_tweets: [{ type: 'quoted', id: parent.id }] };
    handler = (_request, response) => json(response, answer([quote, reply, parent]));
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 3, references: 1, leaks: 1 });
    // Newest first: the reply is read (and waits) before its parent; the quote is no reply and names no meeting.
    expect(store.db.prepare('SELECT source_id, reply_to, text FROM posts ORDER BY id').all()).toEqual([
      { source_id: reply.id, reply_to: parent.id, text: '@maple_fern_ex pw is ••••••' },
      { source_id: parent.id, reply_to: null, text: 'year 9 maths Zoom meeting ID: 861 2290 4418' },
    ]);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 2, severity: 'high' });
  });

  it('resumes with since_id = the cursor, without duplicates or gaps', async () => {
    const old = idAt(30);
    handler = (_request, response) => json(response, answer([tweet(old, 'zoom.us/j/11122233344')]));
    await crawl();
    expect(cursor()).toBe(old);
    const newer = idAt(5);
    handler = (_request, response, url) => {
      const since = BigInt(url.searchParams.get('since_id') ?? '0');
      json(response, answer([tweet(newer, 'zoom.us/j/55566677788'), tweet(old, 'zoom.us/j/11122233344')].filter((t) => BigInt(t.id) > since)));
    };
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 1 });
    expect(params().at(-1)!.get('since_id')).toBe(old);
    expect(count(store.db, 'posts')).toBe(2);
    expect(cursor()).toBe(newer);

    // Nothing new: X leaves out `data` and `newest_id`; the cursor stays.
    handler = (_request, response) => json(response, answer([]));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 0 });
    expect(cursor()).toBe(newer);
  });

  it('drops a cursor older than the 7-day search window instead of sending a since_id X refuses', async () => {
    const stale = idAt(8 * 24 * 60);
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('x', 'query:zoom.us/j', ?, ?)").run(stale, new Date().toISOString());
    const fresh = idAt(1);
    handler = (_request, response) => json(response, answer([tweet(fresh, 'zoom.us/j/55566677788')]));
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(params().at(-1)!.has('since_id')).toBe(false);
    expect(cursor()).toBe(fresh);
  });

  it('sends the Bearer token but never logs it, also when the API refuses it', async () => {
    const { log, lines } = capturedLogger();
    handler = (_request, response) => void response.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}');
    const summary = await crawl({ log });
    expect(summary).toMatchObject({ status: 'failed', error: expect.stringMatching(/HTTP 401/) });
    expect(searches()[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    handler = (_request, response) => json(response, answer([tweet(idAt(1), 'zoom.us/j/55566677788')]));
    expect(await crawl({ log })).toMatchObject({ status: 'succeeded' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(TOKEN);
    expect(store.db.prepare("SELECT group_concat(coalesce(error, ''), ' ') FROM crawl_runs").pluck().get()).not.toContain(TOKEN);
  });

  it('a failure mid-walk stores the pages read but keeps the cursor, so the next run re-reads without a gap', async () => {
    const newer = tweet(idAt(2), 'zoom.us/j/99988877766');
    handler = (_request, response, url) => {
      if (url.searchParams.get('next_token')) return void response.writeHead(500).end();
      json(response, answer([newer], 'page2'));
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(cursor()).toBeUndefined();
    expect(count(store.db, 'posts')).toBe(1);
    handler = (_request, response, url) => json(response, url.searchParams.get('next_token') ? answer([tweet(idAt(3), 'zoom.us/j/12312312312')]) : answer([newer], 'page2'));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    expect(count(store.db, 'posts')).toBe(2);
    expect(cursor()).toBe(newer.id);
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"errors":[{"code":88,"message":"Rate limit exceeded"}]}');
      if (calls === 2) return void response.writeHead(500).end();
      json(response, answer([tweet(idAt(1), 'zoom.us/j/44455566677')]));
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('pauses until x-rate-limit-reset when x-rate-limit-remaining is spent', async () => {
    const times: number[] = [];
    let resetAt = 0;
    handler = (_request, response, url) => {
      times.push(Date.now());
      if (url.searchParams.get('next_token')) return json(response, answer([tweet(idAt(3), 'hello')]));
      resetAt = Math.ceil(Date.now() / 1000) + 1;
      json(response, answer([tweet(idAt(2), 'hi')], 'page2'), { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) });
    };
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    expect(times[1]!).toBeGreaterThanOrEqual(resetAt * 1000 - 50);
  });

  it('malformed JSON or a shape without meta fails the run with a clear error and leaves the cursor', async () => {
    handler = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Over capacity</html>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor()).toBeUndefined();
    expect(sourceHealth(store.db, ['x'])[0]).toMatchObject({ lastSuccess: null, consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });

    handler = (_request, response) => json(response, { data: FIXTURE.data });
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/127\.0\.0\.1:\d+: recent search answer has no meta/) });
    handler = (_request, response) => json(response, { data: [{ id: '1969999999999999009' }], meta: { result_count: 1 } });
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/a tweet without id or text/) });
    expect(cursor()).toBeUndefined();
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    handler = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the API', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /2/\n'));
    handler = (_request, response) => json(response, answer([]));
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/2\/tweets\/search\/recent/) });
    expect(searches()).toHaveLength(0);
  });
});
