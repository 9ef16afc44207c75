/**
 * Changing a meeting on the dashboard: an admin changes any of the
 * organisation's, an organiser their own (not who organises it); a new
 * passcode re-compares its leaks; a bad value is refused naming it, with
 * what was typed kept (never the passcode) and nothing changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getMeeting } from '../../src/registry/meetings.js';
import { addOrganiser } from '../../src/registry/organisations.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';

let store: TestStore;
let web: TestWeb;
let orgId: number;
let mine: number;
let theirs: number;

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  web = dashboardApp(store);
  addOrganiser(store.db, orgId, 'teacher@westfield.example', 'test');
  addOrganiser(store.db, orgId, 'other@westfield.example', 'test');
  mine = store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', title: 'Maths' }, 'test', web.clock.now).meeting.id;
  theirs = store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: '84512397261', ownerEmail: 'other@westfield.example', title: 'Art' }, 'test', web.clock.now).meeting.id;
});
afterEach(() => store.cleanup());

const form = (overrides: Record<string, string> = {}) => ({ title: 'Maths', starts: '', ends: '', recurrence: '', ...overrides });

describe('editing a meeting', () => {
  it('lets an admin change every field, and a new passcode re-compares its leak', async () => {
    store.matcher.ingestPage([{ source: 'reddit', sourceId: 'p', url: null, author: 'a', createdAt: web.clock.now.toISOString(), text: 'raid Meeting ID: 845 1239 7260 Passcode: 909090' }], { now: web.clock.now });
    const admin = await signedIn(web, store, 'it@westfield.example');
    const page = await admin.get(`/orgs/${orgId}/meetings/${mine}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('value="Maths"');
    const saved = await admin.post(`/orgs/${orgId}/meetings/${mine}`, form({ title: 'Year 9 <Maths>', owner: 'other@westfield.example', passcode: '909090', starts: '2026-09-02T09:00+01:00', ends: '2026-09-02T10:00+01:00', recurrence: 'FREQ=WEEKLY;BYDAY=WE', public: 'on' }));
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('1 of its leaks were compared with the new passcode again.');
    expect(saved.body).toContain('Year 9 &lt;Maths&gt;');
    expect(saved.body).not.toContain('909090');
    expect(getMeeting(store.db, orgId, mine)).toMatchObject({ title: 'Year 9 <Maths>', ownerEmail: 'other@westfield.example', hasPasscode: true, startsAt: '2026-09-02T08:00:00.000Z', endsAt: '2026-09-02T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=WE', public: true });
    expect(store.db.prepare('SELECT passcode_state FROM leaks WHERE meeting_ref = ?').pluck().get(mine)).toBe('matches');
    // Empty passcode keeps it; "forget" forgets it.
    await admin.post(`/orgs/${orgId}/meetings/${mine}`, form({ owner: 'other@westfield.example' }));
    expect(getMeeting(store.db, orgId, mine).hasPasscode).toBe(true);
    await admin.post(`/orgs/${orgId}/meetings/${mine}`, form({ owner: 'other@westfield.example', forget: 'on' }));
    expect(getMeeting(store.db, orgId, mine).hasPasscode).toBe(false);
  });

  it('refuses a bad value naming it, keeps what was typed but the passcode, and changes nothing', async () => {
    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/meetings/${mine}`);
    for (const [fields, named] of [
      [{ starts: '2026-02-30T09:00Z' }, 'is not a real date'],
      [{ starts: '2026-09-02T10:00Z', ends: '2026-09-02T09:00Z' }, 'before it starts'],
      [{ owner: 'not an address' }, 'is not a valid owner email address'],
    ] as const) {
      const refused = await admin.post(`/orgs/${orgId}/meetings/${mine}`, form({ owner: 'teacher@westfield.example', title: 'Typed title', passcode: '777111', ...fields }));
      expect(refused.status, JSON.stringify(fields)).toBe(400);
      expect(refused.body).toContain(named);
      expect(refused.body).toContain('value="Typed title"');
      expect(refused.body).not.toContain('777111');
    }
    expect(getMeeting(store.db, orgId, mine)).toMatchObject({ title: 'Maths', hasPasscode: false, startsAt: null });
  });

  it('lets an organiser change their own meeting but not its organiser, and hides the others (404)', async () => {
    const teacher = await signedIn(web, store, 'teacher@westfield.example');
    const list = await teacher.get(`/orgs/${orgId}/meetings`);
    expect(list.body).toContain(`/orgs/${orgId}/meetings/${mine}`);
    expect(list.body).not.toContain(`/orgs/${orgId}/meetings/${theirs}`);
    const page = await teacher.get(`/orgs/${orgId}/meetings/${mine}`);
    expect(page.body).not.toContain('name="owner"');
    // An owner sent anyway is not applied.
    expect((await teacher.post(`/orgs/${orgId}/meetings/${mine}`, form({ title: 'Maths 2', owner: 'evil@westfield.example' }))).status).toBe(200);
    expect(getMeeting(store.db, orgId, mine)).toMatchObject({ title: 'Maths 2', ownerEmail: 'teacher@westfield.example' });
    expect((await teacher.get(`/orgs/${orgId}/meetings/${theirs}`)).status).toBe(404);
    await teacher.get(`/orgs/${orgId}/meetings/${mine}`);
    expect((await teacher.post(`/orgs/${orgId}/meetings/${theirs}`, form({ title: 'mine now' }))).status).toBe(404);
    expect(getMeeting(store.db, orgId, theirs).title).toBe('Art');
    expect((await teacher.post(`/orgs/${orgId}/meetings/${mine}`, form({ title: 'x' }), { csrf: false })).status).toBe(403);
  });
});
