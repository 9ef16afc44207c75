import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUserUrl, guardedLookup, normaliseHostPort, type UrlGuardOptions } from '../../src/net/url-guard.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';

describe('checkUserUrl', () => {
  const refuse = { allowPrivateHosts: false };
  it.each([
    ['ftp://feeds.example/cal.ics', /only http and https URLs are fetched, not ftp:/],
    ['file:///etc/passwd', /only http and https/],
    ['https://user:pw@calendar.example/x.ics', /a URL with credentials in it is refused/],
    ['http://localhost:8080/x', /localhost is a loopback name; leakwatch fetches only public addresses/],
    ['http://127.0.0.1/x', /127\.0\.0\.1 is a loopback address/],
    ['http://[::1]/x', /::1 is the IPv6 loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://10.0.0.5/cal.ics', /10\.0\.0\.5 is a private address/],
    ['not a url', /not a URL \(it does not parse\)/],
  ])('refuses %s', (url, message) => {
    expect(() => checkUserUrl(url, refuse)).toThrow(message);
  });

  // WHATWG URL parsing rewrites every IPv4 notation to dotted decimal and IPv6 to its compressed hex form; the check runs after it.
  it.each([
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback address/],
    ['http://017700000001/', /127\.0\.0\.1 is a loopback address/],
    ['http://127.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://0/', /0\.0\.0\.0 is an unspecified address/],
    ['http://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a loopback address \(127\.0\.0\.1 inside an IPv4-mapped address\)/],
    ['http://[::127.0.0.1]/', /::7f00:1 is an IPv4-compatible address/],
    ['http://[2002:a9fe:a9fe::]/latest/meta-data/', /169\.254\.169\.254 inside a 6to4 address/],
    ['http://[64:ff9b::a9fe:a9fe]/', /169\.254\.169\.254 inside a NAT64 address/],
    ['http://[2001:0:53aa:64c::80ff:fffe]/', /is a Teredo address/],
    ['http://[fec0::1]/', /fec0::1 is a site-local/],
    ['http://localhost./', /localhost is a loopback name/],
    ['http://intranet.localhost./', /intranet\.localhost is a loopback name/],
  ])('refuses %s, whatever the notation', (url, message) => {
    expect(() => checkUserUrl(url, refuse)).toThrow(message);
  });

  it('accepts public URLs, wrapped public addresses, and private ones when the deployment allows them', () => {
    expect(checkUserUrl('https://calendar.google.com/calendar/ical/x/basic.ics', refuse).host).toBe('calendar.google.com');
    expect(checkUserUrl('http://[2002:808:808::]/', refuse).hostname).toBe('[2002:808:808::]');
    expect(checkUserUrl('http://[64:ff9b::8.8.8.8]/', refuse).hostname).toBe('[64:ff9b::808:808]');
    expect(checkUserUrl('http://127.0.0.1:9/x', { allowPrivateHosts: true }).port).toBe('9');
  });

  it('lets through exactly the host:port pairs of allowHosts', () => {
    const guard: UrlGuardOptions = { allowPrivateHosts: false, allowHosts: ['127.0.0.1:9', 'LOCALHOST:80', '[::1]:8443'] };
    expect(checkUserUrl('http://127.0.0.1:9/x', guard).port).toBe('9');
    expect(checkUserUrl('http://0x7f.1:9/x', guard).hostname).toBe('127.0.0.1');
    expect(checkUserUrl('http://localhost/x', guard).hostname).toBe('localhost');
    expect(checkUserUrl('https://[::1]:8443/x', guard).hostname).toBe('[::1]');
    expect(() => checkUserUrl('http://127.0.0.1:10/x', guard)).toThrow(/127\.0\.0\.1 is a loopback address/);
    expect(() => checkUserUrl('https://localhost/x', guard)).toThrow(/localhost is a loopback name/);
    expect(() => checkUserUrl('http://127.0.0.2:9/x', guard)).toThrow(/127\.0\.0\.2 is a loopback address/);
  });

  it('reads an allowHosts entry as host:port and names a bad one', () => {
    expect(normaliseHostPort('Calendar.Intranet.Example.:443')).toBe('calendar.intranet.example:443');
    expect(normaliseHostPort('[::ffff:127.0.0.1]:80')).toBe('[::ffff:7f00:1]:80');
    expect(() => normaliseHostPort('intranet.example')).toThrow('not a host:port: "intranet.example"');
    expect(() => normaliseHostPort('intranet.example:0')).toThrow('not a host:port: "intranet.example:0"');
    expect(() => normaliseHostPort('http://x:80')).toThrow(/not a host:port/);
  });
});

describe('guardedLookup', () => {
  const lookup = (guard: boolean | UrlGuardOptions, host: string, options: object = {}, target?: URL) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup(guard, target)(host, options, (error, address) => resolve({ error, address })),
    );

  it('refuses a name that resolves to a private address, at connection time', async () => {
    const { error } = await lookup(false, 'localhost');
    expect(error?.code).toBe('EBLOCKED');
    expect(error?.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), (a|the IPv6) loopback address; refused/);
  });

  it('resolves it when private hosts are allowed, or when allowHosts trusts the host and port fetched', async () => {
    const { error, address } = await lookup(true, 'localhost');
    expect(error).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(address);
    const trusted = { allowPrivateHosts: false, allowHosts: ['localhost:8080'] };
    expect((await lookup(trusted, 'localhost', {}, new URL('http://localhost:8080/'))).error).toBeNull();
    expect((await lookup(trusted, 'localhost', {}, new URL('http://localhost:8081/'))).error?.code).toBe('EBLOCKED');
  });

  describe('with http.dnsServers, against a DNS server on loopback', () => {
    let dns: DnsTestServer;
    let guard: UrlGuardOptions;
    beforeAll(async () => {
      dns = await startDnsServer();
      dns.setAddresses('evil.test', ['127.0.0.1']);
      dns.setAddresses('metadata.test', ['2002:a9fe:a9fe::']);
      dns.setAddresses('mixed.test', ['8.8.8.8', '64:ff9b::a00:1']);
      dns.setAddresses('public.test', ['8.8.8.8', '2606:4700:4700::1111']);
      dns.setMode('gone.test', 'nxdomain');
      guard = { allowPrivateHosts: false, dnsServers: [dns.address] };
    });
    afterAll(() => dns.close());

    it('refuses a name whose A or AAAA record is not public, naming what it resolved to', async () => {
      expect(await lookup(guard, 'evil.test')).toMatchObject({ error: { code: 'EBLOCKED', message: expect.stringMatching(/^evil\.test resolves to 127\.0\.0\.1, a loopback address; refused/) } });
      expect((await lookup(guard, 'metadata.test')).error?.message).toMatch(/^metadata\.test resolves to 2002:a9fe:a9fe::, a link-local address \(169\.254\.169\.254 inside a 6to4 address\)/);
      // One bad address is enough: Node may try every address returned.
      expect((await lookup(guard, 'mixed.test', { all: true })).error?.message).toMatch(/^mixed\.test resolves to 64:ff9b::a00:1, a private address/);
      expect(dns.queries.map((q) => q.name)).toContain('evil.test');
    });

    it('returns the public addresses of a public name, in the shape Node asks for', async () => {
      expect(await lookup(guard, 'public.test', { all: true })).toEqual({
        error: null,
        address: [
          { address: '8.8.8.8', family: 4 },
          { address: '2606:4700:4700::1111', family: 6 },
        ],
      });
      expect((await lookup(guard, 'public.test', { family: 6 })).address).toBe('2606:4700:4700::1111');
      expect((await lookup(guard, 'public.test', {})).address).toBe('8.8.8.8');
    });

    it('fails a name the server does not know like any unresolvable name', async () => {
      const { error } = await lookup(guard, 'gone.test');
      expect(error?.code).toBe('ENOTFOUND');
      expect(error?.message).toMatch(/gone\.test: no address from 127\.0\.0\.1:\d+/);
    });

    it('trusts an allowHosts entry whatever its name resolves to', async () => {
      const trusted = { ...guard, allowHosts: ['evil.test:80'] };
      expect(await lookup(trusted, 'evil.test', {}, new URL('http://evil.test/'))).toEqual({ error: null, address: '127.0.0.1' });
    });
  });
});
