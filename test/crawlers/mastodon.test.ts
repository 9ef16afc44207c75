import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mastodon } from '../../crawlers/mastodon.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { capturedLogger } from '../support/logger.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

const STATUS = JSON.parse(readFileSync(new URL('../fixtures/mastodon/status.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const CARD = JSON.parse(readFileSync(new URL('../fixtures/mastodon/card.json', import.meta.url), 'utf8')) as Record<string, unknown>;

type Status = Record<string, unknown> & { id: string };

/** A status as Mastodon serialises it; `id` is a snowflake. */
function status(id: bigint, content = '<p>Reading club moved online this week</p>', extra: Record<string, unknown> = {}): Status {
  return { ...structuredClone(STATUS), id: String(id), uri: `https://social.example.org/users/mrs_hale/statuses/${id}`, url: `https://social.example.org/@mrs_hale/${id}`, content, ...extra };
}

/** Mastodon's link shortening: the whole URL is in the href, the visible text is cut by CSS. */
const shortened = (url: string) => {
  const scheme = url.startsWith('https://') ? 'https://' : 'http://';
  const rest = url.slice(scheme.length);
  return `<a href="${url}" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">${scheme}</span><span class="ellipsis">${rest.slice(0, 25)}</span><span class="invisible">${rest.slice(25)}</span></a>`;
};

const byIdDesc = (a: Status, b: Status) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0);

/** Answers a timeline request as Mastodon's Paginable does: `max_id`/`since_id` newest first, `min_id` the statuses just above it; Link header for paging. */
function timeline(statuses: Status[], request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url!, 'http://x');
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), 40);
  const bound = (name: string) => (url.searchParams.has(name) ? BigInt(url.searchParams.get(name)!) : null);
  const [maxId, sinceId, minId] = [bound('max_id'), bound('since_id'), bound('min_id')];
  let list = [...statuses].sort(byIdDesc).filter((s) => maxId === null || BigInt(s.id) < maxId);
  if (minId !== null) list = list.filter((s) => BigInt(s.id) > minId).slice(-limit);
  else list = list.filter((s) => sinceId === null || BigInt(s.id) > sinceId).slice(0, limit);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '299' };
  if (list.length > 0) headers.link = `<${url.pathname}?max_id=${list.at(-1)!.id}>; rel="next", <${url.pathname}?min_id=${list[0]!.id}>; rel="prev"`;
  response.writeHead(200, headers).end(JSON.stringify(list));
}

const json = (response: ServerResponse, body: unknown) => void response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
const filler = (from: bigint, n: number) => Array.from({ length: n }, (_, i) => status(from + BigInt(i)));

let first: TestHttpServer;
let second: TestHttpServer;
let store: TestStore;
/** What each instance's `#zoom` timeline and search answer. */
let tagA: (request: IncomingMessage, response: ServerResponse) => void;
let tagB: (request: IncomingMessage, response: ServerResponse) => void;
let searchA: (request: IncomingMessage, response: ServerResponse) => void;
beforeEach(async () => {
  store = tempStore();
  tagB = (request, response) => timeline([], request, response);
  searchA = (_request, response) => json(response, { accounts: [], statuses: [], hashtags: [] });
  first = await startHttpServer({
    '/api/v1/timelines/tag/zoom': (request, response) => tagA(request, response),
    '/api/v2/search': (request, response) => searchA(request, response),
  });
  second = await startHttpServer({
    '/api/v1/timelines/tag/zoom': (request, response) => tagB(request, response),
    '/api/v2/search': (_request, response) => json(response, { accounts: [], statuses: [], hashtags: [] }),
  });
});
afterEach(async () => {
  await Promise.all([first.close(), second.close()]);
  store.cleanup();
});

function crawl(options: { instances?: string[]; queries?: string[]; token?: string; log?: Logger } = {}) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.mastodon = {
    ...config.sources.mastodon,
    enabled: true,
    instances: options.instances ?? [first.url],
    hashtags: ['#zoom'],
    queries: options.queries ?? [],
    requestIntervalMs: 0,
  };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({
    db: store.db,
    matcher: store.matcher,
    crawler: mastodon as Crawler,
    config,
    secrets: { ...secrets, mastodonToken: options.token },
    http,
    log: options.log ?? createLogger({ level: 'silent' }),
  });
}

const host = (server: TestHttpServer) => new URL(server.url).host;
const cursor = (scope: string) => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'mastodon' AND scope = ?").pluck().get(scope) as string | undefined;
type StoredMark = { at: string; id: string };
const walkCursor = (scope: string) => JSON.parse(cursor(scope)!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
/** A status id as Mastodon mints it: milliseconds above 16 bits of sequence. */
const snowflake = (ms: number, sequence = 0) => (BigInt(ms) << 16n) + BigInt(sequence);
const markOf = (id: bigint | string) => ({ at: new Date(Number(BigInt(id) >> 16n)).toISOString(), id: String(id) });
const T0 = Date.parse('2026-09-21T12:00:00Z');
/** Statuses with a meeting link each, a minute apart from `fromMs` on. */
const linked = (fromMs: number, n: number, spacingMs = 60_000) => Array.from({ length: n }, (_, i) => status(snowflake(fromMs + i * spacingMs), `<p>room zoom.us/j/${83_000_000_000 + i}</p>`));
const storedUris = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'mastodon'").pluck().all() as string[];
const tagRequests = (server: TestHttpServer) => server.requests.filter((r) => r.url.startsWith('/api/v1/timelines/tag/')).map((r) => Object.fromEntries(new URL(r.url, 'http://x').searchParams));
const meetingIds = () => store.db.prepare('SELECT meeting_id FROM sightings ORDER BY meeting_id').pluck().all();

describe('Mastodon crawler', () => {
  it('first run walks the hashtag back with max_id, reads links from hrefs, cards and reblogs, and keeps the newest id and its time', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    const statuses = [
      status(113500000000000100n, `<p>period 3 is here ${shortened('https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ')} come say hi</p>`),
      status(113500000000000099n, '<p>study group, <a href="https://meet.google.com/abc-defg-hij" rel="nofollow">the usual room</a></p>'),
      status(113500000000000098n, '<p>free period, anyone?</p>', { card: CARD }),
      status(113500000000000097n, '', {
        uri: 'https://social.example.org/users/relay/statuses/113500000000000097/activity',
        url: null,
        reblog: status(113500000000000050n, '<p>boosting: <a href="https://example.webex.com/meet/jdoe">webex</a></p>', {
          uri: 'https://other.example.net/users/jdoe/statuses/7',
          url: 'https://other.example.net/@jdoe/7',
          account: { ...(STATUS.account as object), acct: 'jdoe@other.example.net' },
        }),
      }),
      ...filler(113500000000000001n, 41),
    ];
    tagA = (request, response) => timeline(statuses, request, response);
    const summary = await crawl();
    // The third answer is empty: the timeline's end.
    expect(summary).toMatchObject({ status: 'succeeded', pages: 3, posts: 45, references: 4, leaks: 1 });
    expect(tagRequests(first)).toEqual([{ limit: '40' }, { limit: '40', max_id: '113500000000000006' }, { limit: '40', max_id: '113500000000000001' }]);
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(113500000000000100n), walk: null });
    expect(meetingIds()).toEqual(['84512397260', '93715502284', 'abc-defg-hij', 'jdoe']);
    expect(store.db.prepare('SELECT url, author FROM posts WHERE source_id = ?').get('https://social.example.org/users/mrs_hale/statuses/113500000000000100')).toEqual({
      url: 'https://social.example.org/@mrs_hale/113500000000000100',
      author: 'mrs_hale@127.0.0.1',
    });
    expect(store.db.prepare("SELECT url, author FROM posts WHERE source_id = 'https://other.example.net/users/jdoe/statuses/7'").get()).toEqual({
      url: 'https://other.example.net/@jdoe/7',
      author: 'jdoe@other.example.net',
    });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260', severity: 'high' });
  });

  describe('replies (in_reply_to_id is the instance\'s id, posts are known by their federation URI)', () => {
    const meeting = '<p>year 9 maths <a href="https://social.example.org/tags/zoom" class="mention hashtag" rel="tag">#<span>zoom</span></a> Zoom meeting ID: 861 2290 4418</p>';
    const statusRequests = () => first.requests.filter((r) => r.url.startsWith('/api/v1/statuses/')).map((r) => r.url);
    let org: number;
    beforeEach(() => {
      org = school(store, 'Westfield High', 'westfield.example');
      store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    });

    it('a parent read on the instance this run gives its URI without asking for it', async () => {
      const parent = status(113500000000000200n, meeting);
      const reply = status(113500000000000201n, '<p>pw is 735194 <a href="https://social.example.org/tags/zoom" class="mention hashtag" rel="tag">#<span>zoom</span></a></p>', {
        in_reply_to_id: parent.id,
        in_reply_to_account_id: '113400000000000042',
      });
      tagA = (request, response) => timeline([reply, parent], request, response);
      expect(await crawl()).toMatchObject({ status: 'succeeded', references: 1, leaks: 1 });
      expect(statusRequests()).toEqual([]);
      expect(store.db.prepare('SELECT reply_to FROM posts WHERE source_id = ?').pluck().get(reply.uri)).toBe(parent.uri);
      expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 2, severity: 'high' });
    });

    it('a reply with a passcode whose parent is outside the hashtag: the parent is asked for by its id and read too', async () => {
      const parent = status(113500000000000300n, '<p>year 9 maths Zoom meeting ID: 861 2290 4418</p>', {
        uri: 'https://other.example.net/users/kid1/statuses/42',
        url: 'https://other.example.net/@kid1/42',
        account: { ...(STATUS.account as object), acct: 'kid1@other.example.net' },
      });
      const reply = status(113500000000000301n, '<p>pw is 735194 #zoom</p>', { in_reply_to_id: parent.id });
      const question = status(113500000000000302n, '<p>which class is it? #zoom</p>', { in_reply_to_id: '113500000000000299' });
      tagA = (request, response) => timeline([question, reply], request, response);
      first.route(`/api/v1/statuses/${parent.id}`, (_request, response) => json(response, parent));
      expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 3, references: 1, leaks: 1 });
      // Only the reply that carries a passcode is worth a request.
      expect(statusRequests()).toEqual([`/api/v1/statuses/${parent.id}`]);
      expect(store.db.prepare('SELECT source_id, reply_to, text FROM posts ORDER BY id').all()).toEqual([
        { source_id: parent.uri, reply_to: null, text: 'year 9 maths Zoom meeting ID: 861 2290 4418' },
        { source_id: reply.uri, reply_to: parent.uri, text: 'pw is •••••• #zoom' },
      ]);
      expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 2, severity: 'high' });
    });

    it('a parent the instance will not show (404) leaves the reply without one, and the crawl goes on', async () => {
      const reply = status(113500000000000401n, '<p>pw is 735194 #zoom</p>', { in_reply_to_id: '113500000000000400' });
      tagA = (request, response) => timeline([reply, status(113500000000000402n, meeting)], request, response);
      expect(await crawl()).toMatchObject({ status: 'succeeded', references: 1, leaks: 1 });
      expect(statusRequests()).toEqual(['/api/v1/statuses/113500000000000400']);
      expect(store.db.prepare('SELECT count(*) FROM posts WHERE source_id = ?').pluck().get(reply.uri)).toBe(0);
      expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 1 });
    });
  });

  it('resumes down to ten minutes below the cursor with max_id, and orders ids across a change of length', async () => {
    // Ids of 17 digits, then of 18: the walk crosses from one to the other.
    const statuses = [status(99999999999999990n, '<p>zoom.us/j/11122233344</p>'), status(99999999999999000n, '<p>zoom.us/j/11122233300</p>')];
    tagA = (request, response) => timeline(statuses, request, response);
    await crawl();
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(99999999999999990n), walk: null });
    statuses.push(...filler(99999999999999991n, 44), status(100000000000000035n, '<p>zoom.us/j/55566677788</p>'));
    const before = tagRequests(first).length;
    const resumed = await crawl();
    // 99999999999999000 is as old to the millisecond: inside the overlap, read again, stored once.
    expect(resumed).toMatchObject({ status: 'succeeded', pages: 3, posts: 47, references: 3 });
    expect(tagRequests(first).slice(before)).toEqual([{ limit: '40' }, { limit: '40', max_id: '99999999999999996' }, { limit: '40', max_id: '99999999999999000' }]);
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(100000000000000035n), walk: null });
    expect(count(store.db, 'posts')).toBe(3);
  });

  it('a backlog deeper than one run reads is read over the next runs, each status once, the cursor never past an unread one', async () => {
    const statuses = [status(snowflake(T0), '<p>zoom.us/j/11122233344</p>')];
    tagA = (request, response) => timeline(statuses, request, response);
    await crawl();
    const backlog = linked(T0 + 3_600_000, 500);
    statuses.push(...backlog);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push({ summary: await crawl(), stored: new Set(storedUris()), raw: cursor(`${host(first)}#zoom`)! });
    expect(new Set(storedUris()).size).toBe(501);
    // 400 statuses; the 100 left with the one at the floor, and the empty answer after it; then the newest again.
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 5], ['succeeded', 1]]);
    for (const run of runs) {
      const { read, walk } = JSON.parse(run.raw) as ReturnType<typeof walkCursor>;
      const claimed = backlog.filter((s) => (read && BigInt(s.id) <= BigInt(read.id)) || (walk && BigInt(s.id) >= BigInt(walk.oldest.id) && BigInt(s.id) <= BigInt(walk.newest.id)));
      expect(claimed.filter((s) => !run.stored.has(s.uri as string)).map((s) => s.id)).toEqual([]);
    }
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(backlog.at(-1)!.id), walk: null });
  });

  it('a remote status federated late (its id backdated below the cursor) and one posted while pages are read are read next run', async () => {
    const statuses = [status(snowflake(T0), '<p>zoom.us/j/11122233344</p>'), ...linked(T0 - 200_000, 60, 1000)];
    let posted = false;
    tagA = (request, response) => {
      timeline(statuses, request, response);
      if (!posted) statuses.push(status(snowflake(T0 + 5000), '<p>new zoom.us/j/22233344455</p>'));
      posted = true;
    };
    await crawl();
    expect(count(store.db, 'posts')).toBe(61);
    // Written a minute before the cursor on another server, delivered now: Mastodon gives it an id of its own time.
    statuses.push(status(snowflake(T0 - 60_000, 7), '<p>late zoom.us/j/33344455566</p>', { uri: 'https://other.example.net/users/kid1/statuses/99' }));
    await crawl();
    expect(storedUris()).toEqual(expect.arrayContaining(['https://other.example.net/users/kid1/statuses/99', statuses.at(-2)!.uri]));
    expect(count(store.db, 'posts')).toBe(63);
  });

  it('an instance that no longer holds the statuses down to the cursor logs the gap once, with its size', async () => {
    const statuses = [status(snowflake(T0), '<p>zoom.us/j/11122233344</p>')];
    tagA = (request, response) => timeline(statuses, request, response);
    await crawl();
    // The instance purged what it held before these.
    statuses.splice(0, statuses.length, ...linked(T0 + 86_400_000, 30));
    const { log, entries } = capturedLogger();
    await crawl({ log });
    await crawl({ log });
    expect(entries().filter((entry) => entry.level === 40)).toEqual([
      expect.objectContaining({ scope: `${host(first)}#zoom`, after: `${markOf(snowflake(T0)).at} ${snowflake(T0)}`, before: `${markOf(statuses[0]!.id).at} ${statuses[0]!.id}`, seconds: 86_400 }),
    ]);
    expect(count(store.db, 'posts')).toBe(31);
  });

  it('reads the cursor of the version before walk cursors (the newest status id)', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('mastodon', ?, ?, ?)").run(`${host(first)}#zoom`, String(snowflake(T0)), new Date().toISOString());
    const statuses = [status(snowflake(T0 + 60_000), '<p>zoom.us/j/70000000002</p>'), status(snowflake(T0), '<p>zoom.us/j/70000000001</p>'), status(snowflake(T0 - 3_600_000), '<p>zoom.us/j/70000000000</p>')];
    tagA = (request, response) => timeline(statuses, request, response);
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(snowflake(T0 + 60_000)), walk: null });
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on below it', async () => {
    const statuses = [status(snowflake(T0), '<p>zoom.us/j/11122233344</p>')];
    tagA = (request, response) => timeline(statuses, request, response);
    await crawl();
    const backlog = linked(T0 + 3_600_000, 60);
    statuses.push(...backlog);
    tagA = (request, response) => {
      if (new URL(request.url!, 'http://x').searchParams.has('max_id')) return void response.writeHead(500).end();
      timeline(statuses, request, response);
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(snowflake(T0)), walk: { newest: markOf(backlog[59]!.id), oldest: markOf(backlog[20]!.id), next: null } });
    tagA = (request, response) => timeline(statuses, request, response);
    const before = tagRequests(first).length;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 3 });
    // Below where it stopped, to the timeline's end; then the newest down to ten minutes below the new floor.
    expect(tagRequests(first).slice(before)).toEqual([{ limit: '40', max_id: backlog[20]!.id }, { limit: '40', max_id: String(snowflake(T0)) }, { limit: '40' }]);
    expect(count(store.db, 'posts')).toBe(61);
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(backlog[59]!.id), walk: null });
  });

  it('one failing instance does not lose the pages of the others, and the run fails naming it', async () => {
    tagA = (_request, response) => void response.writeHead(500).end();
    tagB = (request, response) => timeline([status(113500000000000007n, '<p>zoom.us/j/12312312312</p>')], request, response);
    const summary = await crawl({ instances: [first.url, second.url] });
    expect(summary).toMatchObject({ status: 'failed', pages: 2, references: 1 });
    expect(summary.error).toContain(host(first));
    expect(summary.error).not.toContain(host(second));
    expect(walkCursor(`${host(second)}#zoom`)).toEqual({ read: markOf(113500000000000007n), walk: null });
    expect(cursor(`${host(first)}#zoom`)).toBeUndefined();
    expect(count(store.db, 'posts')).toBe(1);
    expect(sourceHealth(store.db, ['mastodon'])[0]).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringContaining(host(first)) });
  });

  it('malformed JSON from the second instance keeps the first one’s pages and is reported as a parse error with its host', async () => {
    tagA = (request, response) => timeline([status(113500000000000008n, '<p>zoom.us/j/32132132132</p>')], request, response);
    tagB = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>We are upgrading, back soon</html>');
    const summary = await crawl({ instances: [first.url, second.url] });
    expect(summary).toMatchObject({ status: 'failed', parseError: true, pages: 2, error: expect.stringMatching(/expected JSON/) });
    expect(summary.error).toContain(host(second));
    expect(walkCursor(`${host(first)}#zoom`)).toEqual({ read: markOf(113500000000000008n), walk: null });
    expect(cursor(`${host(second)}#zoom`)).toBeUndefined();
    expect(count(store.db, 'posts')).toBe(1);
  });

  it('an answer of the wrong shape is a ParseError naming the host; repeated, it warns of a changed API', async () => {
    tagA = (_request, response) => json(response, { error: 'This method requires an authenticated user' });
    for (let i = 0; i < 3; i++) {
      expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: `${host(first)}: /api/v1/timelines/tag/zoom answered {"error":"This method requires an authenticated user"}, not an array of statuses` });
    }
    expect(cursor(`${host(first)}#zoom`)).toBeUndefined();
    expect(sourceHealth(store.db, ['mastodon'])[0]).toMatchObject({ consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    tagA = (request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      timeline([status(113500000000000009n, '<p>zoom.us/j/44455566677</p>')], request, response);
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1, references: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a hanging instance hits the timeout and fails the run', async () => {
    tagA = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the API', async () => {
    first.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /api/\n'));
    tagA = (request, response) => timeline([], request, response);
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/api\/v1\/timelines\/tag\/zoom/) });
    expect(tagRequests(first)).toHaveLength(0);
  });

  it('with a token, searches the first instance only, newest first, back with max_id, down to ten minutes below the cursor', async () => {
    tagA = (request, response) => timeline([], request, response);
    const found = [status(snowflake(T0), '<p>join <a href="https://westfield.zoom.us/j/84512397260">here</a></p>')];
    // As Mastodon's search answers: newest first, below max_id.
    searchA = (request, response) => {
      const maxId = new URL(request.url!, 'http://x').searchParams.get('max_id');
      json(response, { accounts: [], statuses: [...found].sort(byIdDesc).filter((s) => maxId === null || BigInt(s.id) < BigInt(maxId)).slice(0, 40), hashtags: [] });
    };
    expect(await crawl({ instances: [first.url, second.url], queries: ['westfield.zoom.us'], token: 'secret-token' })).toMatchObject({ status: 'succeeded', references: 1 });
    const searches = () => first.requests.filter((r) => r.url.startsWith('/api/v2/search'));
    expect(searches()).toHaveLength(2);
    expect(searches()[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(Object.fromEntries(new URL(searches()[0]!.url, 'http://x').searchParams)).toEqual({ q: 'westfield.zoom.us', type: 'statuses', resolve: 'false', limit: '40' });
    expect(new URL(searches()[1]!.url, 'http://x').searchParams.get('max_id')).toBe(String(snowflake(T0)));
    expect(second.requests.some((r) => r.url.startsWith('/api/v2/search') || r.headers.authorization)).toBe(false);
    expect(walkCursor(`${host(first)} search:westfield.zoom.us`)).toEqual({ read: markOf(snowflake(T0)), walk: null });

    found.push(...linked(T0 + 60_000, 45), status(snowflake(T0 - 3_600_000), '<p>zoom.us/j/77788899900</p>'));
    // The hashtag's empty page, then two of search: the second ends an hour below the cursor.
    expect(await crawl({ queries: ['westfield.zoom.us'], token: 'secret-token' })).toMatchObject({ status: 'succeeded', pages: 3, posts: 46, references: 46 });
    expect(count(store.db, 'posts')).toBe(46);
    expect(walkCursor(`${host(first)} search:westfield.zoom.us`)).toEqual({ read: markOf(snowflake(T0 + 45 * 60_000)), walk: null });
  });

  it('without a token, does not search', async () => {
    tagA = (request, response) => timeline([], request, response);
    expect(await crawl({ queries: ['westfield.zoom.us'] })).toMatchObject({ status: 'succeeded' });
    expect(first.requests.some((r) => r.url.startsWith('/api/v2/search'))).toBe(false);
  });
});
