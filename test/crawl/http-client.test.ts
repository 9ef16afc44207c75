import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlockedError, ParseError, RateLimitedError, RetryableError } from '../../src/crawl/errors.js';
import { HttpClient, type HttpClientOptions } from '../../src/crawl/http-client.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';

let server: TestHttpServer;
beforeEach(async () => (server = await startHttpServer()));
afterEach(() => server.close());

const base: HttpClientOptions = {
  userAgent: 'leakwatch/0.1',
  contactUrl: 'https://school.example/contact',
  timeoutMs: 400,
  maxResponseBytes: 10_000,
  maxRedirects: 2,
  retries: 2,
  allowPrivateHosts: true,
  respectRobotsTxt: true,
  retryBaseMs: 20,
};
const client = (overrides: Partial<HttpClientOptions> = {}) => new HttpClient({ ...base, ...overrides });
const json = (body: unknown, headers: Record<string, string> = {}) => (_: unknown, response: import('node:http').ServerResponse) =>
  void response.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const hits = (path: string) => server.requests.filter((r) => r.url.split('?')[0] === path).length;

describe('HttpClient', () => {
  it('names leakwatch and its operator in the User-Agent', async () => {
    server.route('/api', json({ ok: true }));
    expect(await client().getJson(`${server.url}/api`)).toEqual({ ok: true });
    expect(server.requests.at(-1)!.headers['user-agent']).toBe('leakwatch/0.1 (+https://school.example/contact)');
  });

  it('obeys robots.txt, fetched once per host', async () => {
    server.route('/robots.txt', (_, response) => void response.writeHead(200).end('User-agent: leakwatch\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n'));
    server.route('/private/x', json({}));
    server.route('/public', json({ fine: true }));
    const http = client();
    await expect(http.get(`${server.url}/private/x`)).rejects.toThrow(BlockedError);
    await expect(http.get(`${server.url}/private/x`)).rejects.toThrow(/robots\.txt of 127\.0\.0\.1:\d+ disallows \/private\/x/);
    expect(await http.getJson(`${server.url}/public`)).toEqual({ fine: true });
    expect(hits('/private/x')).toBe(0);
    expect(hits('/robots.txt')).toBe(1);
    // Switched off by configuration:
    expect(await client({ respectRobotsTxt: false }).getJson(`${server.url}/private/x`)).toEqual({});
  });

  it('spaces requests to a host by Crawl-delay and by the source rate', async () => {
    server.route('/robots.txt', (_, response) => void response.writeHead(200).end('User-agent: *\nCrawl-delay: 0.3\n'));
    server.route('/a', json({}));
    const http = client();
    const started = Date.now();
    await Promise.all([http.get(`${server.url}/a`), http.get(`${server.url}/a?2`), http.get(`${server.url}/a?3`)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);

    const rated = client({ respectRobotsTxt: false });
    const t0 = Date.now();
    await rated.get(`${server.url}/a`, { minIntervalMs: 250 });
    await rated.get(`${server.url}/a`, { minIntervalMs: 250 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('honours 429 with Retry-After in seconds, cooling the host down', async () => {
    let calls = 0;
    server.route('/limited', (_, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
      json({ after: calls })(_, response);
    });
    const started = Date.now();
    expect(await client({ respectRobotsTxt: false }).getJson(`${server.url}/limited`)).toEqual({ after: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('honours 503 with an HTTP-date Retry-After', async () => {
    let calls = 0;
    server.route('/busy', (_, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(503, { 'retry-after': new Date(Date.now() + 1500).toUTCString() }).end();
      json({ ok: true })(_, response);
    });
    const started = Date.now();
    expect(await client({ respectRobotsTxt: false }).getJson(`${server.url}/busy`)).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it.each([
    ['x-ratelimit-reset', '1'],
    ['x-rate-limit-reset', () => String(Math.ceil(Date.now() / 1000) + 1)],
  ])('waits for the reset a 429 announces in %s when it has no Retry-After', async (header, value) => {
    let calls = 0;
    server.route('/reset', (_, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(429, { [header]: typeof value === 'function' ? value() : value }).end();
      json({ ok: true })(_, response);
    });
    const started = Date.now();
    expect(await client({ respectRobotsTxt: false }).getJson(`${server.url}/reset`)).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('gives up with RateLimitedError when the site keeps refusing', async () => {
    server.route('/always', (_, response) => void response.writeHead(429, { 'retry-after': '0' }).end());
    await expect(client({ respectRobotsTxt: false, retries: 1 }).get(`${server.url}/always`)).rejects.toThrow(RateLimitedError);
    expect(hits('/always')).toBe(2);
  });

  it('retries a 500 and then succeeds; gives up after the configured retries', async () => {
    let calls = 0;
    server.route('/flaky', (_, response) => {
      calls++;
      if (calls === 1) return void response.writeHead(500).end();
      json({ ok: true })(_, response);
    });
    expect(await client({ respectRobotsTxt: false }).getJson(`${server.url}/flaky`)).toEqual({ ok: true });
    server.route('/down', (_, response) => void response.writeHead(502).end());
    await expect(client({ respectRobotsTxt: false }).get(`${server.url}/down`)).rejects.toThrow(RetryableError);
    expect(hits('/down')).toBe(3);
  });

  it('times out a hanging response', async () => {
    const started = Date.now();
    await expect(client({ respectRobotsTxt: false, retries: 0 }).get(`${server.url}/hang`)).rejects.toThrow(/no response within 400 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('sends conditional requests and reports not-modified', async () => {
    server.route('/feed', (request, response) => {
      if (request.headers['if-none-match'] === '"abc"') return void response.writeHead(304).end();
      json({ items: [] }, { etag: '"abc"' })(request, response);
    });
    const http = client({ respectRobotsTxt: false });
    expect((await http.get(`${server.url}/feed`)).notModified).toBe(false);
    expect((await http.get(`${server.url}/feed`)).notModified).toBe(true);
    expect((await http.get(`${server.url}/feed`, { conditional: false })).notModified).toBe(false);
  });

  it('caps the size, limits redirects, refuses client errors without retrying', async () => {
    server.route('/huge', (_, response) => void response.writeHead(200).end('x'.repeat(20_000)));
    server.route('/r1', (_, response) => void response.writeHead(301, { location: '/r2' }).end());
    server.route('/r2', (_, response) => void response.writeHead(301, { location: '/r3' }).end());
    server.route('/r3', (_, response) => void response.writeHead(301, { location: '/r1' }).end());
    server.route('/gone', (_, response) => void response.writeHead(403).end());
    const http = client({ respectRobotsTxt: false });
    await expect(http.get(`${server.url}/huge`)).rejects.toThrow(/larger than the 10000-byte limit/);
    await expect(http.get(`${server.url}/r1`)).rejects.toThrow('more than 2 redirects');
    await expect(http.get(`${server.url}/gone`)).rejects.toThrow(BlockedError);
    expect(hits('/gone')).toBe(1);
  });

  it('reports malformed JSON as a ParseError naming the URL', async () => {
    server.route('/html', (_, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'));
    await expect(client({ respectRobotsTxt: false }).getJson(`${server.url}/html`)).rejects.toThrow(ParseError);
    await expect(client({ respectRobotsTxt: false }).getJson(`${server.url}/html`)).rejects.toThrow(/\/html: expected JSON, got "<html>maintenance/);
  });

  it('refuses private addresses unless allowed', async () => {
    server.route('/api', json({}));
    await expect(client({ allowPrivateHosts: false }).get(`${server.url}/api`)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    expect(hits('/api')).toBe(0);
  });
});
