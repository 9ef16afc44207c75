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

describe('people', () => {
  it('grants a role (inviting a proven address, not another), takes it away, and keeps the last admin', async () => {
    f.store.db.prepare("DELETE FROM contacts WHERE email = 'teacher@westfield.example'").run();
    const added = await f.call('POST', '/v1/people', { json: { email: 'Teacher@Westfield.example', role: 'organiser' } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ email: 'teacher@westfield.example', role: 'organiser', invited: true, reason: null });
    const stranger = await f.call('POST', '/v1/people', { json: { email: 'x@elsewhere.example', role: 'admin' } });
    expect(stranger.body).toMatchObject({ invited: false, reason: expect.stringContaining('elsewhere.example is not a proven email domain') });
    expect(f.store.db.prepare("SELECT recipient FROM outbox WHERE kind = 'invitation'").pluck().all()).toEqual(['teacher@westfield.example']);
    const listed = await f.call('GET', '/v1/people', { token: f.a.read });
    expect(listed.body.items.map((p: { email: string }) => p.email)).toContain('teacher@westfield.example');

    const removed = await f.call('POST', '/v1/people/remove', { json: { email: 'teacher@westfield.example', role: 'organiser' } });
    expect(removed.status).toBe(200);
    expect(removed.body.items.map((p: { email: string }) => p.email)).not.toContain('teacher@westfield.example');
    expect((await f.call('POST', '/v1/people/remove', { json: { email: 'teacher@westfield.example', role: 'organiser' } })).status).toBe(404);
    expect((await f.call('POST', '/v1/people/remove', { json: { email: 'teacher@westfield.example' } })).status).toBe(400);
    expect((await f.call('POST', '/v1/people', { json: { email: 'bob@', role: 'organiser' } })).status).toBe(400);
    expect((await f.call('POST', '/v1/people', { json: { email: 'a@westfield.example', role: 'owner' } })).status).toBe(400);
    // Read tokens change nothing; another organisation's people are not found.
    expect((await f.call('POST', '/v1/people', { token: f.a.read, json: { email: 'z@westfield.example', role: 'admin' } })).status).toBe(403);
    const theirs = f.store.db.prepare("SELECT email FROM contacts WHERE org_id = ? AND role = 'admin'").pluck().get(f.b.id) as string;
    expect((await f.call('POST', '/v1/people/remove', { json: { email: theirs, role: 'admin' } })).status).toBe(404);
    expect(f.store.db.prepare("SELECT count(*) FROM contacts WHERE org_id = ? AND email = ?").pluck().get(f.b.id, theirs)).toBe(1);
    expect((await f.call('POST', '/v1/people/remove', { json: { email: 'x@elsewhere.example', role: 'admin' } })).status).toBe(200);
    // The last admin stays.
    const admins = f.store.db.prepare("SELECT email FROM contacts WHERE org_id = ? AND role = 'admin'").pluck().all(f.a.id) as string[];
    expect(admins).toEqual(['it@westfield.example']);
    const last = await f.call('POST', '/v1/people/remove', { json: { email: admins[0], role: 'admin' } });
    expect(last.status).toBe(422);
    expect(last.body.detail).toContain('only admin');
  });
});
