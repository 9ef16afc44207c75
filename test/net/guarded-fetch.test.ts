import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch, ResponseTooLargeError } from '../../src/net/guarded-fetch.js';
import { BlockedUrlError, type UrlGuardOptions } from '../../src/net/url-guard.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';

let server: TestHttpServer;
let dns: DnsTestServer;
let guard: UrlGuardOptions;
const limits = { timeoutMs: 2000, maxResponseBytes: 1000 };

beforeAll(async () => {
  dns = await startDnsServer();
  dns.setAddresses('evil.test', ['127.0.0.1']);
  server = await startHttpServer({
    '/gzip': (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'] }).end(gzipSync('decoded text')),
    '/bomb': (_request, response) => void response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(1_000_000))),
    '/declared': (_request, response) => void response.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)),
    '/moved': (_request, response) => void response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end(),
    '/echo': (request, response) => void response.writeHead(200).end(`${request.method} ${request.headers['x-page'] ?? ''} ${request.headers.connection ?? ''}`),
  });
  guard = { allowPrivateHosts: false, allowHosts: [new URL(server.url).host], dnsServers: [dns.address] };
});
afterAll(async () => {
  await server.close();
  await dns.close();
});

describe('guardedFetch', () => {
  it('decodes a compressed body and keeps every Set-Cookie', async () => {
    const response = await guardedFetch(`${server.url}/gzip`, { guard, ...limits });
    expect(response.body.toString()).toBe('decoded text');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['set-cookie']).toBe('a=1\nb=2');
  });

  it('returns a redirect instead of following it', async () => {
    const response = await guardedFetch(`${server.url}/moved`, { guard, ...limits });
    expect(response).toMatchObject({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
  });

  it('sends the method and headers given, less the hop-by-hop ones', async () => {
    const response = await guardedFetch(`${server.url}/echo`, { guard, ...limits, method: 'POST', body: Buffer.from('x'), headers: { 'X-Page': 'yes', Connection: 'upgrade', Host: 'evil.example' } });
    expect(response.body.toString()).toBe('POST yes keep-alive');
  });

  it('refuses a literal private address, and a name that resolves to one, before connecting', async () => {
    await expect(guardedFetch('http://127.0.0.2:9/', { guard, ...limits })).rejects.toThrow(BlockedUrlError);
    await expect(guardedFetch(`http://evil.test:${new URL(server.url).port}/echo`, { guard, ...limits })).rejects.toThrow(/evil\.test resolves to 127\.0\.0\.1, a loopback address/);
    await expect(guardedFetch(`http://evil.test:${new URL(server.url).port}/echo`, { guard, ...limits })).rejects.toBeInstanceOf(BlockedUrlError);
    expect(server.requests.filter((r) => r.url === '/echo')).toHaveLength(1);
  });

  it('caps the decoded size, whether the length is declared or the body inflates', async () => {
    await expect(guardedFetch(`${server.url}/declared`, { guard, ...limits })).rejects.toThrow(/response of 5000 bytes is larger than the 1000-byte limit/);
    await expect(guardedFetch(`${server.url}/bomb`, { guard, ...limits })).rejects.toThrow(ResponseTooLargeError);
  });

  it('gives up on a response that does not arrive in time', async () => {
    await expect(guardedFetch(`${server.url}/hang`, { guard, timeoutMs: 200, maxResponseBytes: 1000 })).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringMatching(/\/hang: no complete response within 200 ms/) });
  });
});
