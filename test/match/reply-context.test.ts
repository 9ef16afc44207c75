/**
 * Context across posts: "Zoom meeting ID: 861 2290 4418" in one post and
 * "pw is 4321" in a reply. The reply's passcode belongs to the meeting of
 * the post it replies to, whichever of the two is read first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listLeaks } from '../../src/match/leaks.js';
import type { IncomingPost } from '../../src/match/matcher.js';
import { addIdentifier, verifyManually } from '../../src/registry/identifiers.js';
import { prepareMeeting } from '../../src/registry/meetings.js';
import { runHousekeeping } from '../../src/store/housekeeping.js';
import { count, school, tempStore, VERIFICATION, type TestStore } from '../support/store.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const LATER = new Date('2026-09-01T12:20:00Z');

const PARENT: IncomingPost = {
  source: 'hackernews',
  sourceId: '4100',
  url: 'https://news.ycombinator.com/item?id=4100',
  author: 'kid1',
  createdAt: '2026-09-01T11:58:00.000Z',
  text: 'year 9 maths lol Zoom meeting ID: 861 2290 4418',
};
const REPLY: IncomingPost = {
  source: 'hackernews',
  sourceId: '4101',
  url: 'https://news.ycombinator.com/item?id=4101',
  author: 'kid2',
  createdAt: '2026-09-01T11:59:00.000Z',
  text: 'pw is 4321',
  replyTo: '4100',
};

let stores: TestStore[] = [];
function fresh(): TestStore {
  const store = tempStore();
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const store of stores) store.cleanup();
  stores = [];
});

/** A school that registered the meeting, with `passcode` as its passcode (none when null). */
function registered(store: TestStore, passcode: string | null = '4321'): number {
  const org = school(store, 'Westfield High', 'westfield.example');
  store.registration.addMeeting(
    { orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', ...(passcode ? { passcode } : {}) },
    'test',
    NOW,
  );
  return org;
}

/** Everything the matcher decides, without ids or keys that differ between databases. */
function snapshot(store: TestStore) {
  const db = store.db;
  return {
    leaks: db.prepare('SELECT org_id, platform, meeting_id, match_kind, severity, reasons, status, posts, sources, passcode_state, first_seen, last_seen FROM leaks ORDER BY id').all(),
    sightings: db
      .prepare(
        `SELECT p.source_id, s.platform, s.meeting_id, s.passcode_masked, s.passcode_hmac IS NOT NULL AS fingerprinted, s.via_reply, s.raid_language,
                s.span_start, s.span_end, s.seen_at, (SELECT count(*) FROM leak_sightings ls WHERE ls.sighting_id = s.id) AS leaks
         FROM sightings s JOIN posts p ON p.id = s.post_id ORDER BY p.source_id, s.platform, s.meeting_id`,
      )
      .all(),
    posts: db.prepare('SELECT source_id, reply_to, text FROM posts ORDER BY source_id').all(),
    outbox: db.prepare('SELECT kind, recipient, dedupe_key, next_attempt_at FROM outbox ORDER BY dedupe_key').all(),
  };
}

describe('a passcode posted in a reply', () => {
  it('joins the leak of the meeting its parent names: stored masked, compared, severity up, and a digest instead of a second alert', () => {
    const store = fresh();
    const org = registered(store);
    store.matcher.ingestPage([PARENT], { now: NOW });
    const [before] = listLeaks(store.db, { orgId: org });
    expect(before).toMatchObject({ severity: 'medium', sightings: 1 });

    const counts = store.matcher.ingestPage([REPLY], { now: LATER });
    expect(counts).toMatchObject({ posts: 1, stored: 1, references: 0, leaks: 0, queued: 0 });
    const [leak] = listLeaks(store.db, { orgId: org });
    expect(leak).toMatchObject({ id: before!.id, severity: 'high', sightings: 2 });
    expect(leak!.reasons).toContain('the passcode is exposed and matches the registered one');
    expect(store.db.prepare('SELECT passcode_state FROM leaks').pluck().get()).toBe('matches');

    expect(store.db.prepare("SELECT text, reply_to FROM posts WHERE source_id = '4101'").get()).toEqual({ text: 'pw is ••••', reply_to: '4100' });
    expect(store.db.prepare("SELECT s.passcode_masked, s.via_reply, s.meeting_id, s.span_start, s.span_end, s.url FROM sightings s JOIN posts p ON p.id = s.post_id WHERE p.source_id = '4101'").get()).toEqual({
      passcode_masked: '••••',
      via_reply: 1,
      meeting_id: '86122904418',
      span_start: 6,
      span_end: 10,
      url: null,
    });
    const outbox = store.db.prepare('SELECT kind, recipient FROM outbox ORDER BY id').all();
    expect(outbox.filter((m) => (m as { kind: string }).kind === 'alert')).toHaveLength(1);
    expect(outbox).toContainEqual({ kind: 'digest', recipient: 'teacher@westfield.example' });
    // The leak became urgent: the admins hear of it if nobody acknowledges it.
    expect(outbox).toContainEqual({ kind: 'escalation', recipient: 'it@westfield.example' });
  });

  it('ends in the same leaks, sightings, severities and queued alerts in every order, and re-reading both changes nothing', () => {
    const orders: Record<string, (store: TestStore) => void> = {
      'parent, then reply': (s) => {
        s.matcher.ingestPage([PARENT], { now: NOW });
        s.matcher.ingestPage([REPLY], { now: NOW });
      },
      'reply, then parent': (s) => {
        s.matcher.ingestPage([REPLY], { now: NOW });
        s.matcher.ingestPage([PARENT], { now: NOW });
      },
      'one page, parent first': (s) => s.matcher.ingestPage([PARENT, REPLY], { now: NOW }),
      'one page, reply first': (s) => s.matcher.ingestPage([REPLY, PARENT], { now: NOW }),
    };
    for (const passcode of ['4321', '9999', null]) {
      const results = Object.entries(orders).map(([order, run]) => {
        const store = fresh();
        registered(store, passcode);
        run(store);
        const once = snapshot(store);
        const again = store.matcher.ingestPage([REPLY, PARENT], { now: LATER });
        expect(again, order).toMatchObject({ stored: 0, leaks: 0, queued: 0 });
        expect(snapshot(store), `${order}: re-read`).toEqual(once);
        return { order, snapshot: once };
      });
      const [first, ...rest] = results;
      expect(first!.snapshot.sightings).toHaveLength(2);
      expect(first!.snapshot.leaks).toHaveLength(1);
      const state = { '4321': 'matches', '9999': 'differs', null: 'unknown' }[String(passcode)];
      expect(first!.snapshot.leaks[0], `registered ${passcode}`).toMatchObject({ passcode_state: state, posts: 2 });
      for (const other of rest) expect(other.snapshot, `${other.order} (registered ${passcode})`).toEqual(first!.snapshot);
    }
  });

  it('a reply read before its parent is stored masked and waits; nothing of it shows until the parent comes', () => {
    const store = fresh();
    const org = registered(store);
    const counts = store.matcher.ingestPage([REPLY], { now: NOW });
    expect(counts).toMatchObject({ stored: 1, references: 0, leaks: 0 });
    expect(store.db.prepare('SELECT text FROM posts').pluck().all()).toEqual(['pw is ••••']);
    expect(count(store.db, 'reply_passcodes', "passcode_masked = '••••'")).toBe(1);
    expect(count(store.db, 'sightings')).toBe(0);
    expect(listLeaks(store.db, { orgId: org })).toEqual([]);

    store.matcher.ingestPage([PARENT], { now: LATER });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ severity: 'high', sightings: 2 });
  });

  it('stores only what the job needs: a reply without a passcode, or whose own reference took it, is read as any post', () => {
    const store = fresh();
    registered(store);
    store.matcher.ingestPage([PARENT], { now: NOW });
    const counts = store.matcher.ingestPage(
      [
        { ...REPLY, sourceId: '4102', text: 'what is the password??' },
        { ...REPLY, sourceId: '4103', text: 'wrong one, use Meeting ID: 845 1239 7260 Passcode: 662810' },
        { ...REPLY, sourceId: '4104', text: 'pw is 4321', replyTo: '4999' },
        { ...REPLY, sourceId: '4105', text: 'pw is 4321', replyTo: null },
      ],
      { now: NOW },
    );
    expect(counts).toMatchObject({ stored: 2, references: 1 });
    // 4102 carries nothing and 4105 replies to nothing: not stored. 4104 waits for 4999.
    expect(store.db.prepare('SELECT source_id FROM posts ORDER BY source_id').pluck().all()).toEqual(['4100', '4103', '4104']);
    expect(store.db.prepare("SELECT s.meeting_id FROM sightings s JOIN posts p ON p.id = s.post_id WHERE p.source_id = '4103'").pluck().all()).toEqual(['84512397260']);
    expect(listLeaks(store.db)[0]).toMatchObject({ meetingId: '86122904418', severity: 'medium', sightings: 1 });
  });

  it('is given to every meeting its parent names, and to none a reply of a reply passes on', () => {
    const store = fresh();
    registered(store);
    const parent = { ...PARENT, text: 'maths Zoom meeting ID: 861 2290 4418 and science https://zoom.us/j/84512397260' };
    store.matcher.ingestPage([parent, REPLY, { ...REPLY, sourceId: '4106', text: 'no its 1234', replyTo: '4101' }], { now: NOW });
    expect(store.db.prepare("SELECT s.meeting_id FROM sightings s JOIN posts p ON p.id = s.post_id WHERE p.source_id = '4101' ORDER BY 1").pluck().all()).toEqual([
      '84512397260',
      '86122904418',
    ]);
    expect(store.db.prepare("SELECT count(*) FROM posts WHERE source_id = '4106'").pluck().get()).toBe(0);
  });

  it('names the organisation its parent names: a verified Zoom subdomain, with a passcode none registered', () => {
    for (const order of ['parent first', 'reply first']) {
      const store = fresh();
      const org = school(store, 'Westfield High', 'westfield.example');
      addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'westfield' }, VERIFICATION, 'test');
      verifyManually(store.db, { orgId: org, value: 'westfield' }, 'test', store.registration.onVerified);
      const parent = { ...PARENT, text: 'maths https://westfield.zoom.us/j/86122904418' };
      store.matcher.ingestPage(order === 'parent first' ? [parent, REPLY] : [REPLY, parent], { now: NOW });
      const [leak] = listLeaks(store.db, { orgId: org });
      expect(leak, order).toMatchObject({ matchKind: 'identifier', severity: 'high', sightings: 2 });
      expect(leak!.reasons, order).toContain('a passcode is exposed (none registered to compare it with)');
    }
  });

  it('a meeting registered after both were read finds the reply too, and compares its passcode (retro-hunt)', () => {
    const store = fresh();
    const org = school(store, 'Westfield High', 'westfield.example');
    store.matcher.ingestPage([REPLY], { now: NOW });
    store.matcher.ingestPage([PARENT], { now: NOW });
    expect(count(store.db, 'sightings', 'via_reply = 1')).toBe(1);
    const { retro } = store.registration.addMeeting(
      { orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', passcode: '4321' },
      'test',
      NOW,
    );
    expect(retro).toMatchObject({ references: 2, leaks: 1, queued: 1 });
    const [leak] = listLeaks(store.db, { orgId: org });
    expect(leak).toMatchObject({ severity: 'high', sightings: 2 });
    expect(leak!.reasons).toContain('the passcode is exposed and matches the registered one');
  });

  it('a waiting reply is compared with the fingerprint of an imported meeting\'s passcode; with none kept (registered before fingerprints), as none registered', () => {
    const state = (setup: (store: TestStore, org: number) => void) => {
      const store = fresh();
      const org = school(store, 'Westfield High', 'westfield.example');
      setup(store, org);
      store.matcher.ingestPage([REPLY], { now: NOW });
      store.matcher.ingestPage([PARENT], { now: NOW });
      return store.db.prepare('SELECT passcode_state FROM leaks').pluck().get();
    };
    const imported = (passcode: string) => (store: TestStore, org: number) =>
      store.registration.upsertMeeting(prepareMeeting({ orgId: org, platform: 'zoom', meetingId: '861 2290 4418', ownerEmail: 'teacher@westfield.example', passcode, origin: 'csv' }), 'test', NOW);
    expect(state(imported('4321'))).toBe('matches');
    expect(state(imported('9999'))).toBe('differs');
    expect(
      state((store, org) => {
        imported('9999')(store, org);
        // Imported again with its current passcode: the fingerprint follows the hash.
        imported('4321')(store, org);
      }),
    ).toBe('matches');
    expect(
      state((store, org) => {
        imported('4321')(store, org);
        store.db.prepare('UPDATE meetings SET passcode_fingerprints = NULL').run();
      }),
    ).toBe('unknown');
  });

  it('a reply waiting past retention is deleted with the posts, and its parent arriving later finds nothing', () => {
    const store = fresh();
    const org = registered(store);
    store.matcher.ingestPage([REPLY], { now: new Date('2026-05-01T00:00:00Z') });
    const result = runHousekeeping(store.db, { postsMaxAgeDays: 90, now: NOW });
    expect(result.postsDeleted).toBe(1);
    expect(count(store.db, 'posts')).toBe(0);
    expect(count(store.db, 'reply_passcodes')).toBe(0);
    store.matcher.ingestPage([PARENT], { now: NOW });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ severity: 'medium', sightings: 1 });
  });
});
