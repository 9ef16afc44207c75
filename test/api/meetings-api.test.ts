/**
 * The meetings API beyond create/read/remove: a listing paged by cursor
 * like the leaks', a passcode change compared at once with what was posted,
 * and 405 (with Allow) for a method a path does not take.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFixture, NOW, type ApiFixture } from '../support/api.js';

let f: ApiFixture;
beforeEach(() => (f = apiFixture()));
afterEach(() => f.cleanup());

describe('GET /v1/meetings', () => {
  it('pages by cursor without skipping or repeating, only the organisation\'s, and refuses another listing\'s cursor', async () => {
    for (let i = 0; i < 7; i++) {
      const answer = await f.call('POST', '/v1/meetings', { json: { platform: 'zoom', meetingId: `845 0000 ${1000 + i}`, ownerEmail: 'a@westfield.example' } });
      expect(answer.status).toBe(201);
    }
    const expected = f.store.db.prepare('SELECT id FROM meetings WHERE org_id = ? ORDER BY id').pluck().all(f.a.id) as number[];
    expect(expected).toHaveLength(8);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await f.call('GET', `/v1/meetings?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: f.a.read });
      expect(answer.status, answer.text).toBe(200);
      seen.push(...answer.body.items.map((m: { id: number; orgId: number }) => (expect(m.orgId).toBe(f.a.id), m.id)));
      cursor = answer.body.next;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);

    // A cursor of the leak listing, or of another organisation, is not one of this listing.
    const leakPage = await f.call('GET', '/v1/leaks?limit=1', { token: f.a.read });
    const leakCursor = leakPage.body.next ?? 'eyJhIjoxfQ.x';
    const refused = await f.call('GET', `/v1/meetings?cursor=${encodeURIComponent(leakCursor)}`, { token: f.a.read });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('cursor');
    const first = await f.call('GET', '/v1/meetings?limit=1', { token: f.a.read });
    const theirs = await f.call('GET', `/v1/meetings?cursor=${encodeURIComponent(first.body.next)}`, { token: f.b.read });
    expect(theirs.status).toBe(400);
    for (const limit of ['0', '101', 'x']) expect((await f.call('GET', `/v1/meetings?limit=${limit}`, { token: f.a.read })).status, limit).toBe(400);
  });
});

describe('PATCH /v1/meetings/{id} with a passcode', () => {
  it('compares the new passcode at once with the one posted: the leak says whether what leaked still works', async () => {
    const created = await f.call('POST', '/v1/meetings', { json: { platform: 'zoom', meetingId: '845 7777 1234', ownerEmail: 'teacher@westfield.example' } });
    const id = created.body.id as number;
    f.store.matcher.ingestPage([{ source: 'reddit', sourceId: 'p1', text: 'raid maths: Meeting ID: 845 7777 1234 Passcode: 909090', createdAt: NOW.toISOString() }], { now: NOW });
    const state = () => f.store.db.prepare("SELECT passcode_state FROM leaks WHERE org_id = ? AND meeting_ref = ?").pluck().get(f.a.id, id);
    expect(state()).toBe('unknown');
    expect((await f.call('PATCH', `/v1/meetings/${id}`, { json: { passcode: '909090' } })).status).toBe(200);
    expect(state()).toBe('matches');
    // Rotated: the posted passcode no longer opens it.
    expect((await f.call('PATCH', `/v1/meetings/${id}`, { json: { passcode: '424242' } })).status).toBe(200);
    expect(state()).toBe('differs');
    const text = JSON.stringify(f.store.db.prepare('SELECT * FROM meetings').all());
    expect(text).not.toContain('424242');
    expect(text).not.toContain('909090');
  });
});

describe('methods a path does not take', () => {
  it('answers 405 naming the methods it takes (Allow), and 404 for a path that is not the API\'s', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/v1/meetings', 'GET, POST'],
      ['DELETE', '/v1/leaks', 'GET'],
      ['PUT', '/v1/meetings/5', 'GET, PATCH, DELETE'],
      ['GET', '/v1/leaks/5/actions', 'POST'],
      ['PATCH', '/v1/organisation', 'GET'],
    ] as const) {
      const answer = await f.call(method, path, { token: f.a.write });
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await f.call('GET', '/v1/nothing', { token: f.a.read })).status).toBe(404);
    // Without a token, nothing is told about routes.
    expect((await f.call('PUT', '/v1/meetings', { token: null })).status).toBe(401);
  });
});
