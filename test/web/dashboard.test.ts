/**
 * The dashboard's pages driven as a browser would (forms, cookies, CSRF
 * tokens) against a real SQLite file and a real DNS server on loopback:
 * creating an organisation, proving its domain, its people, meetings and
 * CSV import, leaks and their status; escaping of everything people and
 * posts wrote.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listLeaks } from '../../src/match/leaks.js';
import { listIdentifiers } from '../../src/registry/identifiers.js';
import { addOrganiser } from '../../src/registry/organisations.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';
import { type Browser, dashboardApp, signedIn, type TestWeb } from '../support/web.js';

let dns: DnsTestServer;
let store: TestStore;
let web: TestWeb;

beforeAll(async () => (dns = await startDnsServer()));
afterAll(() => dns.close());
beforeEach(() => {
  store = tempStore();
  web = dashboardApp(store, { dnsServers: [dns.address] });
});
afterEach(() => store.cleanup());

const XSS = '<script>alert(1)</script>';

/** Posts a form of the last page: the CSRF token comes from it. */
async function submit(browser: Browser, path: string, form: Record<string, string> = {}) {
  return browser.post(path, form);
}

function ingest(text: string, id: string) {
  store.matcher.ingestPage([{ source: 'reddit', sourceId: id, url: `https://www.reddit.com/r/x/${id}/`, author: 'student7', createdAt: web.clock.now.toISOString(), text }], { now: web.clock.now });
}

describe('an organisation', () => {
  it('is created by a signed-in person, who becomes its admin; its name is escaped everywhere', async () => {
    const browser = await signedIn(web, store, 'head@eastfield.example');
    expect((await browser.get('/')).body).toContain('not in any organisation yet');
    await browser.get('/orgs/new');
    const created = await submit(browser, '/orgs/new', { name: `Eastfield ${XSS} High` });
    expect(created.status).toBe(303);
    const orgId = Number(created.response.headers.get('location')!.split('/').at(-1));
    expect(count(store.db, 'contacts', "org_id = ? AND email = 'head@eastfield.example' AND role = 'admin'", orgId)).toBe(1);
    for (const path of ['/', `/orgs/${orgId}`, `/orgs/${orgId}/meetings`, `/orgs/${orgId}/leaks`]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).not.toContain(XSS);
      expect(page.body, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    // It has no proven identifier: nothing about it is alerted yet, and the page says what to do.
    expect((await browser.get(`/orgs/${orgId}`)).body).toContain('Add your school');
    const taken = await submit(browser, '/orgs/new', { name: `eastfield ${XSS} high` });
    expect(taken.status).toBe(400);
    expect(taken.body).toContain('already exists');
    expect(taken.body).not.toMatch(/\(id \d+\)/);
  });

  it('proves its domain by the DNS record the page shows and "check now", as `identifier verify --method dns` does', async () => {
    const org = school(store, 'Westfield High', 'westfield.example', { verified: false });
    const browser = await signedIn(web, store, 'it@westfield.example');
    await browser.get(`/orgs/${org}`);
    const added = await submit(browser, `/orgs/${org}/identifiers`, { kind: 'meeting-domain', value: 'meet.westfield.example' });
    expect(added.status).toBe(200);
    const record = /leakwatch-verification=([\w-]+)/.exec(added.body)![0];
    const id = listIdentifiers(store.db, org).find((i) => i.value === 'meet.westfield.example')!.id;

    const early = await submit(browser, `/orgs/${org}/identifiers/${id}/check`);
    expect(early.status).toBe(409);
    expect(early.body).toContain('no &quot;leakwatch-verification=…&quot; TXT record');
    dns.setTxt('meet.westfield.example', [record]);
    const checked = await submit(browser, `/orgs/${org}/identifiers/${id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body).toContain('is proven by DNS');
    expect(listIdentifiers(store.db, org).find((i) => i.id === id)).toMatchObject({ status: 'verified', method: 'dns', verifiedBy: 'web:it@westfield.example' });
  });

  it('mails a verification link only to an admin mailbox of the domain', async () => {
    const org = school(store, 'Westfield High', 'westfield.example', { verified: false });
    const browser = await signedIn(web, store, 'it@westfield.example');
    await browser.get(`/orgs/${org}`);
    const id = listIdentifiers(store.db, org)[0]!.id;
    expect((await submit(browser, `/orgs/${org}/identifiers/${id}/email`, { address: 'student@westfield.example' })).status).toBe(409);
    expect((await submit(browser, `/orgs/${org}/identifiers/${id}/email`, { address: 'postmaster@westfield.example' })).status).toBe(200);
    expect(count(store.db, 'outbox', "kind = 'verification' AND recipient = 'postmaster@westfield.example'")).toBe(1);
  });

  it('adds and removes its people; the last admin stays; an organiser changes nothing', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    const admin = await signedIn(web, store, 'it@westfield.example');
    const added = await submit(admin, `/orgs/${org}/people`, { email: 'Teacher@Westfield.example', role: 'organiser' });
    expect(added.status).toBe(200);
    expect(added.body).toContain('teacher@westfield.example is now an organiser of Westfield High; an invitation is on its way to them.');
    expect(count(store.db, 'contacts', "org_id = ? AND email = 'teacher@westfield.example' AND role = 'organiser'", org)).toBe(1);
    expect(count(store.db, 'outbox', "kind = 'invitation' AND recipient = 'teacher@westfield.example'")).toBe(1);
    await admin.get(`/orgs/${org}`);
    const last = await submit(admin, `/orgs/${org}/people/remove`, { email: 'it@westfield.example', role: 'admin' });
    expect(last.status).toBe(409);
    expect(last.body).toContain('only admin');

    const teacher = await signedIn(web, store, 'teacher@westfield.example');
    expect((await teacher.get(`/orgs/${org}`)).body).toContain('organiser');
    expect((await submit(teacher, `/orgs/${org}/people`, { email: 'x@westfield.example', role: 'admin' })).status).toBe(403);
    expect((await submit(teacher, `/orgs/${org}/identifiers`, { kind: 'email-domain', value: 'x.example' })).status).toBe(403);
    expect(count(store.db, 'contacts', 'org_id = ?', org)).toBe(2);

    await admin.get(`/orgs/${org}`);
    expect((await submit(admin, `/orgs/${org}/people/remove`, { email: 'teacher@westfield.example', role: 'organiser' })).status).toBe(303);
    expect((await teacher.get(`/orgs/${org}`)).status).toBe(404);
  });
});

describe('meetings', () => {
  it('adds one (matched at once against stored posts) and removes it', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    ingest('maths class zoom.us/j/84512397260', 'p1');
    const browser = await signedIn(web, store, 'it@westfield.example');
    await browser.get(`/orgs/${org}/meetings`);
    const added = await submit(browser, `/orgs/${org}/meetings`, { meeting: '845 1239 7260', platform: 'zoom', owner: 'teacher@westfield.example', title: `Maths ${XSS}` });
    expect(added.status).toBe(200);
    expect(added.body).toContain('1 leak(s) opened');
    expect(added.body).not.toContain(XSS);
    expect(listLeaks(store.db, { orgId: org })).toHaveLength(1);
    const meeting = store.db.prepare('SELECT id FROM meetings WHERE org_id = ?').pluck().get(org) as number;
    expect((await submit(browser, `/orgs/${org}/meetings/${meeting}/remove`)).status).toBe(303);
    expect(count(store.db, 'meetings')).toBe(0);
  });

  it('imports a CSV file only when every row is right, showing every bad row', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    const browser = await signedIn(web, store, 'it@westfield.example');
    await browser.get(`/orgs/${org}/meetings`);
    const bad = 'platform,meeting_id,owner_email,title\nzoom,84512397260,teacher@westfield.example,Maths\nzoom,12,teacher@westfield.example,Short\nzoom,84512397261,not-an-address,<b>x</b>\n';
    const refused = await submit(browser, `/orgs/${org}/meetings/import`, { csv: bad });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('nothing imported: 2 problems');
    expect(refused.body).toMatch(/row 3[^<]*meeting_id/);
    expect(refused.body).toMatch(/row 4[^<]*owner_email/);
    expect(count(store.db, 'meetings')).toBe(0);

    const form = new FormData();
    form.set('csrf', browser.csrf());
    form.set('file', new Blob(['platform,meeting_id,owner_email\nzoom,84512397260,teacher@westfield.example\nteams,123456789012,it@westfield.example\n'], { type: 'text/csv' }), 'meetings.csv');
    const imported = await browser.send(`/orgs/${org}/meetings/import`, { method: 'POST', body: form });
    expect(imported.status).toBe(200);
    expect(imported.body).toContain('2 meeting(s) added');
    expect(count(store.db, 'meetings', 'org_id = ?', org)).toBe(2);
  });

  it('reads an uploaded UTF-16 file from Excel and warns of organisers on a domain the school has not verified', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    const browser = await signedIn(web, store, 'it@westfield.example');
    await browser.get(`/orgs/${org}/meetings`);
    const csv = 'sep=;\r\nplatform;meeting_id;owner_email;title\r\nzoom;84512397260;a@example.org;Français\r\nzoom;84512397261;b@example.org;Géographie\r\n';
    const form = new FormData();
    form.set('csrf', browser.csrf());
    form.set('file', new Blob([new Uint8Array([0xff, 0xfe]), Buffer.from(csv, 'utf16le')], { type: 'text/csv' }), 'meetings.csv');
    const imported = await browser.send(`/orgs/${org}/meetings/import`, { method: 'POST', body: form });
    expect(imported.status).toBe(200);
    expect(imported.body).toContain('2 meeting(s) added');
    expect(imported.body).toContain('<p class="warning">2 organisers are on example.org, which Westfield High has not verified: their alerts wait until it is.</p>');
    expect(store.db.prepare('SELECT title FROM meetings ORDER BY id').pluck().all()).toEqual(['Français', 'Géographie']);
  });

  it('lists a series past its UNTIL as ended, and one that goes on as recurring', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    const add = (meetingId: string, recurrence: string) => store.registration.addMeeting(
      { orgId: org, platform: 'zoom', meetingId, ownerEmail: 'teacher@westfield.example', startsAt: '2019-09-02T08:00:00Z', endsAt: '2019-09-02T09:00:00Z', recurrence },
      'test', web.clock.now,
    );
    add('84512397260', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20200717T235959Z');
    add('84512397261', 'FREQ=WEEKLY;BYDAY=MO');
    const browser = await signedIn(web, store, 'it@westfield.example');
    const page = (await browser.get(`/orgs/${org}/meetings`)).body;
    expect(page).toMatch(/84512397260[\s\S]*?2019-09-02 08:00, series ended/);
    expect(page).toMatch(/84512397261[\s\S]*?2019-09-02 08:00, recurring/);
  });

  it('refuses a form larger than the limit with 413 and an upload larger than its own', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    const browser = await signedIn(web, store, 'it@westfield.example');
    await browser.get(`/orgs/${org}/meetings`);
    expect((await submit(browser, `/orgs/${org}/meetings`, { title: 'x'.repeat(10_000) })).status).toBe(413);
    expect((await submit(browser, `/orgs/${org}/meetings/import`, { csv: 'x'.repeat(3 * 1024 * 1024) })).status).toBe(413);
    expect(count(store.db, 'meetings')).toBe(0);
  });
});

describe('leaks', () => {
  let org: number;
  let leakId: number;
  beforeEach(() => {
    org = school(store, 'Westfield High', 'westfield.example');
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths' }, 'test', web.clock.now);
    store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397261', ownerEmail: 'other@westfield.example', title: 'Art' }, 'test', web.clock.now);
    ingest(`raid ${XSS} https://westfield.zoom.us/j/84512397260?pwd=abcDEF123 passcode 991122`, 'p1');
    ingest('art class zoom.us/j/84512397261', 'p2');
    leakId = listLeaks(store.db, { orgId: org }).find((l) => l.meetingId === '84512397260')!.id;
    addOrganiser(store.db, org, 'teacher@westfield.example', 'test');
  });

  it('shows the leak with its sightings escaped and masked, its reasons and history', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    const page = await browser.get(`/leaks/${leakId}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(XSS);
    expect(page.body).toContain('&lt;script&gt;');
    expect(page.body).not.toContain('abcDEF123');
    expect(page.body).not.toContain('991122');
    expect(page.body).toContain('Why this severity');
    expect(page.body).toContain('Year 9 Maths');
  });

  it('the overview counts open leaks by severity and emails waiting, an organiser\'s own only', async () => {
    const row = (body: string) => /<tr><td><a href="\/orgs\/\d+">Westfield High<\/a><\/td>(.*?)<\/tr>/.exec(body)![1]!.replace(/<[^>]+>/g, ' ').trim().split(/\s+/);
    const leaks = listLeaks(store.db, { orgId: org });
    const bySeverity = (list: typeof leaks) => ['critical', 'high', 'medium', 'low'].map((s) => String(list.filter((l) => l.severity === s).length));
    const waiting = (where: string) => String(count(store.db, 'outbox', `org_id = ? AND status = 'pending' ${where}`, org));
    const admin = await signedIn(web, store, 'it@westfield.example');
    expect(row((await admin.get('/')).body)).toEqual(['admin', ...bySeverity(leaks), '2', waiting('')]);
    const teacher = await signedIn(web, store, 'teacher@westfield.example');
    const own = leaks.filter((l) => l.id === leakId);
    expect(row((await teacher.get('/')).body)).toEqual(['organiser', ...bySeverity(own), '1', waiting("AND recipient = 'teacher@westfield.example'")]);
    expect(Number(waiting(''))).toBeGreaterThan(Number(waiting("AND recipient = 'teacher@westfield.example'")));
  });

  it('lists leaks with filters and pages', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    const all = await browser.get(`/orgs/${org}/leaks`);
    expect(all.body).toContain('2 leak(s)');
    const severity = listLeaks(store.db, { orgId: org }).find((l) => l.id === leakId)!.severity;
    expect((await browser.get(`/orgs/${org}/leaks?severity=${severity}&status=open`)).body).toContain(`/leaks/${leakId}`);
    expect((await browser.get(`/orgs/${org}/leaks?status=resolved`)).body).toContain('0 leak(s)');
    expect((await browser.get(`/orgs/${org}/leaks?platform=teams`)).body).toContain('0 leak(s)');
    for (let n = 0; n < 55; n++) ingest(`zoom.us/j/${9_100_000_000 + n}`, `bulk${n}`);
    // Name-only posts open no leak; register the meetings so that they do.
    for (let n = 0; n < 55; n++) store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: String(9_100_000_000 + n), ownerEmail: 'it@westfield.example' }, 'test', web.clock.now);
    const first = await browser.get(`/orgs/${org}/leaks`);
    expect(first.body).toContain('57 leak(s)');
    expect(first.body).toContain('page 1 of 2');
    expect((first.body.match(/href="\/leaks\/\d+"/g) ?? []).length).toBe(50);
    const second = await browser.get(`/orgs/${org}/leaks?page=2`);
    expect((second.body.match(/href="\/leaks\/\d+"/g) ?? []).length).toBe(7);
  });

  it('acknowledges, ignores (only with a reason), reopens and resolves through changeLeakStatus', async () => {
    const browser = await signedIn(web, store, 'it@westfield.example');
    const status = () => listLeaks(store.db, { orgId: org }).find((l) => l.id === leakId)!;
    await browser.get(`/leaks/${leakId}`);
    expect((await submit(browser, `/leaks/${leakId}/status`, { to: 'acknowledged' })).status).toBe(303);
    expect(status().status).toBe('acknowledged');
    await browser.get(`/leaks/${leakId}`);
    const noReason = await submit(browser, `/leaks/${leakId}/status`, { to: 'ignored', reason: ' ' });
    expect(noReason.status).toBe(409);
    expect(noReason.body).toContain('needs a reason');
    expect((await submit(browser, `/leaks/${leakId}/status`, { to: 'ignored', reason: `not ours ${XSS}` })).status).toBe(303);
    expect(status()).toMatchObject({ status: 'ignored', statusReason: `not ours ${XSS}` });
    const page = await browser.get(`/leaks/${leakId}`);
    expect(page.body).not.toContain(XSS);
    expect((await submit(browser, `/leaks/${leakId}/status`, { to: 'open' })).status).toBe(303);
    expect((await submit(browser, `/leaks/${leakId}/status`, { to: 'resolved' })).status).toBe(303);
    expect(status().status).toBe('resolved');
    expect((await submit(browser, `/leaks/${leakId}/status`, { to: 'acknowledged' })).status).toBe(409);
    const events = store.db.prepare("SELECT actor FROM leak_events WHERE leak_id = ? AND event = 'status'").pluck().all(leakId);
    expect(events).toEqual(Array(4).fill('web:it@westfield.example'));
  });

  it('an organiser sees the leaks of their own meetings only; another one is not found', async () => {
    const teacher = await signedIn(web, store, 'teacher@westfield.example');
    const list = await teacher.get(`/orgs/${org}/leaks`);
    expect(list.body).toContain('1 leak(s)');
    expect((await teacher.get(`/leaks/${leakId}`)).status).toBe(200);
    const art = listLeaks(store.db, { orgId: org }).find((l) => l.meetingId === '84512397261')!.id;
    expect((await teacher.get(`/leaks/${art}`)).status).toBe(404);
    await teacher.get(`/leaks/${leakId}`);
    expect((await submit(teacher, `/leaks/${art}/status`, { to: 'acknowledged' })).status).toBe(404);
    expect(listLeaks(store.db, { orgId: org }).find((l) => l.id === art)!.status).not.toBe('acknowledged');
    expect((await teacher.get(`/orgs/${org}/meetings`)).body).not.toContain('Art');
  });
});
