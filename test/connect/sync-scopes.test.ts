/**
 * The sync engine's rules for incremental walks, on a scripted session (the
 * platforms' own protocols are tested against their loopback servers in the
 * provider tests): a scope listed whole loses what it no longer names, a
 * scope's changes remove only what they say is gone, a host the walk no
 * longer names loses its meetings, and a walk cut short removes nothing and
 * keeps the cursors it started from.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/connect/api-client.js';
import { connectionCredential, createConnection } from '../../src/connect/connections.js';
import type { MeetingBatch, ProviderSession, ReportedIdentifier, UpstreamMeeting } from '../../src/connect/provider.js';
import { ConnectionSessions, syncConnection } from '../../src/connect/sync.js';
import { capturedLogger } from '../support/logger.js';
import { school, type TestStore, tempStore } from '../support/store.js';

let store: TestStore;
let orgId: number;
const key = randomBytes(32);

/** A session that yields what the test scripts, and records the cursors each walk was given. */
class ScriptedSession implements ProviderSession {
  walks: MeetingBatch[][] = [];
  given: Record<string, string>[] = [];
  failAfterFirstBatch = false;

  async authorise() {
    return { scopes: [] };
  }

  async *meetings(cursors: ReadonlyMap<string, string>): AsyncIterable<MeetingBatch> {
    this.given.push(Object.fromEntries(cursors));
    const walk = this.walks.shift() ?? [];
    for (const [index, batch] of walk.entries()) {
      if (index === 1 && this.failAfterFirstBatch) throw new Error('the platform went away');
      yield batch;
    }
  }

  identifiers(): ReportedIdentifier[] {
    return [];
  }
}

function meeting(n: number, owner: string, title = `Class ${n}`): UpstreamMeeting {
  return { upstreamId: `u${n}`, meetingId: `8123456789${n}`, platform: 'zoom', passcode: null, title, ownerEmail: owner, startsAt: null, endsAt: null, recurrence: null };
}

function setUp(): { id: number; session: ScriptedSession; sessions: ConnectionSessions } {
  const id = createConnection(store.db, { orgId, provider: 'zoom', accountId: 'acct', clientId: 'client', secret: 'secret', scopes: [], writeOptIn: false }, key, 'test').id;
  const api = new ApiClient({ guard: { allowPrivateHosts: true }, userAgent: 'leakwatch-test', timeoutMs: 1000, maxResponseBytes: 1000, retries: 0, maxRetryAfterMs: 0 });
  const sessions = new ConnectionSessions({ api, urls: () => ({}) });
  const session = new ScriptedSession();
  sessions.adopt(id, connectionCredential(store.db, id, key).sealed, session);
  return { id, session, sessions };
}

function stored(): { uid: string; scope: string; title: string }[] {
  return store.db.prepare('SELECT origin_uid AS uid, connection_scope AS scope, title FROM meetings WHERE org_id = ? ORDER BY origin_uid').all(orgId) as { uid: string; scope: string; title: string }[];
}

function cursors(id: number): unknown {
  const text = store.db.prepare('SELECT sync_cursors FROM connections WHERE id = ?').pluck().get(id) as string | null;
  return text === null ? null : JSON.parse(text);
}

beforeEach(() => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
});

afterEach(() => store.cleanup());

describe('incremental sync', () => {
  it('keeps each scope by its own rule: changes, a whole listing, a host gone', async () => {
    const { id, session, sessions } = setUp();
    const ann = 'ann@westfield.example';
    const bob = 'bob@westfield.example';
    const deps = { key, registration: store.registration, sessions, log: capturedLogger().log, actor: 'test' };
    session.walks.push(
      [
        { scope: 'ann', complete: true, meetings: [meeting(1, ann), meeting(2, ann)] },
        { scope: 'ann', complete: true, meetings: [meeting(3, ann)], cursor: 'ann-1' },
        { scope: 'bob', complete: true, meetings: [meeting(4, bob)], cursor: 'bob-1' },
      ],
      // Ann's changes: one renamed, one deleted; Bob listed whole without his meeting; Carol new.
      [
        { scope: 'ann', complete: false, meetings: [meeting(1, ann, 'Renamed')], removed: ['u2', 'never-stored'], cursor: 'ann-2' },
        { scope: 'bob', complete: true, meetings: [], cursor: 'bob-2' },
        { scope: 'carol', complete: true, meetings: [meeting(5, 'carol@westfield.example')] },
      ],
      // Ann's account is gone from the platform; Carol unchanged.
      [{ scope: 'carol', complete: false, meetings: [] }],
    );

    expect(await syncConnection(store.db, id, deps)).toMatchObject({ status: 'ok', added: 4, removed: 0 });
    expect(stored().map((m) => [m.uid, m.scope])).toEqual([['u1', 'ann'], ['u2', 'ann'], ['u3', 'ann'], ['u4', 'bob']]);
    expect(cursors(id)).toEqual({ ann: 'ann-1', bob: 'bob-1' });

    expect(await syncConnection(store.db, id, deps)).toMatchObject({ status: 'ok', added: 1, updated: 1, removed: 2 });
    expect(session.given[1]).toEqual({ ann: 'ann-1', bob: 'bob-1' });
    expect(stored().map((m) => [m.uid, m.title])).toEqual([['u1', 'Renamed'], ['u3', 'Class 3'], ['u5', 'Class 5']]);
    expect(cursors(id)).toEqual({ ann: 'ann-2', bob: 'bob-2' });

    expect(await syncConnection(store.db, id, deps)).toMatchObject({ status: 'ok', added: 0, removed: 2 });
    expect(stored().map((m) => m.uid)).toEqual(['u5']);
    expect(cursors(id)).toBeNull();
  });

  it('replaces the row of a meeting the platform gave a new link, so one upstream meeting is one row', async () => {
    const { id, session, sessions } = setUp();
    const ann = 'ann@westfield.example';
    const deps = { key, registration: store.registration, sessions, log: capturedLogger().log, actor: 'test' };
    session.walks.push(
      [{ scope: 'ann', complete: true, meetings: [meeting(1, ann)], cursor: 'ann-1' }],
      [{ scope: 'ann', complete: false, meetings: [{ ...meeting(1, ann), meetingId: '81234567800' }], cursor: 'ann-2' }],
    );
    await syncConnection(store.db, id, deps);
    expect(await syncConnection(store.db, id, deps)).toMatchObject({ status: 'ok', added: 1 });
    expect(store.db.prepare('SELECT origin_uid, meeting_id FROM meetings').all()).toEqual([{ origin_uid: 'u1', meeting_id: '81234567800' }]);
    expect(store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'meeting.link-changed'").pluck().get()).toBe(1);
  });

  it('removes nothing and keeps its cursors when the walk is cut short', async () => {
    const { id, session, sessions } = setUp();
    const ann = 'ann@westfield.example';
    const deps = { key, registration: store.registration, sessions, log: capturedLogger().log, actor: 'test' };
    session.walks.push(
      [{ scope: 'ann', complete: true, meetings: [meeting(1, ann), meeting(2, ann)], cursor: 'ann-1' }],
      [
        { scope: 'ann', complete: true, meetings: [meeting(1, ann)], cursor: 'ann-2' },
        { scope: 'bob', complete: true, meetings: [] },
      ],
    );
    await syncConnection(store.db, id, deps);
    session.failAfterFirstBatch = true;
    expect(await syncConnection(store.db, id, deps)).toMatchObject({ status: 'failed', error: 'the platform went away' });
    expect(stored().map((m) => m.uid)).toEqual(['u1', 'u2']);
    expect(cursors(id)).toEqual({ ann: 'ann-1' });
  });

  it('takes unreadable stored cursors for none: one full walk, nothing else', async () => {
    const { id, session, sessions } = setUp();
    store.db.prepare('UPDATE connections SET sync_cursors = ? WHERE id = ?').run('{not json', id);
    session.walks.push([{ scope: 'ann', complete: true, meetings: [], cursor: 'ann-1' }]);
    const deps = { key, registration: store.registration, sessions, log: capturedLogger().log, actor: 'test' };
    expect(await syncConnection(store.db, id, deps)).toMatchObject({ status: 'ok' });
    expect(session.given[0]).toEqual({});
    expect(cursors(id)).toEqual({ ann: 'ann-1' });
  });
});
