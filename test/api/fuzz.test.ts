import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/routes.js';
import { apiFixture, idFor, type ApiFixture } from '../support/api.js';

let f: ApiFixture;
beforeEach(() => (f = apiFixture({ perToken: { burst: 1e6, perSecond: 1e6 }, perAddress: { burst: 1e6, perSecond: 1e6 } })));
afterEach(() => f.cleanup());

/** What a client's mistakes may be answered with: never a fault. */
const CLIENT_ANSWERS = [200, 201, 400, 404, 413, 415, 422];

describe('whatever a client sends', () => {
  it('to a JSON route is answered as the client’s mistake or done, never a fault', async () => {
    const routes = ROUTES.filter((r) => r.body?.contentType === 'application/json');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 })), async (route, raw) => {
        const path = route.path.replace('{id}', String(route.params ? idFor(f.a, route.path) : 0));
        const answer = await f.call(route.method.toUpperCase(), path, { raw, contentType: 'application/json' });
        expect(CLIENT_ANSWERS, `${route.method} ${path} ${raw}: ${answer.text}`).toContain(answer.status);
      }),
      { numRuns: 300 },
    );
    expect(f.logLines.filter((line) => line.includes('API request failed'))).toEqual([]);
  });

  it('as a CSV import is imported or refused with its problems, never a fault', async () => {
    const cell = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('zoom', '845 1239 7260', 'a@westfield.example', '"', '""', ',', '\r\n', '2026-09-01T09:00:00Z'));
    const csv = fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 6 }).map((rows) => ['platform,meeting_id,owner_email,title', ...rows.map((r) => r.join(','))].join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(csv, fc.string({ maxLength: 300 })), async (raw) => {
        const answer = await f.call('POST', '/v1/meetings/import', { raw, contentType: 'text/csv' });
        expect(CLIENT_ANSWERS, `${JSON.stringify(raw)}: ${answer.text}`).toContain(answer.status);
      }),
      { numRuns: 200 },
    );
    expect(f.logLines.filter((line) => line.includes('API request failed'))).toEqual([]);
  });

  it('as paths and queries is answered without a fault', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (method, segment, query) => {
        const answer = await f.call(method, `/v1/${encodeURIComponent(segment)}?${encodeURIComponent(query)}=${encodeURIComponent(segment)}`);
        expect(answer.status).toBeLessThan(500);
        const leaks = await f.call('GET', `/v1/leaks?${encodeURIComponent(segment)}=${encodeURIComponent(query)}`);
        expect(leaks.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
