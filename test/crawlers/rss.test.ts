import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rss } from '../../crawlers/rss.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { capturedLogger } from '../support/logger.js';
import { school, tempStore, type TestStore } from '../support/store.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/rss/${name}`, import.meta.url), 'utf8');
const NOTICES = fixture('class-notices.rss.xml');
const BLOG = fixture('student-blog.atom.xml');

/** An Atom entry in the fixture's markup. */
const entry = (slug: string, published: string, html: string) => `<entry>
    <title>${slug}</title>
    <link rel="alternate" type="text/html" href="https://blog.hillcrest-students.example/2026/09/${slug}/"/>
    <id>tag:blog.hillcrest-students.example,2026-09-21:/2026/09/${slug}</id>
    <published>${published}</published>
    <updated>${published}</updated>
    <author><name>Media Club</name></author>
    <content type="html">${html.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</content>
  </entry>
  `;
const withEntries = (...entries: string[]) => BLOG.replace('<entry>', `${entries.join('')}<entry>`);

let server: TestHttpServer;
let store: TestStore;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer();
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

/** Serves a feed as a static file server would: ETag and Last-Modified, 304 when they match. */
function serveFeed(path: string, body: () => string, type = 'application/rss+xml; charset=utf-8') {
  server.route(path, function feed(request: IncomingMessage, response: ServerResponse) {
    const text = body();
    const etag = `"${Buffer.from(text).length.toString(16)}-${text.length}"`;
    if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
    response.writeHead(200, { 'content-type': type, etag, 'last-modified': 'Mon, 21 Sep 2026 11:30:00 GMT' }).end(text);
  });
}

let http: HttpClient | undefined;
afterEach(() => {
  http = undefined;
});

function crawl(paths: string[], log: Logger = createLogger({ level: 'silent' })) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.rss = { ...config.sources.rss, enabled: true, feeds: paths.map((p) => server.url + p), requestIntervalMs: 0 };
  // One client across runs, as the daemon keeps one: it remembers each feed's validators.
  http ??= new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: rss as Crawler, config, secrets, http, log });
}

const cursor = (path: string) => {
  const stored = store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'rss' AND scope = ?").pluck().get(`feed:${server.url}${path}`) as string | undefined;
  return stored === undefined ? undefined : JSON.parse(stored);
};
const stored = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'rss' ORDER BY id").pluck().all();

describe('RSS and Atom crawler', () => {
  it('a feed it could not read is fetched in full again next time, not answered 304 and taken as unchanged', async () => {
    serveFeed('/broken.rss', () => '<html><body>Feed moved</body></html>');
    expect(await crawl(['/broken.rss'])).toMatchObject({ status: 'failed' });
    expect(await crawl(['/broken.rss'])).toMatchObject({ status: 'failed' });
    expect(server.requests.filter((r) => r.url === '/broken.rss').map((r) => r.headers['if-none-match'] ?? null)).toEqual([null, null]);
  });

  it('reads an RSS 2.0 feed: links from hrefs in the HTML, the guid as id, and the newest date with the ids of its day as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    serveFeed('/c/class-notices.rss', () => NOTICES);

    expect(await crawl(['/c/class-notices.rss'])).toMatchObject({ status: 'succeeded', pages: 1, posts: 3, leaks: 1 });
    // A bare guid is unique only within its feed; a permalink guid is unique anywhere.
    expect(stored()).toEqual([`${server.url}/c/class-notices.rss forum.riverside-parents.example-topic-4812`, 'https://forum.riverside-parents.example/t/revision-session/4807']);
    const post = store.db.prepare('SELECT url, author, created_at, text FROM posts ORDER BY id LIMIT 1').get() as Record<string, string>;
    expect(post).toMatchObject({ url: 'https://forum.riverside-parents.example/t/year-9-history-moved-online/4812', author: 'jpatel', created_at: '2026-09-21T10:05:00.000Z' });
    expect(post.text).toMatch(/^Year 9 history moved online\nLesson is online today/);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
    // Every item dated within a day of the newest keeps its id.
    expect(cursor('/c/class-notices.rss')).toEqual({
      newest: '2026-09-21T10:05:00.000Z',
      ids: ['forum.riverside-parents.example-topic-4811', 'forum.riverside-parents.example-topic-4812', 'https://forum.riverside-parents.example/t/revision-session/4807'],
    });
  });

  it('reads an Atom feed: html, xhtml and text content, and every item sharing the newest second in the cursor', async () => {
    serveFeed('/feed.atom', () => BLOG, 'application/atom+xml');
    expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'succeeded', posts: 3 });
    expect(stored()).toEqual(['tag:blog.hillcrest-students.example,2026-09-21:/2026/09/assembly-livestream', 'tag:blog.hillcrest-students.example,2026-09-21:/2026/09/photo-club']);
    // The stored text is the post's text and then its links.
    expect(store.db.prepare('SELECT text FROM posts ORDER BY id LIMIT 1').pluck().get()).toMatch(/^Assembly livestream\nCan't make it in person\? Join the livestream on Teams\.\nhttps:\/\/blog\.hillcrest/);
    expect(store.db.prepare('SELECT platform, meeting_id FROM sightings ORDER BY id').all()).toEqual([
      { platform: 'teams', meeting_id: expect.stringContaining('19:meeting_NjU4ZDc5YjQ') },
      { platform: 'zoom', meeting_id: '71234567890' },
    ]);
    expect(cursor('/feed.atom')).toEqual({
      newest: '2026-09-21T11:30:00.000Z',
      ids: ['tag:blog.hillcrest-students.example,2026-09-21:/2026/09/assembly-livestream', 'tag:blog.hillcrest-students.example,2026-09-21:/2026/09/photo-club'],
    });
  });

  it('an Atom comment feed entry replies to the entry its thr:in-reply-to names (RFC 4685): its passcode joins that entry\'s leak', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '71234567890', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    const photoClub = 'tag:blog.hillcrest-students.example,2026-09-21:/2026/09/photo-club';
    const comment = (n: number, html: string, inReplyTo: string | null) => `<entry>
    <title>Comment on Photo club results by guest${n}</title>
    <link rel="alternate" type="text/html" href="https://blog.hillcrest-students.example/2026/09/photo-club/#comment-${n}"/>
    <id>${photoClub}#comment-${n}</id>
    <published>2026-09-21T12:0${n}:00Z</published>
    <author><name>guest${n}</name></author>
    ${inReplyTo === null ? '' : `<thr:in-reply-to ref="${inReplyTo}" href="https://blog.hillcrest-students.example/2026/09/photo-club/" type="text/html"/>`}
    <content type="html">${html}</content>
  </entry>`;
    const comments = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <title>Comments on: Hillcrest Student Blog</title>
  <id>tag:blog.hillcrest-students.example,2026:comments</id>
  <updated>2026-09-21T12:02:00Z</updated>
  ${comment(2, '&lt;p&gt;pw is 735194&lt;/p&gt;', photoClub)}
  ${comment(1, '&lt;p&gt;the passcode is 111111&lt;/p&gt;', null)}
</feed>`;
    serveFeed('/feed.atom', () => BLOG, 'application/atom+xml');
    serveFeed('/comments.atom', () => comments, 'application/atom+xml');
    expect(await crawl(['/comments.atom', '/feed.atom'])).toMatchObject({ status: 'succeeded', pages: 2, leaks: 1 });
    // The comment is read before the post it answers, waits, and joins it; the one that answers nothing is not kept.
    expect(store.db.prepare("SELECT source_id, reply_to FROM posts WHERE source_id LIKE '%photo-club%' ORDER BY id").all()).toEqual([
      { source_id: `${photoClub}#comment-2`, reply_to: photoClub },
      { source_id: photoClub, reply_to: null },
    ]);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '71234567890', sightings: 2, severity: 'high' });
  });

  it('resumes: an unchanged feed is a 304 and yields nothing; a changed one yields only items after the cursor, including one in its second', async () => {
    let body = BLOG;
    serveFeed('/feed.atom', () => body, 'application/atom+xml');
    expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'succeeded', posts: 3 });

    const second = await crawl(['/feed.atom']);
    expect(second).toMatchObject({ status: 'succeeded', pages: 0, posts: 0 });
    expect(server.requests.at(-1)!.headers['if-none-match']).toMatch(/^"/);

    body = withEntries(
      entry('late-notice', '2026-09-21T12:00:00Z', 'moved to <a href="https://westfield.zoom.us/j/22233344455">this room</a>'),
      entry('same-second', '2026-09-21T11:30:00Z', 'also <a href="https://westfield.zoom.us/j/33344455566">this one</a>'),
    );
    const third = await crawl(['/feed.atom']);
    expect(third).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(stored().slice(2)).toEqual(['tag:blog.hillcrest-students.example,2026-09-21:/2026/09/late-notice', 'tag:blog.hillcrest-students.example,2026-09-21:/2026/09/same-second']);
    expect(cursor('/feed.atom')).toEqual({
      newest: '2026-09-21T12:00:00.000Z',
      ids: ['assembly-livestream', 'late-notice', 'photo-club', 'same-second'].map((slug) => `tag:blog.hillcrest-students.example,2026-09-21:/2026/09/${slug}`),
    });
  });

  it('an item that shows up after newer ones, dated before the newest read (approved late), is read next run', async () => {
    let body = BLOG;
    serveFeed('/feed.atom', () => body, 'application/atom+xml');
    await crawl(['/feed.atom']);
    body = withEntries(entry('held-for-review', '2026-09-21T09:00:00Z', 'parents: <a href="https://westfield.zoom.us/j/44455566600">room</a>'));
    expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(stored().at(-1)).toBe('tag:blog.hillcrest-students.example,2026-09-21:/2026/09/held-for-review');
  });

  it('a feed that rolled over everything read before logs the gap once, with its size', async () => {
    let body = BLOG;
    serveFeed('/feed.atom', () => body, 'application/atom+xml');
    await crawl(['/feed.atom']);
    // Ten items later the feed holds only the newest three.
    body = BLOG.replace(/<entry>[\s\S]*<\/entry>/, ['2026-09-23T08:00:00Z', '2026-09-23T09:00:00Z', '2026-09-23T10:00:00Z'].map((date, i) => entry(`later-${i}`, date, `room <a href="https://westfield.zoom.us/j/4445556661${i}">here</a>`)).join(''));
    const { log, entries } = capturedLogger();
    expect(await crawl(['/feed.atom'], log)).toMatchObject({ status: 'succeeded', posts: 3 });
    expect(await crawl(['/feed.atom'], log)).toMatchObject({ status: 'succeeded', posts: 0 });
    expect(entries().filter((e) => e.level === 40)).toEqual([
      expect.objectContaining({ feed: `${server.url}/feed.atom`, after: '2026-09-21T11:30:00.000Z', before: '2026-09-23T08:00:00.000Z', seconds: 160_200, items: 3 }),
    ]);
  });

  it('reads the cursor of the version before (the ids of the newest date only): the day before it is read again, and stored once', async () => {
    serveFeed('/c/class-notices.rss', () => NOTICES);
    const feed = `${server.url}/c/class-notices.rss`;
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('rss', ?, ?, ?)").run(`feed:${feed}`, JSON.stringify({ newest: '2026-09-21T10:05:00.000Z', ids: ['forum.riverside-parents.example-topic-4812'] }), new Date().toISOString());
    expect(await crawl(['/c/class-notices.rss'])).toMatchObject({ status: 'succeeded', posts: 2 });
    expect(cursor('/c/class-notices.rss').ids).toHaveLength(3);
    expect(await crawl(['/c/class-notices.rss'])).toMatchObject({ status: 'succeeded', posts: 0 });
  });

  it('an item of 100,000 nested <div>s holds the crawl for no time: it and the items after it are read', async () => {
    // Markup that deep is read as its text only, so the link is the one written out.
    const deep = `${'<div>'.repeat(100_000)}join https://westfield.zoom.us/j/44455566677 ${'</div>'.repeat(100_000)}`;
    serveFeed('/feed.atom', () => withEntries(entry('deep-markup', '2026-09-21T12:00:00Z', deep)), 'application/atom+xml');
    const started = performance.now();
    expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'succeeded', posts: 4 });
    // Before the markup was bounded, this entry alone kept the crawl busy for minutes.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(store.db.prepare('SELECT meeting_id FROM sightings ORDER BY id').pluck().all()).toContain('44455566677');
  });

  it('reads an RSS 1.0 (RDF) feed and keeps undated items by id', async () => {
    let items = ['a'];
    const rdf = () => `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://noticeboard.example/rss"><title>Noticeboard</title><link>https://noticeboard.example/</link><description>Notices</description></channel>
  ${items.map((id) => `<item rdf:about="https://noticeboard.example/n/${id}"><title>Notice ${id}</title><link>https://noticeboard.example/n/${id}</link><description>join zoom.us/j/1112223334${id.charCodeAt(0) % 10}</description></item>`).join('\n  ')}
</rdf:RDF>`;
    serveFeed('/rss', rdf, 'application/rdf+xml');
    expect(await crawl(['/rss'])).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(cursor('/rss')).toEqual({ newest: null, ids: ['https://noticeboard.example/n/a'] });
    items = ['b', 'a'];
    expect(await crawl(['/rss'])).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(stored()).toEqual(['https://noticeboard.example/n/a', 'https://noticeboard.example/n/b']);
  });

  it('a page that is not a feed fails the run with a clear parse error and leaves the cursor; repeated, it warns', async () => {
    server.route('/feed.atom', (_request, response) =>
      void response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><head><title>Moved</title></head><body><p>Our blog has moved!</p></body></html>'),
    );
    for (let i = 0; i < 3; i++) {
      expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/\/feed\.atom is not an RSS or Atom feed \(its root element is <html>\)/) });
    }
    expect(cursor('/feed.atom')).toBeUndefined();
    expect(sourceHealth(store.db, ['rss'])[0]).toMatchObject({ consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('a feed that fails does not stop the others', async () => {
    serveFeed('/feed.atom', () => BLOG, 'application/atom+xml');
    expect(await crawl(['/gone.rss', '/feed.atom'])).toMatchObject({ status: 'failed', error: expect.stringMatching(/\/gone\.rss: HTTP 404/) });
    expect(stored()).toHaveLength(2);
    expect(cursor('/feed.atom')).toMatchObject({ newest: '2026-09-21T11:30:00.000Z' });
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    server.route('/feed.atom', (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      response.writeHead(200, { 'content-type': 'application/atom+xml' }).end(BLOG);
    });
    const started = Date.now();
    expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'succeeded', posts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    const started = Date.now();
    expect(await crawl(['/hang'])).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the feed', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /feed\n'));
    serveFeed('/feed.atom', () => BLOG, 'application/atom+xml');
    expect(await crawl(['/feed.atom'])).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/feed\.atom/) });
    expect(server.requests.filter((r) => r.url === '/feed.atom')).toHaveLength(0);
  });
});

describe('the crawl lease', () => {
  it('a source another process is crawling is skipped, saying who; a run its process left open is closed as interrupted', async () => {
    serveFeed('/notices.rss', () => NOTICES);
    // A daemon on another machine holds rss's crawl lease, and has a run open.
    store.db.prepare("INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at) VALUES ('crawl:rss', '4242@elsewhere.example/ab12', ?, ?, ?)").run(
      new Date().toISOString(),
      new Date().toISOString(),
      new Date(Date.now() + 60_000).toISOString(),
    );
    store.db.prepare("INSERT INTO crawl_runs (source, started_at, status) VALUES ('rss', ?, 'running')").run(new Date().toISOString());
    const skipped = await crawl(['/notices.rss']);
    expect(skipped).toMatchObject({ status: 'skipped', pages: 0, heldBy: expect.stringMatching(/^pid 4242 on elsewhere\.example .*until /) });
    expect(server.requests).toHaveLength(0);

    // The lease runs out (that daemon died): the next run takes it, and closes the run it left.
    store.db.prepare("UPDATE leases SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    expect(await crawl(['/notices.rss'])).toMatchObject({ status: 'succeeded', pages: 1 });
    const runs = store.db.prepare("SELECT status, error_kind FROM crawl_runs WHERE source = 'rss' ORDER BY id").all();
    expect(runs).toEqual([
      { status: 'failed', error_kind: 'interrupted' },
      { status: 'succeeded', error_kind: null },
    ]);
    expect(store.db.prepare('SELECT count(*) FROM leases').pluck().get()).toBe(0);
  });
});
