/**
 * An organisation's settings on the dashboard: its admins set digest hours,
 * the daily cap and escalation (what they leave empty is the installation's
 * default), and the alerts queued afterwards follow them; organisers may
 * not change them, and nobody reaches another organisation's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { Notifier } from '../../src/notify/worker.js';
import { addAdmin, addOrganiser } from '../../src/registry/organisations.js';
import { effectiveSettings, organisationSettings, updateOrganisationSettings } from '../../src/registry/org-settings.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';
import type { MailTransport } from '../../src/notify/smtp.js';

let store: TestStore;
let web: TestWeb;
let orgId: number;
let otherOrg: number;
const DEFAULTS = { digestHours: 6, dailyCap: 20, escalateAfterMinutes: 60 };

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  otherOrg = school(store, 'Eastfield Academy', 'eastfield.example');
  web = dashboardApp(store, { notify: DEFAULTS });
});
afterEach(() => store.cleanup());

/** A critical leak of a registered meeting of `org`, posted now. */
function leakOf(org: number, meetingId: string, owner = 'teacher@westfield.example', at = new Date('2026-09-01T12:00:00.000Z')): void {
  store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId, ownerEmail: owner, title: 'Year 9 Maths', passcode: '662810' }, 'test', at);
  store.matcher.ingestPage(
    [{ source: 'fourchan', sourceId: meetingId, url: `https://boards.4chan.org/b/thread/${meetingId}`, author: 'Anonymous', createdAt: at.toISOString(), text: `raid it Meeting ID: ${meetingId} Passcode: 662810` }],
    { now: at },
  );
}

describe('organisation settings on the dashboard', () => {
  it('shows the defaults, saves what the admin sets, says who changed it, and audits the change', async () => {
    const admin = await signedIn(web, store, 'it@westfield.example');
    const page = await admin.get(`/orgs/${orgId}/settings`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('placeholder="6"');
    expect(page.body).toContain("Empty: this installation&#39;s default, 20.");
    const saved = await admin.post(`/orgs/${orgId}/settings`, { digestHours: '12', dailyCap: '5', escalateAfterMinutes: '', escalation: 'on' });
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Settings saved.');
    expect(saved.body).toContain('value="12"');
    expect(saved.body).toContain('by web:it@westfield.example');
    expect(organisationSettings(store.db, orgId)).toMatchObject({ digestHours: 12, dailyCap: 5, escalation: true, escalateAfterMinutes: null });
    expect(effectiveSettings(store.db, orgId, DEFAULTS)).toEqual({ digestHours: 12, dailyCap: 5, escalation: true, escalateAfterMinutes: 60 });
    // The other organisation keeps the defaults.
    expect(effectiveSettings(store.db, otherOrg, DEFAULTS)).toEqual({ ...DEFAULTS, escalation: true });
    const audited = store.db.prepare("SELECT detail FROM audit_log WHERE action = 'organisation.settings-changed' AND org_id = ?").pluck().all(orgId) as string[];
    expect(audited.map((d) => JSON.parse(d))).toEqual([{ digestHours: 12, dailyCap: 5 }]);

    // An unticked box turns escalation off; saving the same again audits nothing new.
    await admin.post(`/orgs/${orgId}/settings`, { digestHours: '12', dailyCap: '5', escalateAfterMinutes: '' });
    expect(organisationSettings(store.db, orgId).escalation).toBe(false);
    await admin.post(`/orgs/${orgId}/settings`, { digestHours: '12', dailyCap: '5', escalateAfterMinutes: '' });
    expect(store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'organisation.settings-changed'").pluck().get()).toBe(2);
  });

  it('refuses values out of bounds or not numbers, naming the setting and keeping what was stored', async () => {
    updateOrganisationSettings(store.db, orgId, { digestHours: 3 }, 'test');
    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/settings`);
    for (const [form, named] of [
      [{ digestHours: '0' }, 'digest hours: 0 is not a whole number from 1 to 168'],
      [{ digestHours: '169' }, 'digest hours'],
      [{ dailyCap: '2.5' }, 'daily cap: &quot;2.5&quot; is not a whole number'],
      [{ dailyCap: '-1' }, 'daily cap'],
      [{ escalateAfterMinutes: '1' }, 'escalate after minutes: 1 is not a whole number from 5 to 10080'],
      [{ escalateAfterMinutes: '1e3' }, 'escalate after minutes'],
    ] as const) {
      const refused = await admin.post(`/orgs/${orgId}/settings`, { ...{ digestHours: '', dailyCap: '', escalateAfterMinutes: '' }, ...form });
      expect(refused.status, JSON.stringify(form)).toBe(400);
      expect(refused.body).toContain(named);
    }
    expect(organisationSettings(store.db, orgId).digestHours).toBe(3);
  });

  it('is for admins only (organisers 403), 404 for another organisation and for a guessed id, 403 without the CSRF token', async () => {
    addOrganiser(store.db, orgId, 'teacher@westfield.example', 'test');
    const organiser = await signedIn(web, store, 'teacher@westfield.example');
    expect((await organiser.get(`/orgs/${orgId}/settings`)).status).toBe(403);
    await organiser.get('/');
    expect((await organiser.post(`/orgs/${orgId}/settings`, { dailyCap: '1' })).status).toBe(403);
    const admin = await signedIn(web, store, 'it@westfield.example');
    expect((await admin.get(`/orgs/${otherOrg}/settings`)).status).toBe(404);
    expect((await admin.get('/orgs/999/settings')).status).toBe(404);
    await admin.get(`/orgs/${orgId}/settings`);
    expect((await admin.post(`/orgs/${otherOrg}/settings`, { dailyCap: '1' })).status).toBe(404);
    expect((await admin.post(`/orgs/${orgId}/settings`, { dailyCap: '1' }, { csrf: false })).status).toBe(403);
    expect(organisationSettings(store.db, orgId).dailyCap).toBeNull();
    expect(organisationSettings(store.db, otherOrg).dailyCap).toBeNull();
  });
});

describe('alerts follow the organisation settings', () => {
  it('escalates after the organisation\'s minutes, or not at all when it turned escalation off', () => {
    addAdmin(store.db, orgId, 'head@westfield.example', 'test');
    addAdmin(store.db, otherOrg, 'head@eastfield.example', 'test');
    updateOrganisationSettings(store.db, orgId, { escalateAfterMinutes: 15 }, 'test');
    updateOrganisationSettings(store.db, otherOrg, { escalation: false }, 'test');
    leakOf(orgId, '84512397260');
    leakOf(otherOrg, '84512397261', 'teacher@eastfield.example');
    const escalations = listOutbox(store.db, {}).filter((m) => m.kind === 'escalation');
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.every((m) => m.orgId === orgId)).toBe(true);
    expect(escalations.map((m) => m.nextAttemptAt)).toContain('2026-09-01T12:15:00.000Z');
  });

  it('gathers later posts into digests of the organisation\'s length', () => {
    updateOrganisationSettings(store.db, orgId, { digestHours: 24 }, 'test');
    const at = new Date('2026-09-01T12:00:00.000Z');
    leakOf(orgId, '84512397260', 'teacher@westfield.example', at);
    // The alert was sent; a later post of the same meeting is for the digest.
    store.db.prepare("UPDATE outbox SET status = 'sent', sent_at = ?, last_attempt_at = ? WHERE kind = 'alert'").run(at.toISOString(), at.toISOString());
    const later = new Date('2026-09-01T13:00:00.000Z');
    store.matcher.ingestPage([{ source: 'reddit', sourceId: 'r2', url: 'https://www.reddit.com/r/x/comments/r2/', author: 'u/x', createdAt: later.toISOString(), text: 'again Meeting ID: 84512397260 Passcode: 662810' }], { now: later });
    const digests = listOutbox(store.db, {}).filter((m) => m.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]!.nextAttemptAt).toBe('2026-09-02T00:00:00.000Z');
  });

  it('holds messages back at the organisation\'s daily cap', async () => {
    updateOrganisationSettings(store.db, orgId, { dailyCap: 1 }, 'test');
    const clock = new FakeClock('2026-09-01T12:00:00.000Z');
    // Two medium leaks to one organiser (medium: not critical, so the cap applies).
    for (const id of ['84512397260', '84512397262']) {
      store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: id, ownerEmail: 'teacher@westfield.example', title: `Class ${id}` }, 'test', clock.now);
      store.matcher.ingestPage([{ source: 'reddit', sourceId: id, url: `https://www.reddit.com/r/x/comments/${id}/`, author: 'u/x', createdAt: clock.now.toISOString(), text: `notes from class: zoom ${id}` }], { now: clock.now });
    }
    const alerts = listOutbox(store.db, {}).filter((m) => m.kind === 'alert' && m.recipient === 'teacher@westfield.example');
    expect(alerts).toHaveLength(2);
    const sent: string[] = [];
    const mailer: MailTransport = { send: async (message: { subject: string }) => void sent.push(message.subject), close: () => undefined } as unknown as MailTransport;
    const notifier = new Notifier({ db: store.db, config: notifierConfig(), secrets: {}, log: createLogger({ level: 'silent' }), mailer, clock: clock.read, random: () => 0 });
    expect(await notifier.flush()).toMatchObject({ sent: 1, waiting: 1 });
    const waiting = listOutbox(store.db, { status: 'pending' }).find((m) => m.kind === 'alert');
    expect(waiting!.lastError).toBe('daily cap of 1 messages to teacher@westfield.example reached');
  });
});
