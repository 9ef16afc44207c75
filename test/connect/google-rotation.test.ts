/**
 * Rotating a leaked Google Meet: the event gets a new Meet conference
 * through Calendar's API as its organiser (a token of the write scope, asked
 * for only now), the guests the updated invitation, and the next sync
 * registers the new code in place of the posted one.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/connect/api-client.js';
import { createConnection } from '../../src/connect/connections.js';
import { CredentialError } from '../../src/connect/credential-error.js';
import { googleProvider } from '../../src/connect/google.js';
import { rotateLeak } from '../../src/connect/rotation.js';
import { type ConnectionSessions, syncConnection } from '../../src/connect/sync.js';
import { InputError } from '../../src/errors.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { capturedLogger } from '../support/logger.js';
import { CODES, type GoogleServer, googleSessions, SCOPES, seedSchool, startGoogleServer } from '../support/google-server.js';
import { school, type TestStore, tempStore } from '../support/store.js';

const key = randomBytes(32);
const ANN = 'ann@westfield.example';
const now = new Date('2026-12-04T08:00:00Z');
let store: TestStore;
let google: GoogleServer;
let orgId: number;
let sessions: ConnectionSessions;
let log: ReturnType<typeof capturedLogger>;

function sync(id: number) {
  return syncConnection(store.db, id, { key, registration: store.registration, sessions, log: log.log, actor: 'connection-sync', now: () => now });
}

async function connectAndLeak(): Promise<{ id: number; leakId: number }> {
  const id = createConnection(store.db, { orgId, provider: 'google', accountId: google.admin, clientId: google.serviceAccount.clientEmail, secret: google.serviceAccount.keyFile, scopes: [], writeOptIn: true }, key, 'test').id;
  expect(await sync(id)).toMatchObject({ status: 'ok', added: 3 });
  store.matcher.ingestPage([{ source: 'reddit', sourceId: 'p1', url: 'https://www.reddit.com/r/x/comments/p1/', author: 'kid', createdAt: now.toISOString(), text: `raid maths lol https://meet.google.com/${CODES.maths}` }], { now });
  const leakId = store.db.prepare('SELECT id FROM leaks WHERE meeting_id = ?').pluck().get(CODES.maths) as number;
  expect(leakId).toBeGreaterThan(0);
  return { id, leakId };
}

function directSession() {
  const api = new ApiClient({ guard: { allowPrivateHosts: true }, userAgent: 'leakwatch-test', timeoutMs: 5000, maxResponseBytes: 1_000_000, retries: 1, maxRetryAfterMs: 1000, retryBaseMs: 10 });
  const credential = { accountId: google.admin, clientId: google.serviceAccount.clientEmail, secret: google.serviceAccount.keyFile };
  return googleProvider.session(credential, { api, urls: { tokenUrl: google.tokenUrl, directoryUrl: google.url, calendarUrl: google.url }, now: google.now });
}

const mathsCode = () => google.calendars.get(ANN)!.find((e) => e.id === 'maths9series')!.conferenceData!.conferenceId as string;

beforeEach(async () => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  google = await startGoogleServer();
  seedSchool(google);
  google.delegated.add(SCOPES.calendarWrite);
  sessions = googleSessions(google);
  log = capturedLogger();
});

afterEach(async () => {
  await google.close();
  store.cleanup();
});

describe('Google Meet rotation', () => {
  it('gives the event a new Meet conference as its organiser, tells the guests, resolves the leak, and the next sync registers the new code', async () => {
    const { id, leakId } = await connectAndLeak();
    expect(google.assertions.some((a) => a.claims.scope?.split(' ').includes(SCOPES.calendarWrite))).toBe(false);
    const result = await rotateLeak(store.db, { orgId, leakId, actor: 'email:ann@westfield.example' }, { key, registration: store.registration, sessions, log: log.log, now: () => now });
    expect(result).toMatchObject({ platform: 'google-meet', meetingId: CODES.maths, changes: ['a new Google Meet link for the event', 'guests sent the updated invitation'], whereNew: 'the event in Google Calendar (guests got the updated invitation)', organiserTold: true });

    // One PATCH, of a conference create request, with the guests sent the update; as Ann, with the write scope alone.
    expect(google.patches).toHaveLength(1);
    const [patch] = google.patches;
    expect(patch).toMatchObject({ calendar: ANN, eventId: 'maths9series' });
    expect(Object.fromEntries(patch!.query)).toEqual({ conferenceDataVersion: '1', sendUpdates: 'all' });
    expect(patch!.body).toEqual({ conferenceData: { createRequest: { requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), conferenceSolutionKey: { type: 'hangoutsMeet' } } } });
    const writer = google.assertions.filter((a) => a.claims.scope === SCOPES.calendarWrite);
    expect(writer.map((a) => a.claims.sub)).toEqual([ANN]);
    const newCode = mathsCode();
    expect(newCode).not.toBe(CODES.maths);

    expect(store.db.prepare('SELECT status FROM leaks WHERE id = ?').pluck().get(leakId)).toBe('resolved');
    const told = listOutbox(store.db, {}).filter((m) => m.kind === 'rotated');
    expect(told.map((m) => m.recipient)).toEqual([ANN]);
    expect(told[0]!.payload).toMatchObject({ oldLink: 'Google may keep the old Meet code working for a while; it is no longer on the event, so remove it from anything you posted.' });

    // The next sync: one row for the event, with its new code; the change audited.
    expect(await sync(id)).toMatchObject({ status: 'ok', added: 1 });
    const rows = store.db.prepare("SELECT meeting_id FROM meetings WHERE origin_uid = 'ann@westfield.example/maths9series'").pluck().all();
    expect(rows).toEqual([newCode]);
    expect(store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'meeting.link-changed'").pluck().get()).toBe(1);
  });

  it('waits briefly for a conference Google is still creating, and says what it did', async () => {
    const session = directSession();
    google.pendingPolls = 2;
    const rotated = await session.rotate!(`${ANN}/maths9series`);
    const newCode = mathsCode();
    expect(newCode).not.toBe(CODES.maths);
    expect(rotated).toEqual({
      passcode: null,
      joinUrl: `https://meet.google.com/${newCode}`,
      changes: ['a new Google Meet link for the event', 'guests sent the updated invitation'],
      whereNew: 'the event in Google Calendar (guests got the updated invitation)',
      oldLink: 'Google may keep the old Meet code working for a while; it is no longer on the event, so remove it from anything you posted.',
    });
    const event = '/calendar/v3/calendars/ann%40westfield.example/events/maths9series';
    // Read before, patched, then read until the conference was there.
    expect(google.requests.filter((r) => r.path === event).map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET', 'GET']);
  });

  it('names the write scope and the delegation page when the delegation lacks it, changing nothing', async () => {
    google.delegated.delete(SCOPES.calendarWrite);
    const refused = directSession().rotate!(`${ANN}/maths9series`);
    await expect(refused).rejects.toThrow(CredentialError);
    await expect(refused).rejects.toThrow(
      `unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.): domain-wide delegation does not cover the scopes leakwatch asks for; in the Admin console → Security → API controls → Domain-wide delegation, add client id ${google.serviceAccount.clientId} with the scopes ${[SCOPES.users, SCOPES.domains, SCOPES.calendarRead, SCOPES.calendarWrite].join(',')}`,
    );
    expect(google.patches).toHaveLength(0);

    // A 403 of the PATCH itself says the same.
    google.delegated.add(SCOPES.calendarWrite);
    google.fail('/calendar/v3/calendars/ann%40westfield.example/events/maths9series', { status: 200, body: JSON.stringify(google.calendars.get(ANN)!.find((e) => e.id === 'maths9series')) }, { status: 403, body: JSON.stringify({ error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' } }) });
    await expect(directSession().rotate!(`${ANN}/maths9series`)).rejects.toThrow(/PATCH \/calendar\/v3\/calendars\/ann@westfield\.example\/events\/maths9series as ann@westfield\.example \(HTTP 403, insufficientPermissions.*give client id \d+ the scopes .*auth\/calendar\.events$/);
    expect(mathsCode()).toBe(CODES.maths);
  });

  it('refuses an event that is gone or has no Meet, and an id that is not one of its own', async () => {
    const session = directSession();
    google.purgeEvent(ANN, 'parents01');
    const gone = session.rotate!(`${ANN}/parents01`);
    await expect(gone).rejects.toThrow(InputError);
    await expect(gone).rejects.toThrow('Google Calendar has no event parents01 of ann@westfield.example any more (deleted upstream); nothing was changed');
    await expect(session.rotate!(`${ANN}/lunch01`)).rejects.toThrow('has no Google Meet link any more; nothing was changed');
    await expect(session.rotate!('81234567890')).rejects.toThrow(InputError);
    expect(google.patches).toHaveLength(0);
  });
});
