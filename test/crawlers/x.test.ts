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

/** When a tweet id was minted. */
const msOf = (id: string) => Number((BigInt(id) >> 22n) + 1_288_834_974_657n);
const WEEK_MS = 7 * 24 * 3_600_000;

/**
 * Recent search as X answers it: the last seven days, newest id first,
 * `since_id` and `until_id` exclusive (refused with a 400 when older than the
 * seven days), `max_results` a page, `next_token` for the page after.
 */
function recent(tweets: Tweet[], url: URL, response: ServerResponse): void {
  const bound = (name: string) => (url.searchParams.has(name) ? BigInt(url.searchParams.get(name)!) : null);
  const [sinceId, untilId] = [bound('since_id'), bound('until_id')];
  for (const id of [sinceId, untilId]) {
    if (id !== null && msOf(String(id)) < Date.now() - WEEK_MS) return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"title":"Invalid Request","detail":"since_id must be within the last 7 days"}');
  }
  const matching = tweets
    .filter((t) => msOf(t.id) >= Date.now() - WEEK_MS && (sinceId === null || BigInt(t.id) > sinceId) && (untilId === null || BigInt(t.id) < untilId))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const offset = Number(url.searchParams.get('next_token')?.replace('page-', '') ?? 0);
  const limit = Number(url.searchParams.get('max_results') ?? 10);
  const page = matching.slice(offset, offset + limit);
  const body = answer(page, offset + limit < matching.length ? `page-${offset + limit}` : undefined);
  json(response, body);
}

/** Tweets with a meeting link each, one a `spacingMs` apart, the newest `minutesAgo`. */
const linked = (minutesAgo: number, n: number, spacingMs = 60_000) =>
  Array.from({ length: n }, (_, i) => tweet(idAt(minutesAgo + (i * spacingMs) / 60_000), `room zoom.us/j/${82_000_000_000 + n - i}`));

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

const cursor = () => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'x' AND scope = 'query:zoom.us/j'").pluck().get() as string | undefined;
type StoredMark = { at: string; id: string };
const walkCursor = () => JSON.parse(cursor()!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
const markOf = (id: string) => ({ at: new Date(msOf(id)).toISOString(), id });
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'x'").pluck().all() as string[];
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

  it('walks the pages by next_token with the Bearer token, stores the tweets with meeting links, and keeps the newest id (and its time) as the cursor', async () => {
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
    expect(walkCursor()).toEqual({ read: markOf('1969999999999999003'), walk: null });
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

  it('resumes with since_id = the first id of the cursor’s time less 30 s, without gaps; what it reads again is stored once', async () => {
    const old = idAt(30);
    const tweets = [tweet(old, 'zoom.us/j/11122233344'), tweet(idAt(40), 'zoom.us/j/11122233300')];
    handler = (_request, response, url) => recent(tweets, url, response);
    await crawl();
    expect(walkCursor()).toEqual({ read: markOf(old), walk: null });
    const newer = idAt(5);
    tweets.push(tweet(newer, 'zoom.us/j/55566677788'));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(params().at(-1)!.get('since_id')).toBe(String(((BigInt(msOf(old) - 30_000) - 1_288_834_974_657n) << 22n) - 1n));
    expect(count(store.db, 'posts')).toBe(3);
    expect(walkCursor()).toEqual({ read: markOf(newer), walk: null });

    // Nothing new: X leaves out `data` and `newest_id`; the cursor stays.
    handler = (_request, response) => json(response, answer([]));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 0 });
    expect(walkCursor()).toEqual({ read: markOf(newer), walk: null });
  });

  it('a cursor older than the 7-day search window sends no since_id X would refuse, and logs the gap it leaves with its size', async () => {
    const stale = idAt(8 * 24 * 60);
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('x', 'query:zoom.us/j', ?, ?)").run(stale, new Date().toISOString());
    const tweets = [tweet(idAt(1), 'zoom.us/j/55566677788'), tweet(idAt(6 * 24 * 60), 'zoom.us/j/55566677700'), tweet(idAt(7.5 * 24 * 60), 'zoom.us/j/55566677711')];
    handler = (_request, response, url) => recent(tweets, url, response);
    const { log, entries } = capturedLogger();
    expect(await crawl({ log })).toMatchObject({ status: 'succeeded', posts: 2 });
    expect(params().at(-1)!.has('since_id')).toBe(false);
    expect(walkCursor()).toEqual({ read: markOf(tweets[0]!.id), walk: null });
    // The oldest tweet recent search holds is six days old: the two days before it are skipped.
    expect(entries().filter((entry) => entry.level === 40)).toEqual([
      expect.objectContaining({ scope: 'query:zoom.us/j', after: `${markOf(stale).at} ${stale}`, before: `${markOf(tweets[1]!.id).at} ${tweets[1]!.id}`, seconds: Math.round((msOf(tweets[1]!.id) - msOf(stale)) / 1000) }),
    ]);
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

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on below it with until_id', async () => {
    const tweets = linked(2, 150);
    let failing = true;
    handler = (_request, response, url) => {
      if (url.searchParams.get('next_token') && failing) return void response.writeHead(500).end();
      recent(tweets, url, response);
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor()).toEqual({ read: null, walk: { newest: markOf(tweets[0]!.id), oldest: markOf(tweets[99]!.id), next: ' page-100' } });
    expect(count(store.db, 'posts')).toBe(100);
    failing = false;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    // A next_token may not outlive its run: below where it stopped, then the newest down to the floor.
    expect(params().slice(-2).map((p) => [p.get('until_id'), p.has('since_id'), p.get('next_token')])).toEqual([[tweets[99]!.id, false, null], [null, true, null]]);
    expect(count(store.db, 'posts')).toBe(150);
    expect(walkCursor()).toEqual({ read: markOf(tweets[0]!.id), walk: null });
  });

  it('a backlog deeper than one run reads is read over the next runs with until_id, each tweet once, the cursor never past an unread one', async () => {
    const tweets = [tweet(idAt(3000), 'zoom.us/j/11122233344')];
    handler = (_request, response, url) => recent(tweets, url, response);
    await crawl();
    const backlog = linked(60, 1500);
    tweets.push(...backlog);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push({ summary: await crawl(), stored: new Set(storedIds()), raw: cursor()! });
    expect(new Set(storedIds()).size).toBe(1501);
    // 1,000 tweets; the 500 left and the one at the floor, then the newest again.
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 7], ['succeeded', 1]]);
    for (const run of runs) {
      const { read, walk } = JSON.parse(run.raw) as ReturnType<typeof walkCursor>;
      const claimed = backlog.filter((t) => (read && BigInt(t.id) <= BigInt(read.id)) || (walk && BigInt(t.id) >= BigInt(walk.oldest.id) && BigInt(t.id) <= BigInt(walk.newest.id)));
      expect(claimed.filter((t) => !run.stored.has(t.id)).map((t) => t.id)).toEqual([]);
    }
    // The second run goes on below the oldest tweet the first one read.
    expect(params()[11]!.get('until_id')).toBe(backlog[999]!.id);
  });

  it('a tweet indexed after the run with an id just below the cursor, and one posted while pages are read, are read next run', async () => {
    const tweets = [tweet(idAt(10, 5), 'zoom.us/j/60000000001'), ...linked(11, 150, 1000)];
    let added = false;
    handler = (_request, response, url) => {
      recent(tweets, url, response);
      if (!added) tweets.push(tweet(idAt(9), 'zoom.us/j/60000000003'));
      added = true;
    };
    await crawl();
    expect(storedIds()).toHaveLength(151);
    // Minted in the cursor's own millisecond, before it: X indexed it late.
    tweets.push(tweet(String(BigInt(tweets[0]!.id) - 1n), 'zoom.us/j/60000000002'));
    await crawl();
    expect(storedIds()).toEqual(expect.arrayContaining([tweets.at(-1)!.id, tweets.at(-2)!.id]));
    expect(storedIds()).toHaveLength(153);
  });

  it('reads the cursor of the version before walk cursors (the newest tweet id)', async () => {
    const old = idAt(30);
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('x', 'query:zoom.us/j', ?, ?)").run(old, new Date().toISOString());
    const tweets = [tweet(idAt(5), 'zoom.us/j/70000000002'), tweet(old, 'zoom.us/j/70000000001'), tweet(idAt(120), 'zoom.us/j/70000000000')];
    handler = (_request, response, url) => recent(tweets, url, response);
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 2 });
    expect(storedIds().sort()).toEqual([tweets[1]!.id, tweets[0]!.id].sort());
    expect(walkCursor()).toEqual({ read: markOf(tweets[0]!.id), walk: null });
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
