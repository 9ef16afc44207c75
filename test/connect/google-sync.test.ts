import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/connect/api-client.js';
import { connectAccount } from '../../src/connect/connect-account.js';
import { createConnection, getConnection } from '../../src/connect/connections.js';
import { CredentialError } from '../../src/connect/credential-error.js';
import { googleProvider } from '../../src/connect/google.js';
import type { ConnectionCredential, MeetingBatch } from '../../src/connect/provider.js';
import { providerFor } from '../../src/connect/providers.js';
import { syncConnection, type SyncDependencies } from '../../src/connect/sync.js';
import { capturedLogger } from '../support/logger.js';
import { count, school, type TestStore, tempStore } from '../support/store.js';
import { CODES, type GoogleServer, googleSessions, meetConference, READ_SCOPES, SCOPES, seedSchool, startGoogleServer } from '../support/google-server.js';

let store: TestStore;
let google: GoogleServer;
let orgId: number;
const key = randomBytes(32);
const ANN = 'ann@westfield.example';
const BOB = 'bob@staff.westfield.example';
const ANN_ID = '100000000000000000002';
const BOB_ID = '100000000000000000003';
const ANN_EVENTS = '/calendar/v3/calendars/ann%40westfield.example/events';
const BOB_EVENTS = '/calendar/v3/calendars/bob%40staff.westfield.example/events';

function credential(overrides: Partial<ConnectionCredential> = {}): ConnectionCredential {
  return { accountId: google.admin, clientId: google.serviceAccount.clientEmail, secret: google.serviceAccount.keyFile, ...overrides };
}

function connect(overrides: Partial<ConnectionCredential> = {}): number {
  return createConnection(store.db, { orgId, provider: 'google', ...credential(overrides), scopes: [], writeOptIn: false }, key, 'test').id;
}

function deps(extra: Partial<SyncDependencies> = {}): SyncDependencies {
  return { key, registration: store.registration, sessions: googleSessions(google), log: capturedLogger().log, actor: 'connection-sync', ...extra };
}

function session(overrides: Partial<ConnectionCredential> = {}) {
  const api = new ApiClient({ guard: { allowPrivateHosts: true }, userAgent: 'leakwatch-test', timeoutMs: 5000, maxResponseBytes: 1_000_000, retries: 1, maxRetryAfterMs: 1000, retryBaseMs: 10 });
  return googleProvider.session(credential(overrides), { api, urls: { tokenUrl: google.tokenUrl, directoryUrl: google.url, calendarUrl: google.url }, now: google.now });
}

async function drain(batches: AsyncIterable<MeetingBatch>): Promise<MeetingBatch[]> {
  const all: MeetingBatch[] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

function meetings() {
  return store.db
    .prepare('SELECT meeting_id, platform, owner_email, title, passcode_hash, starts_at, ends_at, recurrence, time_zone, origin, origin_uid, connection_scope FROM meetings WHERE org_id = ? ORDER BY meeting_id')
    .all(orgId) as Record<string, string | null>[];
}

function cursors(id: number): Record<string, string> | null {
  const text = store.db.prepare('SELECT sync_cursors FROM connections WHERE id = ?').pluck().get(id) as string | null;
  return text === null ? null : (JSON.parse(text) as Record<string, string>);
}

function connectionMails() {
  return store.db.prepare("SELECT recipient, payload FROM outbox WHERE kind = 'connection-failed' ORDER BY id").all() as { recipient: string; payload: string }[];
}

const eventsRequests = (path: string) => google.requests.filter((r) => r.path === path);

beforeEach(async () => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  google = await startGoogleServer();
  seedSchool(google);
});

afterEach(async () => {
  await google.close();
  store.cleanup();
});

describe('Google Workspace sync', () => {
  it("imports the Meet meetings each user organises, with the organiser as owner, no passcode, the series' RRULE and zone", async () => {
    const id = connect();
    const outcome = await syncConnection(store.db, id, deps());
    expect(outcome).toMatchObject({ status: 'ok', added: 3, updated: 0, removed: 0, skipped: [], organisers: 2 });
    // The series' EXDATE line: the sessions of 23 and 28 December do not take place.
    expect(store.db.prepare("SELECT excluded_starts FROM meetings WHERE origin_uid = ?").pluck().get(`${ANN}/maths9series`)).toBe('["2026-12-23T14:00:00.000Z","2026-12-28T14:00:00.000Z"]');
    expect(meetings()).toEqual([
      {
        meeting_id: CODES.maths,
        platform: 'google-meet',
        owner_email: ANN,
        title: 'Year 9 Maths',
        passcode_hash: null,
        starts_at: '2026-12-07T14:00:00.000Z',
        ends_at: '2026-12-07T14:45:00.000Z',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270615T235959Z',
        time_zone: 'America/New_York',
        origin: 'connection',
        origin_uid: `${ANN}/maths9series`,
        connection_scope: ANN_ID,
      },
      {
        meeting_id: CODES.briefing,
        platform: 'google-meet',
        owner_email: BOB,
        title: 'Staff briefing',
        passcode_hash: null,
        starts_at: '2026-12-08T07:30:00.000Z',
        ends_at: '2026-12-08T07:50:00.000Z',
        recurrence: null,
        time_zone: null,
        origin: 'connection',
        origin_uid: `${BOB}/briefing01`,
        connection_scope: BOB_ID,
      },
      expect.objectContaining({ meeting_id: CODES.parents, owner_email: ANN, title: 'Parents evening', recurrence: null, origin_uid: `${ANN}/parents01`, passcode_hash: null }),
    ]);
    // Neither the exception's own link, Ann's guest copy's, the cancelled event's nor the Zoom add-on's.
    expect(JSON.stringify(meetings())).not.toMatch(new RegExp(`${CODES.exception}|${CODES.attended}|81234567890`));

    // The users in two pages, not suspended; each calendar as its user, a full walk of the last 30 days with deleted events.
    const users = google.requests.filter((r) => r.path === '/admin/directory/v1/users');
    expect(users.map((r) => r.query.has('pageToken'))).toEqual([false, true]);
    expect(Object.fromEntries(users[0]!.query)).toEqual({ customer: 'my_customer', query: 'isSuspended=false', maxResults: '500' });
    const ann = eventsRequests(ANN_EVENTS);
    expect(ann).toHaveLength(3);
    expect(ann.every((r) => r.sub === ANN)).toBe(true);
    expect(Object.fromEntries(ann[0]!.query)).toEqual({ maxResults: '250', singleEvents: 'false', showDeleted: 'true', timeMin: '2026-11-04T08:00:00.000Z' });
    expect(ann.slice(1).every((r) => r.query.has('pageToken') && r.query.get('timeMin') === '2026-11-04T08:00:00.000Z')).toBe(true);
    expect(eventsRequests('/calendar/v3/calendars/gone%40westfield.example/events')).toHaveLength(0);
    // Cat has no Calendar (404): skipped, not an error. The admin's own calendar was read with the admin's token.
    expect(eventsRequests('/calendar/v3/calendars/cat%40westfield.example/events')).toHaveLength(1);
    expect(eventsRequests('/calendar/v3/calendars/it%40westfield.example/events')[0]!.sub).toBe(google.admin);

    // One token per user the sync acts as, each an RS256 JWT of the key: the admin with every read scope, teachers with Calendar's.
    expect(google.assertions.map((a) => a.claims.sub).sort()).toEqual([ANN, BOB, 'cat@westfield.example', google.admin].sort());
    for (const { header, claims } of google.assertions) {
      expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: google.serviceAccount.privateKeyId });
      expect(claims).toMatchObject({ iss: google.serviceAccount.clientEmail, aud: google.tokenUrl, iat: google.now() / 1000, exp: google.now() / 1000 + 3600 });
      expect(claims.scope).toBe(claims.sub === google.admin ? READ_SCOPES.join(' ') : SCOPES.calendarRead);
    }
    expect(google.issued).toHaveLength(4);
    expect(getConnection(store.db, id)).toMatchObject({ status: 'ok', lastError: null, meetings: 3, scopes: READ_SCOPES });
    expect(cursors(id)).toEqual({
      '100000000000000000001': expect.any(String),
      [ANN_ID]: expect.stringMatching(/^CPDA/),
      [BOB_ID]: expect.any(String),
    });
  });

  it('keeps its tokens between syncs: a second sync asks for none', async () => {
    const kept = googleSessions(google);
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(await syncConnection(store.db, id, deps({ sessions: kept }))).toMatchObject({ status: 'ok', added: 0, removed: 0 });
    expect(google.issued).toHaveLength(4);
    expect(google.requests.filter((r) => r.path === '/token')).toHaveLength(4);
  });

  it('renews a token shortly before it expires', async () => {
    let clock = google.now();
    google.now = () => clock;
    const kept = googleSessions(google);
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    clock += 50 * 60_000;
    await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(google.issued).toHaveLength(4);
    clock += 6 * 60_000; // within five minutes of the hour
    expect(await syncConnection(store.db, id, deps({ sessions: kept }))).toMatchObject({ status: 'ok' });
    expect(google.issued).toHaveLength(8);
  });

  it("proves the Workspace's verified domains and aliases, not an unverified one", async () => {
    const outcome = await syncConnection(store.db, connect(), deps());
    expect(outcome.status).toBe('ok');
    const reported = (outcome as { identifiers: { kind: string; value: string; outcome: string }[] }).identifiers;
    expect(reported.map((i) => [i.kind, i.value, i.outcome])).toEqual([
      ['email-domain', 'westfield.example', 'confirmed'],
      ['email-domain', 'westfield-high.example', 'proven'],
      ['email-domain', 'staff.westfield.example', 'proven'],
    ]);
    const audit = store.db.prepare("SELECT detail FROM audit_log WHERE action = 'identifier.verified' AND subject = 'email-domain staff.westfield.example'").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ method: 'connection', provider: 'google', evidence: expect.stringContaining('GET /admin/directory/v1/customer/my_customer/domains') });
    expect(google.requests.find((r) => r.path === '/admin/directory/v1/customer/my_customer/domains')!.sub).toBe(google.admin);
  });

  it('then reads only the changes since each calendar\'s sync token: an added, an updated and a cancelled meeting', async () => {
    const kept = googleSessions(google);
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    const first = cursors(id)!;
    google.putEvent(BOB, { id: 'science10', status: 'confirmed', summary: 'Year 10 Science', start: { dateTime: '2026-12-09T10:00:00Z' }, end: { dateTime: '2026-12-09T11:00:00Z' }, organizer: { email: BOB, self: true }, ...meetConference('sci-ence-abc') });
    const parents = google.calendars.get(ANN)!.find((e) => e.id === 'parents01')!;
    google.putEvent(ANN, { ...parents, summary: 'Parents evening (Year 9)' });
    google.cancelEvent(BOB, 'briefing01');
    google.cancelEvent(ANN, 'briefing01');
    // One session of the series cancelled: the series stays.
    google.cancelEvent(ANN, 'maths9series_20261209T140000Z');
    const before = google.requests.length;

    const outcome = await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(outcome).toMatchObject({ status: 'ok', added: 1, updated: 1, removed: 1 });
    expect(meetings().map((m) => [m.meeting_id, m.owner_email, m.title])).toEqual([
      [CODES.maths, ANN, 'Year 9 Maths'],
      [CODES.parents, ANN, 'Parents evening (Year 9)'],
      ['sci-ence-abc', BOB, 'Year 10 Science'],
    ]);
    const listed = google.requests.slice(before).filter((r) => r.path.endsWith('/events'));
    // Ann's three changes in two pages, the sync token on both.
    expect(listed.filter((r) => r.path === ANN_EVENTS).map((r) => [r.query.get('syncToken'), r.query.has('pageToken')])).toEqual([
      [first[ANN_ID], false],
      [first[ANN_ID], true],
    ]);
    expect(listed.filter((r) => r.path === BOB_EVENTS).map((r) => r.query.get('syncToken'))).toEqual([first[BOB_ID]]);
    // Only Cat's, who has no Calendar and so no sync token, is asked for whole.
    expect(listed.filter((r) => r.query.has('timeMin')).map((r) => r.path)).toEqual(['/calendar/v3/calendars/cat%40westfield.example/events']);
    const second = cursors(id)!;
    expect(second[ANN_ID]).not.toBe(first[ANN_ID]);

    // The Meet taken off an event: it is no meeting any more.
    const { hangoutLink: _link, conferenceData: _conference, ...plain } = google.calendars.get(ANN)!.find((e) => e.id === 'parents01')!;
    google.putEvent(ANN, plain);
    expect(await syncConnection(store.db, id, deps({ sessions: kept }))).toMatchObject({ status: 'ok', added: 0, updated: 0, removed: 1 });
    expect(meetings().map((m) => m.meeting_id)).toEqual([CODES.maths, 'sci-ence-abc']);
    expect(eventsRequests(ANN_EVENTS).at(-1)!.query.get('syncToken')).toBe(second[ANN_ID]);
  });

  it('lists a calendar whole again when Google refuses its sync token (410), removing what the listing no longer names', async () => {
    const kept = googleSessions(google);
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    const first = cursors(id)!;
    google.expireSyncTokens();
    google.purgeEvent(ANN, 'parents01');
    const before = google.requests.length;
    const outcome = await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(outcome).toMatchObject({ status: 'ok', added: 0, removed: 1, updated: 2 });
    expect(meetings().map((m) => m.meeting_id)).toEqual([CODES.maths, CODES.briefing]);
    const ann = google.requests.slice(before).filter((r) => r.path === ANN_EVENTS);
    expect(ann.map((r) => [r.query.get('syncToken'), r.query.get('timeMin'), r.query.has('pageToken')])).toEqual([
      [first[ANN_ID], null, false],
      [null, '2026-11-04T08:00:00.000Z', false],
      [null, '2026-11-04T08:00:00.000Z', true],
      [null, '2026-11-04T08:00:00.000Z', true],
    ]);
    expect(cursors(id)![ANN_ID]).not.toBe(first[ANN_ID]);
  });

  it('asks for one new token when a request answers 401 mid-walk, and goes on', async () => {
    const id = connect();
    google.fail(BOB_EVENTS, { status: 401, body: JSON.stringify({ error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }) });
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok', added: 3 });
    expect(google.assertions.filter((a) => a.claims.sub === BOB)).toHaveLength(2);
    expect(google.issued).toHaveLength(5);
    expect(eventsRequests(BOB_EVENTS).map((r) => r.sub)).toEqual([BOB, BOB]); // the 401, then the page with the new token
    expect(eventsRequests(BOB_EVENTS)[0]!.authorization).not.toBe(eventsRequests(BOB_EVENTS)[1]!.authorization);

    // Every token stale at once (as if revoked early): each user's is renewed once.
    const kept = googleSessions(google);
    await syncConnection(store.db, id, deps({ sessions: kept }));
    google.expireTokens();
    expect(await syncConnection(store.db, id, deps({ sessions: kept }))).toMatchObject({ status: 'ok', removed: 0 });
    expect(google.issued).toHaveLength(5 + 4 + 4);
  });

  it('calls the credential refused when a fresh token answers 401 too', async () => {
    const id = connect();
    const stale = { status: 401, body: '{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}' };
    google.fail('/admin/directory/v1/customer', stale, stale);
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'revoked', error: expect.stringContaining('answered 401 twice') });
    expect(google.issued).toHaveLength(2);
  });

  it('tells the verified admins once that the key is refused, saying what to do', async () => {
    store.db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (?, 'head@westfield.example', 'admin')").run(orgId);
    const id = connect();
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok' });
    google.revoked = true;
    const first = await syncConnection(store.db, id, deps());
    expect(first).toMatchObject({ status: 'revoked', reported: true, error: expect.stringContaining('invalid_grant: Invalid JWT Signature.') });
    expect((first as { error: string }).error).toContain(`the key ${google.serviceAccount.privateKeyId} was deleted or disabled in Google Cloud; create a new JSON key`);
    expect(connectionMails().map((m) => m.recipient)).toEqual(['head@westfield.example', 'it@westfield.example']);
    expect(JSON.parse(connectionMails()[0]!.payload)).toMatchObject({ provider: 'Google Workspace', accountId: google.admin });
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'revoked', reported: false });
    expect(connectionMails()).toHaveLength(2);
    // Nothing is removed while the credential is refused.
    expect(getConnection(store.db, id)).toMatchObject({ status: 'revoked', errorReported: true, meetings: 3 });
    google.revoked = false;
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok' });
    expect(getConnection(store.db, id)).toMatchObject({ status: 'ok', errorReported: false, lastError: null });
  });

  it('names the delegation to add when Google refuses the scopes, and the admin field when it is no user', async () => {
    google.delegated.delete(SCOPES.calendarRead);
    const refused = await syncConnection(store.db, connect(), deps());
    expect(refused).toMatchObject({ status: 'revoked', error: expect.stringContaining('unauthorized_client') });
    const error = (refused as { error: string }).error;
    expect(error).toContain(`Admin console → Security → API controls → Domain-wide delegation, add client id ${google.serviceAccount.clientId} with the scopes ${READ_SCOPES.join(',')}`);
    expect(google.issued).toHaveLength(0);

    google.delegated.add(SCOPES.calendarRead);
    const stranger = session({ accountId: 'nobody@westfield.example' });
    await expect(stranger.authorise()).rejects.toThrow(CredentialError);
    await expect(stranger.authorise()).rejects.toThrow(/Invalid email or User ID\): nobody@westfield\.example is not a user of the Workspace; the Workspace admin field must be the email of one of its admins/);
  });

  it('refuses an admin field that is no admin with a CredentialError naming what the Directory needs', async () => {
    const teacher = session({ accountId: ANN });
    expect(await teacher.authorise()).toEqual({ scopes: READ_SCOPES });
    const walk = drain(teacher.meetings(new Map()));
    await expect(walk).rejects.toThrow(CredentialError);
    await expect(walk).rejects.toThrow(/GET \/admin\/directory\/v1\/customer\/my_customer\/domains as ann@westfield\.example \(HTTP 403, forbidden: Not Authorized to access this resource\/api\): the Workspace admin field must be the email of an admin/);
    expect(await syncConnection(store.db, connect({ accountId: ANN }), deps())).toMatchObject({ status: 'revoked' });

    // A calendar's 403 for a scope: the delegation and the scope named.
    google.fail(BOB_EVENTS, { status: 403, body: JSON.stringify({ error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' } }) });
    const calendar = drain(session().meetings(new Map()));
    await expect(calendar).rejects.toThrow(CredentialError);
    await expect(calendar).rejects.toThrow(`Domain-wide delegation, give client id ${google.serviceAccount.clientId} the scopes`);
  });

  it("takes Google's 403 rate limit for a rate limit, not a refused credential, and removes nothing", async () => {
    const id = connect();
    await syncConnection(store.db, id, deps());
    const limited = { status: 403, body: JSON.stringify({ error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } }) };
    google.fail(ANN_EVENTS, limited);
    const outcome = await syncConnection(store.db, id, deps());
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('answered 403, rateLimitExceeded: Rate Limit Exceeded (rate limited); try again after 2026-12-04T08:01:00.000Z') });
    expect(getConnection(store.db, id)).toMatchObject({ status: 'failing', meetings: 3 });
    expect(connectionMails()).toHaveLength(0);
  });

  it('waits for a Retry-After and retries a 5xx', async () => {
    const id = connect();
    google.fail(ANN_EVENTS, { status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":429,"message":"Too Many Requests"}}' });
    google.fail('/admin/directory/v1/users', { status: 500 }, { status: 502 });
    google.fail('/token', { status: 503 });
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok', added: 3 });
    expect(eventsRequests(ANN_EVENTS)).toHaveLength(4); // the 429, then the three pages
    expect(google.requests.filter((r) => r.path === '/admin/directory/v1/users')).toHaveLength(4);
  });

  it('fails on a malformed answer naming the endpoint, without its content, and removes nothing', async () => {
    const kept = googleSessions(google);
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    const stored = cursors(id);
    google.fail(ANN_EVENTS, { status: 200, body: '{"items": [ {"id": "maths9series", "summ' });
    const broken = await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(broken).toMatchObject({ status: 'failed', error: expect.stringMatching(/^GET 127\.0\.0\.1:\d+\/calendar\/v3\/calendars\/ann%40westfield\.example\/events: HTTP 200 with an answer that is not JSON/) });
    expect(meetings()).toHaveLength(3);
    expect(cursors(id)).toEqual(stored);

    google.fail('/admin/directory/v1/users', { status: 200, body: '{"users": [{"id": 7, "primaryEmail": "ann@westfield.example"}]}' });
    const shape = await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(shape).toMatchObject({ status: 'failed', error: expect.stringContaining('GET /admin/directory/v1/users: the answer is not the shape Google documents') });
    expect(meetings()).toHaveLength(3);

    google.fail('/token', { status: 200, body: '{"access_token": "ya29.partialTokenValue' });
    const token = await syncConnection(store.db, id, deps());
    expect(token).toMatchObject({ status: 'failed', error: expect.stringContaining('not JSON') });
    expect((token as { error: string }).error).not.toContain('ya29.partial');
    google.fail('/token', { status: 200, body: '{"token": "ya29.otherTokenValue"}' });
    const wrong = await syncConnection(store.db, id, deps());
    expect(wrong).toMatchObject({ status: 'failed', error: expect.stringContaining('POST /token: the answer is not the shape Google documents (access_token, expires_in)') });
    expect((wrong as { error: string }).error).not.toContain('ya29.other');
    expect(getConnection(store.db, id)).toMatchObject({ status: 'failing', meetings: 3 });
  });

  it('refuses a key that is not a service account key of the client named, without echoing it', async () => {
    const file = JSON.parse(google.serviceAccount.keyFile) as Record<string, string>;
    const cases: [string, Partial<ConnectionCredential>, RegExp][] = [
      ['not json', { secret: google.serviceAccount.privateKeyPem }, /the service account key \(the secret\) is not JSON/],
      ['another type', { secret: JSON.stringify({ ...file, type: 'authorized_user' }) }, /not a service account's JSON key: type missing or wrong/],
      ['no private key', { secret: JSON.stringify({ ...file, private_key: undefined }) }, /private_key missing or wrong/],
      ['another client', { clientId: 'other@westfield-sync.iam.gserviceaccount.com' }, /the service account key is of leakwatch@westfield-sync\.iam\.gserviceaccount\.com, not of other@westfield-sync\.iam\.gserviceaccount\.com \(the service account email field\)/],
      ['a broken PEM', { secret: JSON.stringify({ ...file, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }) }, /the private_key of the service account key is not a PEM private key/],
    ];
    const body = google.serviceAccount.privateKeyPem.split('\n')[3]!;
    for (const [what, overrides, message] of cases) {
      const refused = session(overrides).authorise();
      await expect(refused, what).rejects.toThrow(CredentialError);
      const error = await refused.catch((e: Error) => e.message);
      expect(error, what).toMatch(message);
      expect(error, what).not.toContain(body);
      expect(error, what).not.toContain('BEGIN PRIVATE KEY');
    }
    expect(google.requests).toHaveLength(0);
    // Connecting with one stores nothing.
    const connecting = connectAccount(store.db, { orgId, provider: googleProvider, credential: credential({ secret: '{"type":"service_account"}' }), writeOptIn: false }, { key, sessions: googleSessions(google), registration: store.registration, log: capturedLogger().log, actor: 'test' });
    await expect(connecting).rejects.toThrow(/^nothing stored: the service account key \(the secret\) is not a service account's JSON key/);
    expect(count(store.db, 'connections')).toBe(0);
  });

  it('connects through connectAccount with the tried token serving the first sync, and the key token_uri is not followed', async () => {
    const connected = await connectAccount(store.db, { orgId, provider: providerFor('google'), credential: credential(), writeOptIn: false }, { key, sessions: googleSessions(google), registration: store.registration, log: capturedLogger().log, actor: 'test' });
    expect(connected).toMatchObject({ sync: { status: 'ok', added: 3 }, notes: [] });
    expect(connected.connection).toMatchObject({ provider: 'google', accountId: google.admin, clientId: google.serviceAccount.clientEmail, scopes: READ_SCOPES });
    expect(google.assertions.filter((a) => a.claims.sub === google.admin)).toHaveLength(1);
  });

  it('keeps the key, its signatures and the access tokens out of logs, errors and the database file', async () => {
    const captured = capturedLogger();
    const id = connect();
    const errors: string[] = [];
    const run = async () => {
      const outcome = await syncConnection(store.db, id, deps({ log: captured.log }));
      if ('error' in outcome) errors.push(outcome.error);
    };
    await run();
    google.fail(ANN_EVENTS, { status: 200, body: 'not json' });
    await run();
    google.revoked = true;
    await run();
    google.revoked = false;
    google.delegated.delete(SCOPES.calendarRead);
    await run();
    expect(errors).toHaveLength(3);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = [store.path, `${store.path}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path).toString('latin1'));
    const assertions = google.requests.filter((r) => r.path === '/token').map((r) => new URLSearchParams(r.body).get('assertion')!.split('.')[2]!);
    const keyLines = google.serviceAccount.privateKeyPem.split('\n').filter((line) => line.length > 40);
    const secrets = [...google.issued.map((t) => t.value), ...assertions, ...keyLines, google.serviceAccount.keyFile.slice(0, 80), '418273645', '907162534'];
    expect(google.issued.length).toBeGreaterThan(0);
    expect(assertions.length).toBeGreaterThan(4);
    const logs = captured.lines.join('\n');
    expect(logs).toContain('connection credential refused');
    for (const secret of secrets) {
      for (const bytes of files) expect(bytes).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const error of errors) expect(error).not.toContain(secret);
    }
  });
});
