import { promises as dns } from 'node:dns';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVerificationToken, lookupTxt, type TxtLookupOptions } from '../../src/registry/dns-txt.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';

let server: DnsTestServer;
let options: TxtLookupOptions;

beforeAll(async () => {
  server = await startDnsServer();
  options = { servers: [server.address], timeoutMs: 1000, tries: 1 };
});

afterAll(async () => {
  await server.close();
});

function queriesFor(name: string) {
  return server.queries.filter((query) => query.name.toLowerCase() === name.toLowerCase());
}

describe('lookupTxt', () => {
  it('finds our token among the other TXT records of a domain', async () => {
    server.setTxt('_leakwatch.school.example', ['v=spf1 include:_spf.example -all', 'leakwatch-verification=tok-123', 'google-site-verification=abc']);

    const result = await lookupTxt('_leakwatch.school.example', options);

    expect(result).toEqual({
      status: 'found',
      records: ['v=spf1 include:_spf.example -all', 'leakwatch-verification=tok-123', 'google-site-verification=abc'],
    });
    expect(result.status === 'found' && findVerificationToken(result.records)).toEqual(['tok-123']);
  });

  it('joins a record that DNS split into several character-strings', async () => {
    const longToken = 'x'.repeat(300);
    server.setTxt('long.school.example', [`leakwatch-verification=${longToken}`]);
    server.setTxt('split.school.example', [['leakwatch-verif', 'ication=tok-', '456']]);

    const long = await lookupTxt('long.school.example', options);
    const split = await lookupTxt('split.school.example', options);

    expect(long).toEqual({ status: 'found', records: [`leakwatch-verification=${longToken}`] });
    expect(split).toEqual({ status: 'found', records: ['leakwatch-verification=tok-456'] });
  });

  it('reads records too large for one UDP reply (the resolver retries over TCP)', async () => {
    const records = Array.from({ length: 8 }, (_, i) => `dkim-like-${i}=${'k'.repeat(280)}`);
    records.push('leakwatch-verification=tok-789');
    server.setTxt('big.school.example', records);

    const result = await lookupTxt('big.school.example', options);

    expect(result).toEqual({ status: 'found', records });
    expect(queriesFor('big.school.example').map((query) => query.transport)).toEqual(['udp', 'tcp']);
  });

  it('reports the token that is published when it is not the one we asked for', async () => {
    server.setTxt('wrong.school.example', ['leakwatch-verification=someone-elses-token']);

    const result = await lookupTxt('wrong.school.example', options);

    expect(result.status === 'found' && findVerificationToken(result.records)).toEqual(['someone-elses-token']);
  });

  it('reports a name that does not exist (NXDOMAIN) as missing', async () => {
    server.setMode('gone.school.example', 'nxdomain');

    expect(await lookupTxt('gone.school.example', options)).toEqual({ status: 'missing' });
    expect(queriesFor('gone.school.example')).toHaveLength(1);
  });

  it('reports a name without TXT records (NODATA) as missing', async () => {
    expect(await lookupTxt('empty.school.example', options)).toEqual({ status: 'missing' });
    expect(queriesFor('empty.school.example')).toHaveLength(1);
  });

  it('reports SERVFAIL as unreachable, naming the lookup and the server', async () => {
    server.setMode('broken.school.example', 'servfail');

    const result = await lookupTxt('broken.school.example', options);

    expect(result.status).toBe('unreachable');
    expect(result.status === 'unreachable' && result.reason).toMatch(/SERVFAIL/);
    expect(result.status === 'unreachable' && result.reason).toContain('broken.school.example');
    expect(result.status === 'unreachable' && result.reason).toContain(server.address);
  });

  it('gives up on a server that never answers, within the configured timeout rather than the 5 s default', async () => {
    server.setMode('silent.school.example', 'silent');
    const started = performance.now();

    const result = await lookupTxt('silent.school.example', { servers: [server.address], timeoutMs: 300, tries: 1 });

    const elapsedMs = performance.now() - started;
    expect(result.status).toBe('unreachable');
    expect(result.status === 'unreachable' && result.reason).toMatch(/timed out/);
    expect(result.status === 'unreachable' && result.reason).toContain(server.address);
    // c-ares checks timeouts on a tick as long as the timeout itself, so one try takes 1–2× timeoutMs.
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(1500);
    expect(queriesFor('silent.school.example')).toHaveLength(1);
  });

  it('asks a silent server again when tries allows it', async () => {
    server.setMode('silent-twice.school.example', 'silent');

    const result = await lookupTxt('silent-twice.school.example', { servers: [server.address], timeoutMs: 200, tries: 2 });

    expect(result.status).toBe('unreachable');
    expect(queriesFor('silent-twice.school.example')).toHaveLength(2);
  });

  it('reports a server with nothing listening as unreachable (refused)', async () => {
    const stopped = await startDnsServer();
    await stopped.close();

    const result = await lookupTxt('school.example', { servers: [stopped.address], timeoutMs: 1000, tries: 1 });

    expect(result.status).toBe('unreachable');
    expect(result.status === 'unreachable' && result.reason).toMatch(/refused/);
    expect(result.status === 'unreachable' && result.reason).toContain(stopped.address);
  });

  it('treats names case-insensitively and accepts a trailing dot', async () => {
    server.setTxt('Mixed.Case.School.Example', ['leakwatch-verification=tok-case']);

    const result = await lookupTxt('mixed.CASE.school.example.', options);

    expect(result).toEqual({ status: 'found', records: ['leakwatch-verification=tok-case'] });
  });

  it.each([
    ['an empty name', '', undefined, /`name`.*``/],
    ['an empty label', 'school..example', undefined, /label.*`school\.\.example`/],
    ['a label over 63 characters', `${'a'.repeat(64)}.example`, undefined, /label/],
    ['a name with a space', 'school example', undefined, /ASCII.*`school example`/],
    ['a non-ASCII name', 'école.example', undefined, /domainToASCII.*`école\.example`/],
    ['a zero timeout', 'school.example', { timeoutMs: 0 }, /`timeoutMs`.*`0` \(number\)/],
    ['a fractional tries', 'school.example', { tries: 1.5 }, /`tries`.*`1\.5`/],
    ['a host name as server', 'school.example', { servers: ['dns.example'] }, /`servers`.*dns\.example/],
    ['no servers', 'school.example', { servers: [] }, /`servers`.*non-empty/],
  ])('rejects %s with a TypeError naming the value', async (_case, name, badOptions, message) => {
    const lookup = lookupTxt(name, { ...options, ...badOptions });

    await expect(lookup).rejects.toThrow(TypeError);
    await expect(lookup).rejects.toThrow(message);
  });
});

describe('findVerificationToken', () => {
  it.each([
    ['a plain record', ['leakwatch-verification=abc'], ['abc']],
    ['a record typed with its quotes', ['"leakwatch-verification=abc"'], ['abc']],
    ['surrounding whitespace', ['  leakwatch-verification=abc \t'], ['abc']],
    ['a quoted token', ['leakwatch-verification="abc"'], ['abc']],
    ['an upper-case prefix, keeping the token as published', ['LEAKWATCH-Verification=AbC'], ['AbC']],
    ['several tokens, once each, in order', ['leakwatch-verification=one', 'leakwatch-verification=two', 'leakwatch-verification=one'], ['one', 'two']],
    ['other services only', ['google-site-verification=abc', 'v=spf1 -all'], []],
    ['our prefix inside another record', ['x-leakwatch-verification=abc', 'note: leakwatch-verification=abc'], []],
    ['an empty token', ['leakwatch-verification=', 'leakwatch-verification=""'], []],
    ['no records', [], []],
  ])('handles %s', (_case, records, expected) => {
    expect(findVerificationToken(records)).toEqual(expected);
  });

  it('uses a custom prefix when given one', () => {
    expect(findVerificationToken(['leakwatch-verification=abc', 'lw-staging=def'], 'lw-staging=')).toEqual(['def']);
  });

  it('rejects an empty prefix, which would match every record', () => {
    expect(() => findVerificationToken(['anything'], '')).toThrow(/`prefix`.*``/);
  });

  it('finds any published token however it is padded with quotes and whitespace', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    const padding = fc.stringMatching(/^["' \t]{0,4}$/);
    fc.assert(
      fc.property(token, padding, padding, padding, padding, (value, a, b, c, d) => {
        expect(findVerificationToken([`${a}leakwatch-verification=${b}${value}${c}${d}`])).toEqual([value]);
      }),
    );
  });
});

describe('the test DNS server', () => {
  it('answers two concurrent queries on one socket, each with its own records', async () => {
    server.setTxt('first.concurrent.example', ['first']);
    server.setTxt('second.concurrent.example', ['second']);
    server.setMode('stalled.concurrent.example', 'silent');
    const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([server.address]);

    const stalled = resolver.resolveTxt('stalled.concurrent.example').catch((error: NodeJS.ErrnoException) => error.code);
    const [first, second] = await Promise.all([resolver.resolveTxt('first.concurrent.example'), resolver.resolveTxt('second.concurrent.example')]);

    expect(first).toEqual([['first']]);
    expect(second).toEqual([['second']]);
    expect(await stalled).toBe('ETIMEOUT');
  });

  it('refuses a character-string longer than DNS allows', () => {
    expect(() => server.setTxt('too-long.example', [['y'.repeat(256)]])).toThrow(RangeError);
  });
});
