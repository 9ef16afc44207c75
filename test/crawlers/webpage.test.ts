import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webpage } from '../../crawlers/webpage.js';
import { loadConfig } from '../../src/config/load.js';
import { HeadlessBrowser } from '../../src/crawl/browser.js';
import type { Crawler } from '../../src/crawl/crawler.js';
import { BlockedError, RetryableError } from '../../src/crawl/errors.js';
import { HttpClient } from '../../src/crawl/http-client.js';
import { runCrawl } from '../../src/crawl/runner.js';
import { createLogger } from '../../src/logger.js';
import { listLeaks } from '../../src/match/leaks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

// Real Chromium: each test launches it.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/webpage/${name}`, import.meta.url), 'utf8');
const CLASS_PAGE = fixture('class-page.html');

let server: TestHttpServer;
let store: TestStore;
beforeEach(async () => {
  store = tempStore();
  server = await startHttpServer({ '/class-page': (_request, response) => html(response, CLASS_PAGE) });
});
afterEach(async () => {
  await server.close();
  store.cleanup();
});

const html = (response: ServerResponse, body: string) => void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);

function crawl(paths: string[], { allowPrivateHosts = true, timeoutMs = 5000 } = {}) {
  const { config, secrets } = loadConfig({ env: {} });
  config.sources.webpage = { ...config.sources.webpage, enabled: true, pages: paths.map((p) => server.url + p), requestIntervalMs: 0 };
  const http = new HttpClient({ ...config.http, allowPrivateHosts, timeoutMs, retries: 2, retryBaseMs: 10 });
  return runCrawl({ db: store.db, matcher: store.matcher, crawler: webpage as Crawler, config, secrets, http, log: createLogger({ level: 'silent' }) });
}

/** The Chromium processes this test process started (each browser's main process is our child). */
function chromiumChildren(): string[] {
  const lines = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => /chrom/i.test(line)).map((line) => line.trim().split(/\s+/)[0]!);
}

const gets = (path: string) => server.requests.filter((r) => r.url === path);
const cursor = (path: string) => store.db.prepare("SELECT cursor FROM crawl_cursors WHERE source = 'webpage' AND scope = ?").pluck().get(`page:${server.url}${path}`);

describe('web page crawler (real Chromium)', () => {
  it('finds a meeting link that exists only after the page’s script has run', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' }, 'test');
    // The served HTML holds no meeting link: a crawler that did not run the script would find nothing.
    expect(CLASS_PAGE).not.toMatch(/zoom\.us|84512397260/);

    const summary = await crawl(['/class-page']);
    expect(summary).toMatchObject({ status: 'succeeded', pages: 1, posts: 1, leaks: 1 });
    const post = store.db.prepare("SELECT source_id, url, text FROM posts WHERE source = 'webpage'").get() as { source_id: string; url: string; text: string };
    expect(post.url).toBe(`${server.url}/class-page`);
    expect(post.source_id).toMatch(new RegExp(`^${server.url}/class-page [0-9a-f]{32}$`));
    expect(post.text).toContain('Revision call tonight, join here');
    expect(store.db.prepare('SELECT meeting_id FROM sightings').pluck().all()).toEqual(['84512397260']);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ meetingId: '84512397260' });
    expect(cursor('/class-page')).toBe(post.source_id.split(' ')[1]);
    // Probed once by the HTTP client, then loaded once by Chromium, both as leakwatch.
    expect(gets('/class-page')).toHaveLength(2);
    expect(gets('/class-page').every((r) => String(r.headers['user-agent']).startsWith('leakwatch/'))).toBe(true);
  });

  it('stores a page again only when its rendered text changes', async () => {
    expect(await crawl(['/class-page'])).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(await crawl(['/class-page'])).toMatchObject({ status: 'succeeded', pages: 0, posts: 0 });
    server.route('/class-page', (_request, response) => html(response, CLASS_PAGE.replace('Revision call tonight', 'Revision call moved to 8pm')));
    expect(await crawl(['/class-page'])).toMatchObject({ status: 'succeeded', posts: 1 });
    expect(count(store.db, 'posts', "source = 'webpage'")).toBe(2);
  });

  it('a page that never finishes loading hits the navigation timeout; the other pages are still read', async () => {
    server.route('/slow', (_request, response) => html(response, '<!DOCTYPE html><html><body><p>Loading timetable…</p><script src="/hang"></script></body></html>'));
    const started = Date.now();
    const summary = await crawl(['/slow', '/class-page'], { timeoutMs: 1500 });
    expect(summary).toMatchObject({ status: 'failed', posts: 1, error: expect.stringMatching(/\/slow: page did not load within 1500 ms/) });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(cursor('/class-page')).toEqual(expect.any(String));
    expect(cursor('/slow')).toBeUndefined();
  });

  it('the browser helper itself times out on a page that never answers', async () => {
    const browser = new HeadlessBrowser({ timeoutMs: 800, allowPrivateHosts: true });
    try {
      await expect(browser.render(`${server.url}/hang`)).rejects.toThrow(RetryableError);
      await expect(browser.render(`${server.url}/hang`)).rejects.toThrow(/\/hang: page did not load within 800 ms/);
    } finally {
      await browser.close();
    }
  });

  it('refuses a private address unless allowPrivateHosts is set, in the HTTP client and in the browser', async () => {
    expect(await crawl(['/class-page'], { allowPrivateHosts: false })).toMatchObject({ status: 'failed', error: expect.stringMatching(/127\.0\.0\.1 is a loopback address/) });
    expect(server.requests).toHaveLength(0);

    const browser = new HeadlessBrowser({ allowPrivateHosts: false });
    try {
      await expect(browser.render(`${server.url}/class-page`)).rejects.toThrow(BlockedError);
      await expect(browser.render('http://localhost:9/')).rejects.toThrow(/localhost is a loopback name/);
    } finally {
      await browser.close();
    }
    expect(gets('/class-page')).toHaveLength(0);
  });

  it('respects a robots.txt that disallows the page: Chromium never loads it', async () => {
    server.route('/robots.txt', (_request, response) => void response.writeHead(200).end('User-agent: *\nDisallow: /class-page\n'));
    expect(await crawl(['/class-page'])).toMatchObject({ status: 'failed', error: expect.stringMatching(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/class-page/) });
    expect(gets('/class-page')).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After and recovers from a 500 before rendering', async () => {
    let calls = 0;
    server.route('/class-page', (_request, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      if (calls === 2) return void response.writeHead(500).end();
      html(response, CLASS_PAGE);
    });
    const started = Date.now();
    expect(await crawl(['/class-page'])).toMatchObject({ status: 'succeeded', posts: 1, references: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('skips what is not a web page without starting a render', async () => {
    server.route('/timetable.pdf', (_request, response) => void response.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7\n'));
    expect(await crawl(['/timetable.pdf'])).toMatchObject({ status: 'succeeded', pages: 0, posts: 0 });
    expect(gets('/timetable.pdf')).toHaveLength(1);
  });

  it('retires Chromium after maxPagesPerBrowser pages: a new one renders the next page and the old one is gone', async () => {
    const browser = new HeadlessBrowser({ maxPagesPerBrowser: 2, quietMs: 50, allowPrivateHosts: true });
    const seen: string[][] = [];
    try {
      for (let i = 0; i < 3; i++) {
        expect((await browser.render(`${server.url}/class-page`)).text).toContain('Revision call tonight');
        seen.push(chromiumChildren());
      }
    } finally {
      await browser.close();
    }
    expect(seen.map((pids) => pids.length)).toEqual([1, 1, 1]);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).not.toEqual(seen[1]);
    expect(chromiumChildren()).toEqual([]);
  });
});
