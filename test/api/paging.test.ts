import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeLeakStatus } from '../../src/match/lifecycle.js';
import { apiFixture, leakMeeting, NOW, type ApiFixture } from '../support/api.js';

let f: ApiFixture;
beforeEach(() => (f = apiFixture()));
afterEach(() => f.cleanup());

let zoom = 84_500_000_000;
/** A new leak of organisation `orgId`, through registration and a post, as the pipeline makes them. */
function newLeak(orgId: number, at: Date = NOW): number {
  zoom += 1;
  return leakMeeting(f.store, orgId, String(zoom), String(100_000 + (zoom % 900_000)), 'teacher@westfield.example', at).leakId;
}

function leakIdsOf(orgId: number): number[] {
  return f.store.db.prepare('SELECT id FROM leaks WHERE org_id = ? ORDER BY id').pluck().all(orgId) as number[];
}

async function page(query: string, token = f.a.read) {
  const answer = await f.call('GET', `/v1/leaks${query}`, { token });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { items: { id: number; orgId: number }[]; next: string | null };
}

describe('GET /v1/leaks paging', () => {
  it('never skips or repeats a leak while leaks are opened, changed and closed between pages', async () => {
    for (let i = 0; i < 20; i++) newLeak(i % 3 === 0 ? f.b.id : f.a.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = await page(`?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...body.items.map((l) => l.id));
      expect(body.items.every((l) => l.orgId === f.a.id)).toBe(true);
      expect(body.items.length).toBeLessThanOrEqual(4);
      cursor = body.next;
      pages++;
      if (pages <= 3) {
        // Between pages: new leaks for both schools, a leak seen again (its last_seen and severity move), one resolved.
        newLeak(f.a.id, new Date(NOW.getTime() + pages * 60_000));
        newLeak(f.b.id);
        const first = leakIdsOf(f.a.id)[0]!;
        f.store.db.prepare("UPDATE leaks SET last_seen = '2030-01-01T00:00:00.000Z', severity = 'critical' WHERE id = ?").run(first);
        if (pages === 2) changeLeakStatus(f.store.db, { orgId: f.a.id, leakId: leakIdsOf(f.a.id)[1]!, to: 'resolved', actor: 'test' });
      }
    } while (cursor !== null && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(leakIdsOf(f.a.id));
    expect(pages).toBeGreaterThan(4);
  });

  it('keeps the filters from page to page, and a page of exactly the limit says there is no next when nothing follows', async () => {
    for (let i = 0; i < 5; i++) newLeak(f.a.id);
    const all = leakIdsOf(f.a.id);
    expect(all).toHaveLength(6);
    const first = await page('?limit=3&platform=zoom');
    expect(first.items.map((l) => l.id)).toEqual(all.slice(0, 3));
    const second = await page(`?limit=3&platform=zoom&cursor=${encodeURIComponent(first.next!)}`);
    expect(second.items.map((l) => l.id)).toEqual(all.slice(3));
    expect(second.next).toBeNull();
    expect((await page('?limit=100')).items).toHaveLength(6);
  });

  it('refuses a cursor that was edited, made up, made for other filters or for another organisation', async () => {
    for (let i = 0; i < 4; i++) {
      newLeak(f.a.id);
      newLeak(f.b.id);
    }
    const { next } = await page('?limit=2');
    const cursor = next!;
    const [payload, mac] = cursor.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ a: 0 })).toString('base64url')}.${mac}`;
    const flipped = `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    const tampered = [forged, flipped, `${payload}.`, payload, `${cursor}.x`, 'x'.repeat(500), '%00', "' OR 1=1 --", `${payload}.${mac}=`];
    for (const bad of tampered) {
      const answer = await f.call('GET', `/v1/leaks?limit=2&cursor=${encodeURIComponent(bad)}`, { token: f.a.read });
      expect(answer.status, bad).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
    // The page size may change from page to page; the filters may not.
    expect((await f.call('GET', `/v1/leaks?limit=3&cursor=${encodeURIComponent(cursor)}`, { token: f.a.read })).status).toBe(200);
    for (const query of ['?limit=2&status=open', '?limit=2&platform=zoom', '?limit=2&since=2026-01-01T00:00:00Z']) {
      expect((await f.call('GET', `/v1/leaks${query}&cursor=${encodeURIComponent(cursor)}`, { token: f.a.read })).status, query).toBe(400);
    }
    expect((await f.call('GET', `/v1/leaks?limit=2&cursor=${encodeURIComponent(cursor)}`, { token: f.b.read })).status).toBe(400);
    expect((await f.call('GET', `/v1/leaks?limit=2&cursor=${encodeURIComponent(cursor)}`, { token: f.a.read })).status).toBe(200);
  });

  it('answers any cursor a client makes up with 400, never a page or a fault', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (cursor) => {
        f.advance(1000);
        const answer = await f.call('GET', `/v1/leaks?cursor=${encodeURIComponent(cursor)}`, { token: f.a.read });
        expect(answer.status).toBe(400);
      }),
      { numRuns: 150 },
    );
  });
});
