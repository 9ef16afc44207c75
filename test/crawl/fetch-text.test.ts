import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchText, type FetchTextOptions } from '../../src/crawl/fetch-text.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer({
    '/cal.ics': (request, response) => {
      if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304).end();
      response.writeHead(200, { 'content-type': 'text/calendar', etag: '"v1"' }).end('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    },
    '/moved': (_request, response) => void response.writeHead(302, { location: '/cal.ics' }).end(),
    '/loop': (_request, response) => void response.writeHead(302, { location: '/loop' }).end(),
    '/big': (_request, response) => void response.writeHead(200).end('x'.repeat(5000)),
    '/boom': (_request, response) => void response.writeHead(500).end('oops'),
  });
});
afterAll(() => server.close());

const options: FetchTextOptions = { userAgent: 'leakwatch-test', timeoutMs: 500, maxResponseBytes: 1000, maxRedirects: 3, allowPrivateHosts: true };

describe('fetchText', () => {
  it('fetches text with our User-Agent and remembers the ETag', async () => {
    const result = await fetchText(`${server.url}/cal.ics`, options);
    expect(result).toMatchObject({ status: 'ok', etag: '"v1"', text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' });
    expect(server.requests.at(-1)!.headers['user-agent']).toBe('leakwatch-test');
  });

  it('sends conditional requests and reports not-modified', async () => {
    expect(await fetchText(`${server.url}/cal.ics`, { ...options, etag: '"v1"' })).toEqual({ status: 'not-modified', url: `${server.url}/cal.ics` });
  });

  it('follows redirects up to the limit', async () => {
    expect(await fetchText(`${server.url}/moved`, options)).toMatchObject({ status: 'ok', url: `${server.url}/cal.ics` });
    await expect(fetchText(`${server.url}/loop`, options)).rejects.toThrow('more than 3 redirects');
  });

  it('caps the response size, fails on HTTP errors and times out a hanging server', async () => {
    await expect(fetchText(`${server.url}/big`, options)).rejects.toThrow(/\/big: response (of 5000 bytes )?is larger than the 1000-byte limit/);
    await expect(fetchText(`${server.url}/boom`, options)).rejects.toThrow(`${server.url}/boom: HTTP 500`);
    const started = Date.now();
    await expect(fetchText(`${server.url}/hang`, options)).rejects.toThrow('no response within 500 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses loopback unless the deployment allows private hosts', async () => {
    await expect(fetchText(`${server.url}/cal.ics`, { ...options, allowPrivateHosts: false })).rejects.toThrow(/127\.0\.0\.1 is a private, loopback or link-local address/);
  });
});
