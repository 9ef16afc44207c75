import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telegram } from '../../crawlers/telegram.js';
import { loadConfig } from '../../src/config/load.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { capturedLogger } from '../support/logger.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/telegram/${name}`, import.meta.url), 'utf8');
const NEWEST = fixture('westfield_chat-newest.html');

/**
 * A `t.me/s/westfield_chat` page holding these messages (oldest first, as
 * Telegram renders them): the fixture's page around generated message
 * blocks of the same markup, with a "more" link when older messages exist.
 */
function channelPage(ids: number[], texts: Record<number, string> = {}, replies: Record<number, number> = {}): string {
  const oldest = Math.min(...ids);
  const more = oldest > 1 ? `<a href="/s/westfield_chat?before=${oldest}" class="tme_messages_more js-messages_more" data-before="${oldest}"></a>` : '';
  const messages = ids
    .map(
      (id) => `<div class="tgme_widget_message_wrap js-widget_message_wrap">
  <div class="tgme_widget_message js-widget_message" data-post="westfield_chat/${id}" data-view="eyJwIjo${id}">
    <div class="tgme_widget_message_bubble">
      <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/westfield_chat"><span dir="auto">Westfield Class Chat</span></a></div>
      ${replies[id] === undefined ? '' : `<a class="tgme_widget_message_reply" href="https://t.me/westfield_chat/${replies[id]}"><div class="tgme_widget_message_author accent_color"><span class="tgme_widget_message_author_name" dir="auto">Westfield Class Chat</span></div><div class="tgme_widget_message_text js-message_reply_text" dir="auto">${texts[replies[id]!] ?? `message ${replies[id]}`}</div></a>`}
      <div class="tgme_widget_message_text js-message_text" dir="auto">${texts[id] ?? `message ${id}`}</div>
      <div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/westfield_chat/${id}"><time datetime="${new Date(Date.UTC(2026, 8, 22, 0, id)).toISOString().replace('.000Z', '+00:00')}" class="time">00:00</time></a></span></div></div>
    </div>
  </div>
</div>`,
    )
    .join('\n');
  const start = NEWEST.indexOf('<section class="tgme_channel_history js-message_history">');
  const end = NEWEST.indexOf('</section>', start);
  return `${NEWEST.slice(0, start)}<section class="tgme_channel_history js-message_history">${more}\n${messages}\n${NEWEST.slice(end)}`;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let server: TestHttpServer;
let store: TestStore;
let handler: (request: IncomingMessage, response: ServerResponse, before: number | null) => void;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer({
    '/s/westfield_chat': (request, response) => {
      const before = new URL(request.url!, 'http://x').searchParams.get('before');
      handler(request, response, before === null ? null : Number(before));
    },
  });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const html = (response: ServerResponse, body: string) => void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);

/** Serves a channel whose messages are `ids` (ascending), 20 a page, newest page first, as t.me does. */
function serveChannel(ids: number[], texts: Record<number, string> = {}, replies: Record<number, number> = {}) {
  handler = (_request, response, before) => {
    const older = ids.filter((id) => before === null || id < before);
    html(response, channelPage(older.slice(-20), texts, replies));
  };
}

function crawl(channels = ['westfield_chat'], log: Logger = createLogger({ level: 'silent' })) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.telegram = { ...config.sources.telegram, enabled: true, baseUrl: server.url, channels, requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: telegram as Crawler, config, secrets, http, log });
}

const cursor = (channel = 'westfield_chat') => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'telegram' AND scope = ?").pluck().get(`channel:${channel}`) as string | undefined;
type StoredMark = { at: null; id: string };
const walkCursor = (channel?: string) => JSON.parse(cursor(channel)!) as { read: StoredMark | null; walk: { newest: StoredMark; oldest: StoredMark; next: string | null } | null };
const read = (id: number) => ({ read: { at: null, id: String(id) }, walk: null });
const pageRequests = () => server.requests.filter((r) => r.url.startsWith('/s/')).map((r) => r.url);
const storedIds = () => store.db.prepare("SELECT source_id FROM posts WHERE source = 'telegram' ORDER BY id").pluck().all();

describe('Telegram crawler', () => {
  it('walks the newest page and older ones, takes links from hrefs, previews and buttons, and keeps the newest id as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    handler = (_request, response, before) => html(response, before === 41 ? fixture('westfield_chat-before-41.html') : NEWEST);

    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 2, posts: 8, leaks: 1 });
    expect(pageRequests()).toEqual(['/s/westfield_chat', '/s/westfield_chat?before=41']);
    expect(walkCursor()).toEqual(read(45));
    // 43's visible link is shortened to "westfield.zoom.us/j/845…"; 44's own text comes after the quote of 43; 45 has its link only on a button.
    expect(storedIds()).toEqual(['westfield_chat/43', 'westfield_chat/44', 'westfield_chat/45', 'westfield_chat/39']);
    expect(store.db.prepare("SELECT text FROM posts WHERE source_id = 'westfield_chat/44'").pluck().get()).toBe('lol the teacher locked it, backup room zoom.us/j/99988877766');
    expect(store.db.prepare("SELECT url, author, created_at FROM posts WHERE source_id = 'westfield_chat/43'").get()).toEqual({
      url: 'https://t.me/westfield_chat/43',
      author: 'westfield_chat',
      created_at: '2026-09-21T09:02:47.000Z',
    });
    expect(store.db.prepare('SELECT DISTINCT meeting_id FROM sightings ORDER BY meeting_id').pluck().all()).toEqual(['84512397260', '99988877766', 'abc-defg-hij', 'xyz-abcd-efg']);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
  });

  it('a reply names the message it quotes (tgme_widget_message_reply): its passcode joins the leak of the quoted meeting', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    // The fixture's 44 quotes 43.
    handler = (_request, response, before) => html(response, before === 41 ? fixture('westfield_chat-before-41.html') : NEWEST);
    await crawl();
    expect(store.db.prepare("SELECT reply_to FROM posts WHERE source_id = 'westfield_chat/44'").pluck().get()).toBe('westfield_chat/43');

    serveChannel(range(40, 52), { 50: 'history 3rd period Zoom meeting ID: 861 2290 4418', 51: 'pw is 735194', 52: 'thx' }, { 51: 50, 52: 51 });
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 7, leaks: 1 });
    expect(store.db.prepare("SELECT source_id, reply_to, text FROM posts WHERE source_id IN ('westfield_chat/50', 'westfield_chat/51') ORDER BY id").all()).toEqual([
      { source_id: 'westfield_chat/50', reply_to: null, text: 'history 3rd period Zoom meeting ID: 861 2290 4418' },
      { source_id: 'westfield_chat/51', reply_to: 'westfield_chat/50', text: 'pw is ••••••' },
    ]);
    expect(listLeaks(store.db, { orgId: org }).find((l) => l.meetingId === '86122904418')).toMatchObject({ sightings: 2, severity: 'high' });
  });

  it('resumes after the cursor: stops at the first page reaching it, and walks back as far as needed', async () => {
    const texts: Record<number, string> = { 30: 'zoom.us/j/11122233344', 46: 'zoom.us/j/22233344455', 47: 'zoom.us/j/33344455566', 49: 'zoom.us/j/44455566677', 64: 'zoom.us/j/55566677788' };
    serveChannel(range(1, 45), texts);
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 3, posts: 45 });
    expect(walkCursor()).toEqual(read(45));

    serveChannel(range(1, 47), texts);
    server.requests.length = 0;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(pageRequests()).toEqual(['/s/westfield_chat']);
    expect(walkCursor()).toEqual(read(47));

    // 23 new messages: the newest page (51..70) does not reach back to 47, so one older page is read.
    serveChannel(range(1, 70), texts);
    server.requests.length = 0;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2, posts: 23 });
    expect(pageRequests()).toEqual(['/s/westfield_chat', '/s/westfield_chat?before=51']);
    expect(walkCursor()).toEqual(read(70));
    expect(storedIds()).toEqual(['westfield_chat/30', 'westfield_chat/46', 'westfield_chat/47', 'westfield_chat/64', 'westfield_chat/49']);
  });

  it('a failure mid-walk keeps the pages committed and where the walk stopped: the next run goes on before it', async () => {
    const texts = { 10: 'meet.google.com/abc-defg-hij', 30: 'zoom.us/j/11122233344' };
    serveChannel(range(1, 30), texts);
    const healthy = handler;
    handler = (request, response, before) => (before === null ? healthy(request, response, before) : void response.writeHead(500).end());
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(walkCursor()).toEqual({ read: null, walk: { newest: { at: null, id: '30' }, oldest: { at: null, id: '11' }, next: null } });
    expect(storedIds()).toEqual(['westfield_chat/30']);

    handler = healthy;
    server.requests.length = 0;
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    // Before where it stopped, to the channel's first message; then the newest page, which holds the floor.
    expect(pageRequests()).toEqual(['/s/westfield_chat?before=11', '/s/westfield_chat']);
    expect(storedIds()).toEqual(['westfield_chat/30', 'westfield_chat/10']);
    expect(walkCursor()).toEqual(read(30));
  });

  it('a backlog deeper than one run reads is read over the next runs, each message once, the cursor never past an unread one', async () => {
    const linked = (ids: number[]) => Object.fromEntries(ids.map((id) => [id, `room zoom.us/j/${87_000_000_000 + id}`]));
    serveChannel(range(1, 5), linked(range(1, 5)));
    await crawl();
    const ids = range(1, 455);
    serveChannel(ids, linked(range(1, 456)));
    const healthy = handler;
    let posted = false;
    handler = (request, response, before) => {
      healthy(request, response, before);
      // Posted while the walk pages back: read by a later run.
      if (!posted) ids.push(456);
      posted = true;
    };
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push({ summary: await crawl(), stored: new Set(storedIds()), raw: cursor()! });
    expect(new Set(storedIds()).size).toBe(456);
    // 200 messages a run; then the last 50 and the page that reaches the floor, and the newest.
    expect(runs.map((r) => [r.summary.status, r.summary.pages])).toEqual([['succeeded', 10], ['succeeded', 10], ['succeeded', 4]]);
    for (const run of runs) {
      const { read: floor, walk } = JSON.parse(run.raw) as ReturnType<typeof walkCursor>;
      const claimed = ids.filter((id) => (floor && id <= Number(floor.id)) || (walk && id >= Number(walk.oldest.id) && id <= Number(walk.newest.id)));
      expect(claimed.filter((id) => !run.stored.has(`westfield_chat/${id}`))).toEqual([]);
    }
    expect(walkCursor()).toEqual(read(456));
  });

  it('a channel whose preview no longer reaches back to the cursor logs the gap once, with the messages it skips', async () => {
    serveChannel(range(1, 5), { 5: 'zoom.us/j/11122233344' });
    await crawl();
    // Messages 6 to 39 were deleted, or the preview no longer shows them.
    serveChannel(range(40, 50), { 50: 'zoom.us/j/55566677788' });
    const { log, entries } = capturedLogger();
    await crawl(undefined, log);
    await crawl(undefined, log);
    expect(entries().filter((entry) => entry.level === 40)).toEqual([expect.objectContaining({ scope: 'channel:westfield_chat', after: '5', before: '40', posts: 34 })]);
    expect(walkCursor()).toEqual(read(50));
  });

  it('reads the cursor of the version before walk cursors (the newest message id)', async () => {
    store.db.prepare("INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES ('telegram', 'channel:westfield_chat', '45', ?)").run(new Date().toISOString());
    serveChannel(range(1, 47), { 45: 'zoom.us/j/11122233344', 46: 'zoom.us/j/22233344455', 47: 'zoom.us/j/33344455566' });
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 1, posts: 2 });
    expect(storedIds()).toEqual(['westfield_chat/46', 'westfield_chat/47']);
    expect(walkCursor()).toEqual(read(47));
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      html(response, channelPage([1, 2], { 2: 'zoom.us/j/44455566677' }));
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a page without message markup fails the run as a markup change and leaves the cursor; repeated, it warns', async () => {
    const changed = NEWEST.replace(/<section class="tgme_channel_history[\s\S]*<\/section>/, '<section class="tgme_channel_feed"><div class="tg-post" data-id="46">new design</div></section>');
    handler = (_request, response) => html(response, changed);
    for (let i = 0; i < 3; i++) {
      expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/\/s\/westfield_chat has no \.tgme_widget_message\[data-post\] elements; t\.me's markup has probably changed/) });
    }
    expect(cursor()).toBeUndefined();
    expect(sourceHealth(store.db, ['telegram'])[0]).toMatchObject({ lastSuccess: null, consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('a channel without a public preview (t.me redirects away from /s/) fails clearly; the other channels are still read', async () => {
    server.route('/s/westfield_private', (_request, response) => void response.writeHead(302, { location: '/westfield_private' }).end());
    server.route('/westfield_private', (_request, response) => html(response, '<html><body><div class="tgme_page">Westfield Private</div></body></html>'));
    serveChannel([1, 2], { 2: 'zoom.us/j/44455566677' });
    const summary = await crawl(['westfield_private', 'westfield_chat']);
    expect(summary).toMatchObject({ status: 'failed', parseError: false, error: expect.stringMatching(/channel "westfield_private" has no public web preview/) });
    expect(walkCursor()).toEqual(read(2));
    expect(count(store.db, 'posts')).toBe(1);
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    handler = () => undefined;
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the preview pages', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /s/\n'));
    serveChannel([1]);
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/s\/westfield_chat/) });
    expect(pageRequests()).toHaveLength(0);
  });
});
