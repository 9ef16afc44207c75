import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlerFor } from '../../crawlers/index.js';
import { loadConfig } from '../../src/config/load.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl, sourceHealth } from '../../src/crawl/runner.js';
import { createLogger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

/** An Algolia `search_by_date` hit, shaped as the real API answers. */
function hit(id: number, createdAtI: number, body: { title?: string; comment?: string; url?: string; parent?: number } = {}) {
  return {
    created_at: new Date(createdAtI * 1000).toISOString(),
    title: body.title ?? null,
    url: body.url ?? null,
    author: `user${id}`,
    points: body.title ? 3 : null,
    story_text: null,
    comment_text: body.comment ?? null,
    num_comments: body.title ? 0 : null,
    story_id: body.title ? null : 41000000,
    story_title: body.title ? null : 'Ask HN: remote teaching',
    story_url: null,
    parent_id: body.title ? null : (body.parent ?? 41000000),
    created_at_i: createdAtI,
    _tags: [body.title ? 'story' : 'comment', `author_user${id}`, `story_${id}`],
    objectID: String(id),
    _highlightResult: {},
  };
}

function answer(hits: unknown[], page: number, nbPages: number) {
  return { hits, nbHits: hits.length * nbPages, page, nbPages, hitsPerPage: 100, exhaustiveNbHits: true, query: 'zoom.us/j', params: '', processingTimeMS: 1 };
}

let server: TestHttpServer;
let store: TestStore;
let handler: (request: IncomingMessage, response: ServerResponse, url: URL) => void;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer({
    '/api/v1/search_by_date': (request, response) => handler(request, response, new URL(request.url!, 'http://x')),
  });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const json = (response: ServerResponse, body: unknown) => void response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

function crawl() {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.hackernews = { ...config.sources.hackernews, enabled: true, baseUrl: server.url, queries: ['zoom.us/j'], requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts: true, timeoutMs: 400, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: crawlerFor('hackernews')!, config, secrets, http, log: createLogger({ level: 'silent' }) });
}

const cursor = () => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'hackernews' AND scope = 'query:zoom.us/j'").pluck().get();
const requestedSince = () => server.requests.filter((r) => r.url.startsWith('/api/')).map((r) => new URL(r.url, 'http://x').searchParams.get('numericFilters'));

describe('Hacker News crawler', () => {
  it('a comment replies to its parent_id: a passcode in a reply joins the leak of the meeting its parent names', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode: '735194' }, 'test');
    handler = (_request, response) =>
      json(
        response,
        answer(
          [
            hit(41000302, 1_790_000_300, { comment: 'pw is 735194', parent: 41000301 }),
            hit(41000301, 1_790_000_200, { comment: 'year 9 maths, Zoom meeting ID: 861 2290 4418' }),
          ],
          0,
          1,
        ),
      );
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 2, references: 1, leaks: 1 });
    expect(store.db.prepare('SELECT source_id, reply_to, text FROM posts ORDER BY source_id').all()).toEqual([
      { source_id: '41000301', reply_to: '41000000', text: 'year 9 maths, Zoom meeting ID: 861 2290 4418' },
      { source_id: '41000302', reply_to: '41000301', text: 'pw is ••••••' },
    ]);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '86122904418', sightings: 2, severity: 'high' });
  });

  it('walks every page of new hits, stores those with meeting links, and keeps the newest time as the cursor', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    handler = (_request, response, url) => {
      const page = Number(url.searchParams.get('page'));
      if (page === 0) return json(response, answer([hit(103, 1_790_000_300, { comment: 'our class is at <a href="https://westfield.zoom.us/j/84512397260?pwd=abc123XYZ">https://westfield.zoom.us/j/8451239...</a> lol' }), hit(102, 1_790_000_200, { title: 'Show HN: a better zoom lens' })], 0, 2));
      return json(response, answer([hit(101, 1_790_000_100, { comment: 'meet.google.com/abc-defg-hij for the study group' })], 1, 2));
    };
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'succeeded', pages: 2, posts: 3, references: 2, leaks: 1 });
    expect(requestedSince()).toEqual(['created_at_i>0', 'created_at_i>0']);
    expect(cursor()).toBe('1790000300');
    expect(count(store.db, 'posts')).toBe(2);
    expect(store.db.prepare("SELECT url FROM posts WHERE source_id = '103'").pluck().get()).toBe('https://news.ycombinator.com/item?id=103');
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260', severity: 'high' });
    expect(sourceHealth(store.db, ['hackernews'])[0]).toMatchObject({ consecutiveFailures: 0, lastSuccess: expect.any(String) });
  });

  it('resumes after the cursor without duplicates or gaps', async () => {
    handler = (_request, response) => json(response, answer([hit(201, 1_790_000_500, { comment: 'zoom.us/j/11122233344' })], 0, 1));
    await crawl();
    handler = (_request, response, url) => {
      const since = Number(url.searchParams.get('numericFilters')!.split('>')[1]);
      const hits = [hit(202, 1_790_000_600, { comment: 'zoom.us/j/55566677788' }), hit(201, 1_790_000_500, { comment: 'zoom.us/j/11122233344' })].filter((h) => h.created_at_i > since);
      json(response, answer(hits, 0, 1));
    };
    const second = await crawl();
    expect(second).toMatchObject({ status: 'succeeded', posts: 1, references: 1 });
    expect(requestedSince().at(-1)).toBe('created_at_i>1790000500');
    expect(count(store.db, 'posts')).toBe(2);
    expect(cursor()).toBe('1790000600');
  });

  it('a failure mid-walk stores the pages read but keeps the cursor, so the next run re-reads without a gap', async () => {
    handler = (_request, response, url) => {
      if (url.searchParams.get('page') === '1') return void response.writeHead(500).end();
      json(response, answer([hit(301, 1_790_000_900, { comment: 'zoom.us/j/99988877766' })], 0, 2));
    };
    expect(await crawl()).toMatchObject({ status: 'failed', pages: 1, error: expect.stringMatching(/HTTP 500/) });
    expect(cursor()).toBeUndefined();
    expect(count(store.db, 'posts')).toBe(1);
    handler = (_request, response, url) =>
      json(response, url.searchParams.get('page') === '1' ? answer([hit(300, 1_790_000_800, { comment: 'zoom.us/j/12312312312' })], 1, 2) : answer([hit(301, 1_790_000_900, { comment: 'zoom.us/j/99988877766' })], 0, 2));
    expect(await crawl()).toMatchObject({ status: 'succeeded', pages: 2 });
    expect(count(store.db, 'posts')).toBe(2);
    expect(cursor()).toBe('1790000900');
  });

  it('waits out a 429 with Retry-After and recovers from a 500', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      json(response, answer([hit(401, 1_790_001_000, { comment: 'zoom.us/j/44455566677' })], 0, 1));
    };
    const started = Date.now();
    expect(await crawl()).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('malformed JSON fails the run with a clear error and leaves the cursor; repeated, it warns of a changed API', async () => {
    handler = (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Algolia is down for maintenance</html>');
    for (let i = 0; i < 3; i++) expect(await crawl()).toMatchObject({ status: 'failed', parseError: true, error: expect.stringMatching(/expected JSON/) });
    expect(cursor()).toBeUndefined();
    const [health] = sourceHealth(store.db, ['hackernews']);
    expect(health).toMatchObject({ lastSuccess: null, consecutiveFailures: 3, warning: expect.stringMatching(/markup or API has probably changed/) });
  });

  it('a hanging response hits the timeout and fails the run', async () => {
    // Never answers.
    handler = () => undefined;
    const started = Date.now();
    const summary = await crawl();
    expect(summary).toMatchObject({ status: 'failed', error: expect.stringMatching(/no response within 400 ms/) });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('respects a robots.txt that disallows the API', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /api/\n'));
    handler = (_request, response) => json(response, answer([], 0, 0));
    expect(await crawl()).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/api\/v1\/search_by_date/) });
    expect(server.requests.filter((r) => r.url.startsWith('/api/'))).toHaveLength(0);
  });
});
