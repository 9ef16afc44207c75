import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discourse } from '../../crawlers/discourse.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { capturedLogger } from '../support/logger.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

const POST = JSON.parse(readFileSync(new URL('../fixtures/discourse/post.json', import.meta.url), 'utf8')) as Record<string, unknown>;

type LatestPost = Record<string, unknown> & { id: number };

/** A `latest_posts` item as Discourse serialises it. */
function post(id: number, cooked = '<p>Thanks, that worked for our lab machines too.</p>', extra: Record<string, unknown> = {}): LatestPost {
  const topicId = 800 + (id % 7);
  const postNumber = (id % 5) + 1;
  return { ...structuredClone(POST), id, cooked, raw: cooked.replace(/<[^>]+>/g, ''), topic_id: topicId, post_number: postNumber, post_url: `/t/projector-keeps-dropping-hdmi/${topicId}/${postNumber}`, ...extra };
}

/** `/posts.json` as Discourse's LatestPostsQuery answers it: public posts with an id below `before`, newest first, 50 at most. */
function latest(posts: LatestPost[], request: IncomingMessage, response: ServerResponse): void {
  const before = Number(new URL(request.url!, 'http://x').searchParams.get('before') ?? 0);
  const page = [...posts].sort((a, b) => b.id - a.id).filter((p) => before <= 0 || p.id < before).slice(0, 50);
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=60, public' }).end(JSON.stringify({ latest_posts: page }));
}

const filler = (fromId: number, n: number) => Array.from({ length: n }, (_, i) => post(fromId + i));

let first: TestHttpServer;
let second: TestHttpServer;
let store: TestStore;
let postsA: (request: IncomingMessage, response: ServerResponse) => void;
let postsB: (request: IncomingMessage, response: ServerResponse) => void;
beforeEach(async () => {
  store = tempStore();
  postsB = (request, response) => latest([], request, response);
  first = await startHttpServer({ '/posts.json': (request, response) => postsA(request, response) });
  // The second forum lives under a path, as subfolder installs do.
  second = await startHttpServer({ '/forum/posts.json': (request, response) => postsB(request, response) });
});
afterEach(async () => {
  await Promise.all([first.close(), second.close()]);
  store.cleanup();
});

function crawl(instances = [first.url], log: Logger = createLogger({ level: 'silent' })) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.discourse = { ...config.sources.discourse, enabled: true, instances, requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: discourse as Crawler, config, secrets, http, log });
}

const host = (server: TestHttpServer) => new URL(server.url).host;
const cursor = (scope: string) => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'discourse' AND scope = ?").pluck().get(scope) as string | undefined;
type StoredMark = { at: null; id: string };
const walkCursor = (scope: string) => JSON.parse(cursor(scope)!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
const read = (id: number) => ({ read: { at: null, id: String(id) }, walk: null });
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'discourse'").pluck().all() as string[];
const linked = (fromId: number, n: number) => Array.from({ length: n }, (_, i) => post(fromId + i, `<p>room zoom.us/j/${85_000_000_000 + fromId + i}</p>`));
const befores = (server: TestHttpServer) => server.requests.filter((r) => r.url.includes('posts.json')).map((r) => new URL(r.url, 'http://x').searchParams.get('before'));
const meetingIds = () => store.db.prepare('SELECT meeting_id FROM sightings ORDER BY meeting_id').pluck().all();

describe('Discourse crawler', () => {
  it('walks /posts.json back with before=, reads links from the cooked hrefs, and keeps the highest id', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    const posts = [
      post(5000, '<p>Parents evening is online: <a href="https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ" class="inline-onebox">Join our Cloud HD Video Meeting</a></p>', {
        post_number: 1,
        topic_id: 901,
        topic_slug: 'parents-evening-online',
        topic_title: 'Parents evening moves online',
        username: 'mr_ortega',
        created_at: '2025-03-05T18:00:00.000Z',
      }),
      post(4999, '<p>Study room: <a href="https://meet.google.com/abc-defg-hij">here</a></p>'),
      post(4998, '<p>zoom.us/j/12312312312</p>', { hidden: true }),
      ...filler(4900, 52),
    ];
    postsA = (request, response) => latest(posts, request, response);
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 3, posts: 54, references: 2, leaks: 1 });
    expect(befores(first)).toEqual([null, '4905', '4900']);
    expect(walkCursor(host(first))).toEqual(read(5000));
    expect(meetingIds()).toEqual(['84512397260', 'abc-defg-hij']);
    expect(store.db.prepare('SELECT source_id, url, author, created_at, text FROM posts WHERE source_id LIKE ?').get('%/p/5000')).toEqual({
      source_id: `${host(first)}/p/5000`,
      url: `${first.url}/t/parents-evening-online/901/1`,
      author: 'mr_ortega',
      created_at: '2025-03-05T18:00:00.000Z',
      // The visible text has only the link's title; the stored post appends the href (passcode masked).
      text: 'Parents evening moves online\nParents evening is online: Join our Cloud HD Video Meeting\nhttps://westfield.zoom.us/j/84512397260?pwd=•••••••••',
    });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260', severity: 'high' });
  });

  describe('replies (reply_to_post_number is a number in the topic, posts are known by their id)', () => {
    const topicRequests = () => first.requests.filter((r) => r.url.startsWith('/t/')).map((r) => r.url);
    const meeting = '<p>year 9 maths, Zoom meeting ID: 861 2290 4418</p>';
    let org: number;
    beforeEach(() => {
      org = school(store, 'Westfield High', 'westfield.example');
      store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    });

    it('a parent read this run gives its id without asking for it', async () => {
      const parent = post(6000, meeting, { topic_id: 901, post_number: 2, post_url: '/t/maths/901/2' });
      const reply = post(6001, '<p>pw is 735194</p>', { topic_id: 901, post_number: 3, reply_to_post_number: 2, post_url: '/t/maths/901/3' });
      postsA = (request, response) => latest([reply, parent], request, response);
      expect(await crawl()).toMatchObject({ status: 'succeeded', references: 1, leaks: 1 });
      expect(topicRequests()).toEqual([]);
      expect(store.db.prepare("SELECT reply_to FROM posts WHERE source_id = ?").pluck().get(`${host(first)}/p/6001`)).toBe(`${host(first)}/p/6000`);
      expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 2, severity: 'high' });
    });

    it("a reply with a passcode to a post read before: the parent's id comes from the topic's posts before it", async () => {
      const reply = post(7003, '<p>pw is 735194</p>', { topic_id: 902, post_number: 4, reply_to_post_number: 2, post_url: '/t/maths/902/4' });
      const question = post(7004, '<p>which period?</p>', { topic_id: 902, post_number: 5, reply_to_post_number: 1, post_url: '/t/maths/902/5' });
      postsA = (request, response) => latest([question, reply], request, response);
      // As `/t/<topic>/posts.json?post_number=3` answers: the posts numbered below 3, newest first.
      first.route('/t/902/posts.json', (_request, response) =>
        void response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(
          JSON.stringify({
            post_stream: {
              posts: [
                { ...post(7001, meeting), topic_id: 902, post_number: 2, topic_slug: 'maths', post_url: '/t/maths/902/2', reply_to_post_number: null, posts_count: 4 },
                { ...post(7000, '<p>maths thread</p>'), topic_id: 902, post_number: 1, topic_slug: 'maths', post_url: '/t/maths/902/1', posts_count: 4 },
              ],
            },
            id: 902,
          }),
        ),
      );
      expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 3, references: 1, leaks: 1 });
      expect(topicRequests()).toEqual(['/t/902/posts.json?post_number=3']);
      expect(store.db.prepare('SELECT source_id, reply_to, url, text FROM posts ORDER BY id').all()).toEqual([
        { source_id: `${host(first)}/p/7001`, reply_to: null, url: `${first.url}/t/maths/902/2`, text: 'year 9 maths, Zoom meeting ID: 861 2290 4418' },
        { source_id: `${host(first)}/p/7003`, reply_to: `${host(first)}/p/7001`, url: `${first.url}/t/projector-keeps-dropping-hdmi/902/4`, text: 'pw is ••••••' },
      ]);
      expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ sightings: 2, severity: 'high' });
    });
  });

  it('resumes after the highest id without duplicates or gaps', async () => {
    const posts = [post(6000, '<p>zoom.us/j/11122233344</p>')];
    postsA = (request, response) => latest(posts, request, response);
    await crawl();
    expect(befores(first)).toEqual([null, '6000']);
    // 60 new posts: one full page, then the walk reaches the cursor on the next.
    posts.push(...filler(6001, 59), post(6060, '<p>zoom.us/j/55566677788</p>'));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2, posts: 60, references: 1 });
    expect(befores(first).slice(2)).toEqual([null, '6011']);
    expect(count(store.db, 'posts')).toBe(2);
    expect(walkCursor(host(first))).toEqual(read(6060));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 0 });
    expect(befores(first).slice(4)).toEqual([null]);
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on before it', async () => {
    const posts = [post(7100, '<p>zoom.us/j/99988877766</p>'), ...filler(7050, 49), post(7000, '<p>zoom.us/j/12312312399</p>')];
    let failing = true;
    postsA = (request, response) => {
      if (new URL(request.url!, 'http://x').searchParams.has('before') && failing) return void response.writeHead(500).end();
      latest(posts, request, response);
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor(host(first))).toEqual({ read: null, walk: { newest: { at: null, id: '7100' }, oldest: { at: null, id: '7050' }, next: null } });
    expect(count(store.db, 'posts')).toBe(1);
    failing = false;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 3 });
    // Before where it stopped, to the end; then the newest, which is the floor.
    expect(befores(first).slice(-3)).toEqual(['7050', '7000', null]);
    expect(count(store.db, 'posts')).toBe(2);
    expect(walkCursor(host(first))).toEqual(read(7100));
  });

  it('a backlog deeper than one run reads is read over the next runs, each post once, the cursor never past an unread one', async () => {
    const posts = [post(1000, '<p>zoom.us/j/11122233344</p>')];
    postsA = (request, response) => latest(posts, request, response);
    await crawl();
    const backlog = linked(2000, 700);
    posts.push(...backlog);
    let posted = false;
    postsA = (request, response) => {
      latest(posts, request, response);
      // Posted while the walk pages back: read by a later run.
      if (!posted) posts.push(post(9000, '<p>new zoom.us/j/86000000001</p>'));
      posted = true;
    };
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push({ summary: await crawl(), stored: new Set(storedIds()), raw: cursor(host(first))! });
    expect(new Set(storedIds()).size).toBe(702);
    // 500 posts; the 200 left and the page that reaches the floor; then the newest.
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 6], ['succeeded', 1]]);
    for (const run of runs) {
      const { read: floor, walk } = JSON.parse(run.raw) as ReturnType<typeof walkCursor>;
      const claimed = backlog.filter((p) => (floor && p.id <= Number(floor.id)) || (walk && p.id >= Number(walk.oldest.id) && p.id <= Number(walk.newest.id)));
      expect(claimed.filter((p) => !run.stored.has(`${host(first)}/p/${p.id}`)).map((p) => p.id)).toEqual([]);
    }
    expect(walkCursor(host(first))).toEqual(read(9000));
  });

  it('a forum whose /posts.json no longer reaches back to the cursor logs the gap once, with its size', async () => {
    const posts = [post(1000, '<p>zoom.us/j/11122233344</p>')];
    postsA = (request, response) => latest(posts, request, response);
    await crawl();
    posts.splice(0, 1, ...linked(1200, 20));
    const { log, entries } = capturedLogger();
    await crawl([first.url], log);
    await crawl([first.url], log);
    expect(entries().filter((entry) => entry.level === 40)).toEqual([expect.objectContaining({ scope: host(first), after: '1000', before: '1200', posts: 199 })]);
    expect(walkCursor(host(first))).toEqual(read(1219));
  });

  it('reads the cursor of the version before walk cursors (the highest post id)', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('discourse', ?, '6000', ?)").run(host(first), new Date().toISOString());
    postsA = (request, response) => latest([post(6001, '<p>zoom.us/j/60010000000</p>'), post(6000, '<p>zoom.us/j/60000000000</p>')], request, response);
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 1 });
    expect(walkCursor(host(first))).toEqual(read(6001));
  });

  it('one forum answering malformed JSON does not lose the pages of the next, and the run fails naming it', async () => {
    postsA = (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end('{"latest_posts":[{"id":');
    postsB = (request, response) => latest([post(300, '<p>zoom.us/j/32132132132</p>', { topic_slug: 'tutoring', topic_id: 12, post_number: 4 })], request, response);
    const summary = await crawl([first.url, `${second.url}/forum/`]);
    expect(summary).toMatchObject({ status: 'failed', parseError: true, pages: 2, references: 1, error: expect.stringMatching(/expected JSON/) });
    expect(summary.error).toContain(host(first));
    expect(walkCursor(`${host(second)}/forum`)).toEqual(read(300));
    expect(store.db.prepare('SELECT url FROM posts').pluck().all()).toEqual([`${second.url}/forum/t/tutoring/12/4`]);
    expect(sourceHealth(store.db, ['discourse'])[0]).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringContaining(host(first)) });
  });

  it('malformed JSON fails the run with a clear error and leaves the cursor; repeated, it warns of a changed API', async () => {
    postsA = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Discourse is being upgraded</body></html>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor(host(first))).toBeUndefined();
    expect(sourceHealth(store.db, ['discourse'])[0]).toMatchObject({ consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('an answer of the wrong shape is a ParseError naming the host', async () => {
    postsA = (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end('{"topic_list":{"topics":[]}}');
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: `${host(first)}: /posts.json answer has no latest_posts array` });
    postsA = (_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end('{"latest_posts":[{"id":1,"raw":"no cooked"}]}');
    expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: `${host(first)}: a post in /posts.json without id, topic_id, post_number or cooked` });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    postsA = (request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      latest([post(400, '<p>zoom.us/j/44455566677</p>')], request, response);
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1, references: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    postsA = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the posts list', async () => {
    first.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /posts.json\n'));
    postsA = (request, response) => latest([], request, response);
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/posts\.json/) });
    expect(befores(first)).toHaveLength(0);
  });
});
