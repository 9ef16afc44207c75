import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getLeak, listLeaks } from '../../src/match/leaks.js';
import { changeLeakStatus } from '../../src/match/lifecycle.js';
import type { IncomingPost } from '../../src/match/matcher.js';
import { addIdentifier, listConflicts, listIdentifiers, verifyManually } from '../../src/registry/identifiers.js';
import { count, school, tempStore, VERIFICATION, type TestStore } from '../support/store.js';

let store: TestStore;
beforeEach(() => (store = tempStore()));
afterEach(() => store.cleanup());

const NOW = new Date('2026-09-01T12:00:00Z');
let nextId = 0;
function post(text: string, extra: Partial<IncomingPost> = {}): IncomingPost {
  nextId++;
  return { source: 'reddit', sourceId: `t3_${nextId}`, url: `https://www.reddit.com/r/test/comments/${nextId}/`, author: 'someone', createdAt: NOW.toISOString(), text, ...extra };
}

function addMeeting(orgId: number, overrides: Record<string, unknown> = {}) {
  return store.registration.addMeeting(
    { orgId, platform: 'zoom', meetingId: '845 1239 7260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', ...overrides },
    'test',
    NOW,
  ).meeting;
}

/** Queued messages; by default the first alerts only (escalations and digests are checked apart). */
function outbox(kind: string | null = 'alert') {
  const rows = store.db.prepare('SELECT recipient, kind, leak_id AS leakId, dedupe_key AS dedupeKey, next_attempt_at AS notBefore FROM outbox ORDER BY id').all() as {
    recipient: string;
    kind: string;
    leakId: number;
    dedupeKey: string;
    notBefore?: string;
  }[];
  return rows.filter((row) => kind === null || row.kind === kind).map(({ notBefore, ...row }) => (kind === 'alert' ? row : { ...row, notBefore }));
}

describe('matching a registered meeting', () => {
  it('opens one leak, stores the evidence with the passcode masked, and queues one alert to the organiser', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org, { passcode: '662810' });
    const counts = store.matcher.ingestPage([post('maths class: Meeting ID: 845 1239 7260 Passcode: 662810')], { now: NOW });

    expect(counts).toEqual({ posts: 1, stored: 1, references: 1, leaks: 1, queued: 1, maskedWhole: 0 });
    const [leak] = listLeaks(store.db, { orgId: org });
    expect(leak).toMatchObject({ platform: 'zoom', meetingId: '84512397260', severity: 'high', status: 'open', sightings: 1, matchKind: 'meeting' });
    expect(leak!.reasons).toEqual(['matches the registered meeting "Year 9 Maths"', 'the passcode is exposed and matches the registered one']);
    expect(outbox()).toEqual([{ recipient: 'teacher@westfield.example', kind: 'alert', leakId: leak!.id, dedupeKey: `alert:${leak!.id}:0:teacher@westfield.example` }]);
    // Urgent: the admins hear of it if the organiser has not acknowledged it within the hour.
    expect(outbox('escalation')).toEqual([
      { recipient: 'it@westfield.example', kind: 'escalation', leakId: leak!.id, dedupeKey: `escalation:${leak!.id}:0:it@westfield.example`, notBefore: '2026-09-01T13:00:00.000Z' },
    ]);

    const detail = getLeak(store.db, org, leak!.id);
    expect(detail.evidence[0]).toMatchObject({ source: 'reddit', passcode: '••••••', text: 'maths class: Meeting ID: 845 1239 7260 Passcode: ••••••' });
    expect(detail.events.map((e) => [e.actor, e.event, e.to])).toEqual([['matcher', 'opened', 'open']]);
  });

  it('never stores a passcode in full anywhere in the database', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org, { passcode: 'Sup3rS3cret' });
    store.matcher.ingestPage([post('https://westfield.zoom.us/j/84512397260?pwd=Sup3rS3cret come in', { links: ['https://westfield.zoom.us/j/84512397260?pwd=Sup3rS3cret'] })], { now: NOW });
    const tables = store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
    for (const table of tables) {
      const rows = store.db.prepare(`SELECT * FROM "${table}"`).all();
      expect(JSON.stringify(rows), table).not.toContain('Sup3rS3cret');
    }
    expect(count(store.db, 'sightings', "passcode_masked = 'S•••••••••t'")).toBe(1);
  });

  it('tells a changed passcode apart from the registered one', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org, { passcode: '662810' });
    store.matcher.ingestPage([post('Meeting ID: 845 1239 7260 Passcode: 111111')], { now: NOW });
    const [leak] = listLeaks(store.db);
    expect(leak!.severity).toBe('medium');
    expect(leak!.reasons).toContain('the posted passcode differs from the registered one (already changed?)');
  });

  it('a host-start link is critical', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org);
    store.matcher.ingestPage([post('lol host link https://westfield.zoom.us/s/84512397260?zak=eyJabc')], { now: NOW });
    expect(listLeaks(store.db)[0]).toMatchObject({ severity: 'critical' });
  });

  it('groups every sighting of a meeting into one leak and raises severity with reposts across sites', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org);
    store.matcher.ingestPage([post('zoom.us/j/84512397260')], { now: NOW });
    expect(listLeaks(store.db)[0]!.severity).toBe('medium');
    store.matcher.ingestPage([post('again zoom.us/j/84512397260', { source: 'fourchan', sourceId: '570368' })], { now: NOW });
    const leaks = listLeaks(store.db);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ sightings: 2, severity: 'high', sources: ['reddit', 'fourchan'] });
    expect(leaks[0]!.reasons).toContain('posted on 2 different sites');
    expect(outbox()).toHaveLength(1);
    // The second post goes into the organiser's next digest; the leak became urgent, so the admins may hear of it.
    expect(outbox('digest')).toEqual([
      { recipient: 'teacher@westfield.example', kind: 'digest', leakId: null, dedupeKey: expect.stringMatching(/^digest:\d+:teacher@westfield.example:\d+$/), notBefore: '2026-09-01T18:00:00.000Z' },
    ]);
    expect(outbox('escalation').map((m) => m.recipient)).toEqual(['it@westfield.example']);
    expect(getLeak(store.db, org, leaks[0]!.id).events.map((e) => e.event)).toEqual(['opened', 'sighting', 'severity']);
  });

  it('does not email about an ended one-off meeting, but does about an ended recurring one', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org, { startsAt: '2026-08-01T09:00:00Z', endsAt: '2026-08-01T10:00:00Z' });
    addMeeting(org, { meetingId: '99988877766', startsAt: '2026-08-03T09:00:00Z', endsAt: '2026-08-03T10:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
    store.matcher.ingestPage([post('zoom.us/j/84512397260 and zoom.us/j/99988877766')], { now: NOW });
    const leaks = listLeaks(store.db);
    expect(leaks.map((l) => [l.meetingId, l.severity])).toEqual(expect.arrayContaining([['84512397260', 'low'], ['99988877766', 'high']]));
    expect(outbox().map((m) => m.leakId)).toEqual([leaks.find((l) => l.meetingId === '99988877766')!.id]);
  });

  it('does not email about a recurring class whose series ended (UNTIL in the past), as for an ended one-off meeting', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org, { startsAt: '2019-09-02T08:00:00Z', endsAt: '2019-09-02T09:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20200717T235959Z' });
    addMeeting(org, { meetingId: '99988877766', startsAt: '2026-06-01T08:00:00Z', endsAt: '2026-06-01T09:00:00Z', recurrence: 'FREQ=WEEKLY;COUNT=40' });
    store.matcher.ingestPage([post('zoom.us/j/84512397260 and zoom.us/j/99988877766')], { now: NOW });
    const leaks = listLeaks(store.db);
    expect(leaks.map((l) => [l.meetingId, l.severity])).toEqual(expect.arrayContaining([['84512397260', 'low'], ['99988877766', 'high']]));
    expect(outbox().map((m) => m.leakId)).toEqual([leaks.find((l) => l.meetingId === '99988877766')!.id]);
  });

  it('records an allow-listed public meeting as ignored, without an alert', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org, { public: true });
    store.matcher.ingestPage([post('open day zoom.us/j/84512397260')], { now: NOW });
    expect(listLeaks(store.db)[0]).toMatchObject({ status: 'ignored', statusReason: 'allow-listed as public on purpose' });
    expect(outbox()).toEqual([]);
  });

  it('holds alerts to an organiser whose email domain is unverified, and releases them on verification', () => {
    const org = school(store, 'Westfield High', 'westfield.example', { verified: false });
    addMeeting(org);
    store.matcher.ingestPage([post('zoom.us/j/84512397260')], { now: NOW });
    expect(listLeaks(store.db)).toHaveLength(1);
    expect(outbox()).toEqual([]);
    verifyManually(store.db, { orgId: org, value: 'westfield.example' }, 'test', store.registration.onVerified, NOW);
    expect(outbox().map((m) => m.recipient)).toEqual(['teacher@westfield.example']);
  });
});

describe('matching a verified identifier', () => {
  it('alerts the admins when a link names a verified Zoom subdomain', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'westfield.zoom.us' }, VERIFICATION, 'test');
    verifyManually(store.db, { orgId: org, value: 'westfield' }, 'test', store.registration.onVerified);
    store.matcher.ingestPage([post('join https://westfield.zoom.us/j/11122233344')], { now: NOW });
    expect(listLeaks(store.db)[0]).toMatchObject({ matchKind: 'identifier', meetingId: '11122233344', severity: 'medium' });
    expect(outbox().map((m) => m.recipient)).toEqual(['it@westfield.example']);
  });

  it('an unverified identifier brings nobody anything; verifying it retro-hunts the stored sightings', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'westfield' }, VERIFICATION, 'test');
    store.matcher.ingestPage([post('https://westfield.zoom.us/j/11122233344 raid at 10')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([]);
    expect(outbox()).toEqual([]);
    expect(count(store.db, 'sightings')).toBe(1);

    verifyManually(store.db, { orgId: org, value: 'westfield' }, 'test', store.registration.onVerified, NOW);
    expect(listLeaks(store.db, { orgId: org })).toEqual([expect.objectContaining({ matchKind: 'identifier', severity: 'high' })]);
    expect(outbox().map((m) => m.recipient)).toEqual(['it@westfield.example']);
  });

  it('a shared Zoom cluster names no organisation', () => {
    school(store, 'Westfield High', 'westfield.example');
    store.matcher.ingestPage([post('https://us02web.zoom.us/j/11122233344')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([]);
  });
});

describe('claims that are not proven', () => {
  it('two organisations claim lincolnhigh: nobody is alerted until one is proven, then only that one', () => {
    const squatter = school(store, 'Westfield High', 'westfield.example');
    const lincoln = school(store, 'Lincoln High', 'lincolnhigh.example');
    for (const org of [squatter, lincoln]) addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'lincolnhigh' }, VERIFICATION, 'test');
    store.matcher.ingestPage([post('https://lincolnhigh.zoom.us/j/84512397260?pwd=abcDEF123 come in')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([]);
    expect(outbox()).toEqual([]);

    verifyManually(store.db, { orgId: lincoln, value: 'lincolnhigh', note: 'saw the Zoom admin console' }, 'operator:alice', store.registration.onVerified, NOW);
    expect(listLeaks(store.db).map((l) => [l.orgId, l.meetingId, l.matchKind])).toEqual([[lincoln, '84512397260', 'identifier']]);
    store.matcher.ingestPage([post('again https://lincolnhigh.zoom.us/j/99988877766')], { now: NOW });
    expect(listLeaks(store.db).map((l) => l.orgId)).toEqual([lincoln, lincoln]);
    expect(outbox().map((m) => m.recipient)).toEqual(['it@lincolnhigh.example', 'it@lincolnhigh.example']);
    expect(listIdentifiers(store.db, squatter)).toContainEqual(expect.objectContaining({ kind: 'zoom-subdomain', value: 'lincolnhigh', status: 'pending' }));
    expect(listConflicts(store.db)).toEqual([
      {
        kind: 'zoom-subdomain',
        value: 'lincolnhigh',
        provenByOrgId: lincoln,
        claims: [expect.objectContaining({ orgId: squatter, status: 'pending', method: null }), expect.objectContaining({ orgId: lincoln, status: 'verified', method: 'manual' })],
      },
    ]);
  });
});

describe('matching by organisation name', () => {
  it('is low confidence: listed for review, never emailed', () => {
    school(store, 'Westfield High School', 'westfield.example');
    store.matcher.refreshNames();
    store.matcher.ingestPage([post('westfield high school period 3 zoom code lol https://us04web.zoom.us/j/55566677788')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([expect.objectContaining({ matchKind: 'name', severity: 'low', meetingId: '55566677788' })]);
    expect(outbox()).toEqual([]);
  });

  it('finds one- and many-word names among many that start alike, at the start and end of a post', () => {
    for (let i = 1; i <= 50; i++) school(store, `School ${i}`, `school${i}.example`);
    school(store, 'Eastbrook', 'eastbrook.example');
    school(store, 'School of Rock Academy', 'rock.example');
    store.matcher.refreshNames();
    store.matcher.ingestPage(
      [
        post('school of rock academy link https://us04web.zoom.us/j/55566677788'),
        post('https://us04web.zoom.us/j/55566677799 for eastbrook'),
        post('school 7 https://us04web.zoom.us/j/55566677711 not school 70'),
      ],
      { now: NOW },
    );
    const names = (id: string) => listLeaks(store.db).filter((l) => l.meetingId === id).map((l) => store.db.prepare('SELECT name FROM organisations WHERE id = ?').pluck().get(l.orgId));
    expect(names('55566677788')).toEqual(['School of Rock Academy']);
    expect(names('55566677799')).toEqual(['Eastbrook']);
    expect(names('55566677711')).toEqual(['School 7']);
  });

  it('an organisation becomes findable by name the moment an identifier of it is verified', () => {
    const org = school(store, 'Lincoln Academy', 'lincoln.example', { verified: false });
    store.matcher.ingestPage([post('lincoln academy maths https://us04web.zoom.us/j/55566677700')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([]);
    verifyManually(store.db, { orgId: org, value: 'lincoln.example' }, 'test', store.registration.onVerified, NOW);
    store.matcher.ingestPage([post('lincoln academy again https://us04web.zoom.us/j/55566677701')], { now: NOW });
    expect(listLeaks(store.db).map((l) => [l.meetingId, l.matchKind])).toContainEqual(['55566677701', 'name']);
  });

  it('does not match partial names or organisations without a verified identifier', () => {
    school(store, 'Westfield High School', 'westfield.example');
    school(store, 'Lincoln Academy', 'lincoln.example', { verified: false });
    store.matcher.refreshNames();
    store.matcher.ingestPage([post('westfield high zoom.us/j/55566677788 and lincoln academy')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([]);
  });
});

describe('lifecycle', () => {
  it('open → acknowledged → resolved, re-opened by a new post, with a second alert and every change audited', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org);
    store.matcher.ingestPage([post('zoom.us/j/84512397260')], { now: NOW });
    const leakId = listLeaks(store.db)[0]!.id;
    changeLeakStatus(store.db, { orgId: org, leakId, to: 'acknowledged', actor: 'teacher@westfield.example' }, NOW);
    changeLeakStatus(store.db, { orgId: org, leakId, to: 'resolved', actor: 'teacher@westfield.example', reason: 'new meeting created' }, NOW);
    expect(() => changeLeakStatus(store.db, { orgId: org, leakId, to: 'acknowledged', actor: 'x' })).toThrow('leak 1 is resolved; it can become open, not acknowledged');

    const counts = store.matcher.ingestPage([post('still works? zoom.us/j/84512397260')], { now: NOW });
    expect(counts.leaks).toBe(1);
    expect(listLeaks(store.db)[0]!.status).toBe('open');
    expect(outbox().map((m) => m.dedupeKey)).toEqual([`alert:${leakId}:0:teacher@westfield.example`, `alert:${leakId}:1:teacher@westfield.example`]);
    const events = getLeak(store.db, org, leakId).events.map((e) => [e.actor, e.event, e.from, e.to]);
    expect(events).toEqual([
      ['matcher', 'opened', null, 'open'],
      ['teacher@westfield.example', 'status', 'open', 'acknowledged'],
      ['teacher@westfield.example', 'status', 'acknowledged', 'resolved'],
      ['matcher', 'reopened', 'resolved', 'open'],
    ]);
  });

  it('ignoring needs a reason, and an ignored leak stays ignored when posted again', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org);
    store.matcher.ingestPage([post('zoom.us/j/84512397260')], { now: NOW });
    const leakId = listLeaks(store.db)[0]!.id;
    expect(() => changeLeakStatus(store.db, { orgId: org, leakId, to: 'ignored', actor: 'x' })).toThrow(/needs a reason/);
    changeLeakStatus(store.db, { orgId: org, leakId, to: 'ignored', actor: 'x', reason: 'public webinar' });
    store.matcher.ingestPage([post('zoom.us/j/84512397260 again')], { now: NOW });
    expect(listLeaks(store.db)[0]).toMatchObject({ status: 'ignored', statusReason: 'public webinar', sightings: 2 });
  });
});

describe('retro-hunt', () => {
  it('registering a meeting matches the posts already stored, comparing the passcode', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.matcher.ingestPage([post('https://zoom.us/j/84512397260 Passcode: 662810')], { now: NOW });
    expect(listLeaks(store.db)).toEqual([]);
    const { retro } = store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', passcode: '662810' }, 'test', NOW);
    expect(retro).toMatchObject({ references: 1, leaks: 1, queued: 1, maskedWhole: 0 });
    expect(listLeaks(store.db)[0]!.reasons).toContain('the passcode is exposed and matches the registered one');
  });
});

describe('isolation', () => {
  it("one organisation's commands never see or touch another's leaks", () => {
    const a = school(store, 'Westfield High', 'westfield.example');
    const b = school(store, 'Lincoln Academy', 'lincoln.example');
    addMeeting(a);
    store.registration.addMeeting({ orgId: b, platform: 'google-meet', meetingId: 'abc-defg-hij', ownerEmail: 'head@lincoln.example' }, 'test');
    store.matcher.ingestPage([post('zoom.us/j/84512397260 meet.google.com/abc-defg-hij')], { now: NOW });
    const bLeak = listLeaks(store.db, { orgId: b })[0]!;
    expect(listLeaks(store.db, { orgId: a }).map((l) => l.orgId)).toEqual([a]);
    expect(() => changeLeakStatus(store.db, { orgId: a, leakId: bLeak.id, to: 'resolved', actor: 'a-admin' })).toThrow(`organisation ${a} has no leak ${bLeak.id}`);
    expect(() => getLeak(store.db, a, bLeak.id)).toThrow(`organisation ${a} has no leak ${bLeak.id}`);
    expect(listLeaks(store.db, { orgId: b })[0]!.status).toBe('open');
  });

  it('the same meeting registered by two organisations gives each its own leak', () => {
    const a = school(store, 'Westfield High', 'westfield.example');
    const b = school(store, 'Lincoln Academy', 'lincoln.example');
    addMeeting(a);
    addMeeting(b, { ownerEmail: 'head@lincoln.example' });
    store.matcher.ingestPage([post('zoom.us/j/84512397260')], { now: NOW });
    expect(listLeaks(store.db).map((l) => l.orgId).sort()).toEqual([a, b].sort());
  });
});

describe('registrations made elsewhere', () => {
  it('a meeting registered by another process is matched on the next page', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    store.matcher.ingestPage([post('warm-up meet.google.com/aaa-bbbb-ccc')], { now: NOW });
    // Another connection, as `leakwatch meeting add` run while the daemon crawls.
    const { openDatabase } = await import('../../src/store/database.js');
    const { Matcher } = await import('../../src/match/matcher.js');
    const { Registration } = await import('../../src/match/registration.js');
    const other = openDatabase(store.path);
    new Registration(other, new Matcher(other, { startingSoonHours: 24, repeatedPosts: 3 })).addMeeting(
      { orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example' },
      'other process',
    );
    other.close();
    store.matcher.ingestPage([post('zoom.us/j/84512397260')], { now: NOW });
    expect(listLeaks(store.db, { orgId: org })).toEqual([expect.objectContaining({ meetingId: '84512397260', matchKind: 'meeting' })]);
  });
});

describe('pages', () => {
  it('re-ingesting the same posts changes nothing', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org);
    const posts = [post('zoom.us/j/84512397260'), post('nothing here'), post('meet.google.com/xyz-wxyz-xyz')];
    const first = store.matcher.ingestPage(posts, { now: NOW });
    expect(first).toEqual({ posts: 3, stored: 2, references: 2, leaks: 1, queued: 1, maskedWhole: 0 });
    const snapshot = () => ['posts', 'sightings', 'leaks', 'leak_events', 'leak_sightings', 'outbox'].map((t) => count(store.db, t));
    const before = snapshot();
    const second = store.matcher.ingestPage(posts, { now: NOW });
    expect(second).toEqual({ posts: 3, stored: 0, references: 2, leaks: 0, queued: 0, maskedWhole: 0 });
    expect(snapshot()).toEqual(before);
  });

  it('a page is one transaction: a failure inside it stores nothing of it', () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addMeeting(org);
    expect(() =>
      store.matcher.ingestPage([post('zoom.us/j/84512397260')], {
        now: NOW,
        alsoInTransaction: () => {
          throw new Error('cursor write failed');
        },
      }),
    ).toThrow('cursor write failed');
    expect(['posts', 'sightings', 'leaks', 'outbox'].map((t) => count(store.db, t))).toEqual([0, 0, 0, 0]);
  });
});
