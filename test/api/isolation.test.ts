import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/routes.js';
import { apiFixture, EXAMPLE_BODIES, idFor, snapshot, type ApiFixture } from '../support/api.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { VERIFICATION } from '../support/store.js';

let dns: DnsTestServer;
beforeAll(async () => (dns = await startDnsServer()));
afterAll(() => dns.close());

let f: ApiFixture;
beforeEach(() => {
  f = apiFixture({ verification: { ...VERIFICATION, dnsServers: [dns.address], dnsTimeoutMs: 300 } });
  // Were the check to reach B's identifier, DNS would prove it: the walk would see the change.
  dns.setTxt(`meet.${f.b.domain}`, [`leakwatch-verification=${f.b.dnsToken}`]);
});
afterEach(() => f.cleanup());

/** What would give organisation B away in an answer to A. */
function mentionsB(text: string): boolean {
  return [f.b.name, f.b.domain, '91234567801', '314159'].some((secret) => text.includes(secret));
}

describe("a token of organisation A against organisation B's ids", () => {
  it('is answered 404 on every route with an id, exactly as an id that does not exist, and nothing changes', async () => {
    const before = snapshot(f.store);
    const walked: string[] = [];
    for (const route of ROUTES.filter((r) => r.params)) {
      const example = EXAMPLE_BODIES[route.operationId] ?? {};
      const request = (id: number) => f.call(route.method.toUpperCase(), route.path.replace('{id}', String(id)), { token: f.a.write, ...example });
      const foreign = await request(idFor(f.b, route.path));
      expect(foreign.status, `${route.method} ${route.path}`).toBe(404);
      expect(mentionsB(foreign.text), foreign.text).toBe(false);
      const missing = await request(987_654);
      expect(missing.status).toBe(404);
      // The same words, but for the number: nothing tells "another organisation's" from "none".
      const withoutNumber = (text: string, id: number) => text.replace(new RegExp(`\\b${id}\\b`, 'g'), 'N');
      expect(withoutNumber(foreign.text, idFor(f.b, route.path))).toBe(withoutNumber(missing.text, 987_654));
      walked.push(`${route.method} ${route.path}`);
    }
    expect(snapshot(f.store)).toEqual(before);
    expect(dns.queries.filter((q) => q.name.includes(f.b.domain))).toEqual([]);
    expect(walked.sort()).toEqual([
      'delete /v1/meetings/{id}',
      'get /v1/leaks/{id}',
      'get /v1/meetings/{id}',
      'patch /v1/meetings/{id}',
      'post /v1/identifiers/{id}/check',
      'post /v1/leaks/{id}/actions',
    ]);
  });

  it('never shows B in what A lists or reads', async () => {
    const routes = ROUTES.filter((r) => r.method === 'get');
    for (const route of routes) {
      const path = route.path.includes('{id}') ? route.path.replace('{id}', String(idFor(f.a, route.path))) : route.path;
      const answer = await f.call('GET', path, { token: f.a.read });
      expect(answer.status, path).toBe(200);
      expect(mentionsB(answer.text), `${path}: ${answer.text}`).toBe(false);
      expect(answer.text, path).toContain('westfield.example');
    }
    // B's own token does see B's: the check above is not blind.
    const own = await f.call('GET', '/v1/leaks', { token: f.b.read });
    expect(mentionsB(own.text)).toBe(true);
  });

  it("with a read token is refused on the write routes for its scope (403), whose answer says nothing of B", async () => {
    for (const route of ROUTES.filter((r) => r.params && r.scope === 'write')) {
      const answer = await f.call(route.method.toUpperCase(), route.path.replace('{id}', String(idFor(f.b, route.path))), { token: f.a.read, ...(EXAMPLE_BODIES[route.operationId] ?? {}) });
      expect(answer.status).toBe(403);
      expect(mentionsB(answer.text)).toBe(false);
    }
  });
});
