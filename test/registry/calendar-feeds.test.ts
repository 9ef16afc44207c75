import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFeeds, refreshFeed, subscribeFeed, unsubscribeFeed } from '../../src/registry/calendar-feeds.js';
import { listMeetings } from '../../src/registry/meetings.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

function calendar(events: { uid: string; link: string; summary: string }[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Westfield//Timetable//EN',
    ...events.flatMap((e) => ['BEGIN:VEVENT', `UID:${e.uid}`, `SUMMARY:${e.summary}`, 'DTSTART:20260907T083000Z', 'DTEND:20260907T093000Z', 'RRULE:FREQ=WEEKLY;BYDAY=MO', `LOCATION:${e.link}`, 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

let server: TestHttpServer;
let store: TestStore;
let org: number;
let feedBody: string;
let version: number;
beforeEach(async () => {
  store = tempStore();
  org = school(store, 'Westfield High', 'westfield.example');
  version = 1;
  feedBody = calendar([
    { uid: 'maths', link: 'https://westfield.zoom.us/j/84512397260', summary: 'Maths' },
    { uid: 'french', link: 'https://meet.google.com/rbe-xfjn-pqa', summary: 'French' },
  ]);
  server = await startHttpServer({
    '/private/secret-token-abc/basic.ics': (request, response) => {
      const etag = `"v${version}"`;
      if (request.headers['if-none-match'] === etag) return void response.writeHead(304).end();
      response.writeHead(200, { 'content-type': 'text/calendar', etag }).end(feedBody);
    },
  });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const http = new HttpClient({
  userAgent: 'leakwatch-test',
  contactUrl: 'https://school.example/contact',
  timeoutMs: 1000,
  maxResponseBytes: 1_000_000,
  maxRedirects: 3,
  retries: 0,
  allowPrivateHosts: true,
  respectRobotsTxt: true,
});
const upsert = (prepared: Parameters<TestStore['registration']['upsertMeeting']>[0]) => store.registration.upsertMeeting(prepared, 'test');

describe('calendar feeds', () => {
  it('refuses a loopback feed URL unless private hosts are allowed', () => {
    expect(() => subscribeFeed(store.db, { orgId: org, url: `${server.url}/private/secret-token-abc/basic.ics` }, { allowPrivateHosts: false }, 'test')).toThrow(
      /127\.0\.0\.1 is a loopback address/,
    );
    expect(count(store.db, 'calendar_feeds')).toBe(0);
  });

  it('imports the feed, keeps it in step conditionally, and removes events that left it', async () => {
    const feed = subscribeFeed(store.db, { orgId: org, url: `${server.url}/private/secret-token-abc/basic.ics`, ownerEmail: 'timetable@westfield.example' }, { allowPrivateHosts: true }, 'test');
    expect(feed.host).toBe(server.url.replace('http://', ''));

    const first = await refreshFeed(store.db, feed.id, http, upsert, 'test');
    expect(first).toMatchObject({ status: 'imported', result: { added: 2, removed: 0 } });
    expect(listMeetings(store.db, org).map((m) => [m.platform, m.meetingId, m.recurrence, m.ownerEmail])).toEqual([
      ['zoom', '84512397260', 'FREQ=WEEKLY;BYDAY=MO', 'timetable@westfield.example'],
      ['google-meet', 'rbe-xfjn-pqa', 'FREQ=WEEKLY;BYDAY=MO', 'timetable@westfield.example'],
    ]);

    expect(await refreshFeed(store.db, feed.id, http, upsert, 'test')).toEqual({ feed: feed.id, status: 'not-modified' });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');

    version = 2;
    feedBody = calendar([{ uid: 'maths', link: 'https://westfield.zoom.us/j/84512397260', summary: 'Maths (moved)' }]);
    expect(await refreshFeed(store.db, feed.id, http, upsert, 'test')).toMatchObject({ status: 'imported', result: { added: 0, updated: 1, removed: 1 } });
    expect(listMeetings(store.db, org).map((m) => m.title)).toEqual(['Maths (moved)']);
  });

  it('records a failure on the feed without its secret path, changing nothing else', async () => {
    const feed = subscribeFeed(store.db, { orgId: org, url: `${server.url}/private/secret-token-abc/basic.ics`, ownerEmail: 'timetable@westfield.example' }, { allowPrivateHosts: true }, 'test');
    await refreshFeed(store.db, feed.id, http, upsert, 'test');
    feedBody = 'this is not a calendar';
    version = 3;
    const outcome = await refreshFeed(store.db, feed.id, http, upsert, 'test');
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a valid iCalendar file/) });
    expect(listFeeds(store.db, org)[0]!.lastError).toMatch(/not a valid iCalendar file/);
    expect(count(store.db, 'meetings')).toBe(2);

    await server.close();
    const down = await refreshFeed(store.db, feed.id, http, upsert, 'test');
    expect(down.status).toBe('failed');
    expect(JSON.stringify(listFeeds(store.db, org))).not.toContain('secret-token-abc');
  });

  it('a feed redirected to a refused address records the refusal without the secret path of either URL', async () => {
    const elsewhere = await startHttpServer({ '/private/NEW-SECRET-xyz/basic.ics': (_request, response) => void response.writeHead(200).end(feedBody) });
    const moved = await startHttpServer({
      '/private/OLD-SECRET-abc/basic.ics': (_request, response) => void response.writeHead(302, { location: `${elsewhere.url}/private/NEW-SECRET-xyz/basic.ics` }).end(),
    });
    try {
      const guarded = new HttpClient({
        userAgent: 'leakwatch-test', contactUrl: 'https://school.example/contact', timeoutMs: 1000, maxResponseBytes: 1_000_000, maxRedirects: 3, retries: 0,
        allowPrivateHosts: false, allowHosts: [new URL(moved.url).host], respectRobotsTxt: true,
      });
      const feed = subscribeFeed(store.db, { orgId: org, url: `${moved.url}/private/OLD-SECRET-abc/basic.ics` }, { allowPrivateHosts: true }, 'test');
      const outcome = await refreshFeed(store.db, feed.id, guarded, upsert, 'test');
      expect(outcome.status).toBe('failed');
      expect(elsewhere.requests).toHaveLength(0);
      const stored = JSON.stringify(store.db.prepare('SELECT last_error FROM calendar_feeds').all()) + JSON.stringify(outcome) + JSON.stringify(listFeeds(store.db, org));
      expect(stored).toMatch(/127\.0\.0\.1/);
      for (const secret of ['NEW-SECRET-xyz', 'OLD-SECRET-abc', '/private/']) expect(stored).not.toContain(secret);
    } finally {
      await moved.close();
      await elsewhere.close();
    }
  });

  it('reads a subscribed feed even where robots.txt turns crawlers away, as a feed reader does', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /\n'));
    const feed = subscribeFeed(store.db, { orgId: org, url: `${server.url}/private/secret-token-abc/basic.ics`, ownerEmail: 'timetable@westfield.example' }, { allowPrivateHosts: true }, 'test');
    expect(await refreshFeed(store.db, feed.id, http, upsert, 'test')).toMatchObject({ status: 'imported', result: { added: 2 } });
  });

  it('unsubscribing removes the feed and only its meetings', async () => {
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '11122233344', ownerEmail: 'a@westfield.example' }, 'test');
    const feed = subscribeFeed(store.db, { orgId: org, url: `${server.url}/private/secret-token-abc/basic.ics`, ownerEmail: 'timetable@westfield.example' }, { allowPrivateHosts: true }, 'test');
    await refreshFeed(store.db, feed.id, http, upsert, 'test');
    expect(unsubscribeFeed(store.db, org, feed.id, 'test')).toEqual({ removedMeetings: 2 });
    expect(listMeetings(store.db, org).map((m) => m.meetingId)).toEqual(['11122233344']);
    expect(() => unsubscribeFeed(store.db, org, feed.id, 'test')).toThrow(`organisation ${org} has no calendar feed ${feed.id}`);
  });
});
