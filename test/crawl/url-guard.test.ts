import { describe, expect, it } from 'vitest';
import { checkUserUrl, guardedLookup, isPrivateAddress } from '../../src/crawl/url-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['not-an-ip', true],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('checkUserUrl', () => {
  const refuse = { allowPrivateHosts: false };
  it.each([
    ['ftp://feeds.example/cal.ics', /only http and https URLs are fetched, not ftp:/],
    ['file:///etc/passwd', /only http and https/],
    ['https://user:pw@calendar.example/x.ics', /a URL with credentials in it is refused/],
    ['http://localhost:8080/x', /localhost is a private, loopback or link-local address/],
    ['http://127.0.0.1/x', /127\.0\.0\.1 is a private/],
    ['http://[::1]/x', /::1 is a private/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a private/],
    ['http://10.0.0.5/cal.ics', /10\.0\.0\.5 is a private/],
    ['not a url', /"not a url" is not a URL/],
  ])('refuses %s', (url, message) => {
    expect(() => checkUserUrl(url, refuse)).toThrow(message);
  });

  it('accepts public URLs, and private ones when the deployment allows them', () => {
    expect(checkUserUrl('https://calendar.google.com/calendar/ical/x/basic.ics', refuse).host).toBe('calendar.google.com');
    expect(checkUserUrl('http://127.0.0.1:9/x', { allowPrivateHosts: true }).port).toBe('9');
  });
});

describe('guardedLookup', () => {
  const lookup = (allow: boolean, host: string) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup(allow)(host, {}, (error, address) => resolve({ error, address })),
    );

  it('refuses a name that resolves to a private address, at connection time', async () => {
    const { error } = await lookup(false, 'localhost');
    expect(error?.code).toBe('EBLOCKED');
    expect(error?.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a private, loopback or link-local address; refused/);
  });

  it('resolves it when private hosts are allowed', async () => {
    const { error, address } = await lookup(true, 'localhost');
    expect(error).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(address);
  });
});
