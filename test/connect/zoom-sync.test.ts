import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/connect/api-client.js';
import { createConnection, getConnection, removeConnection } from '../../src/connect/connections.js';
import { ConnectionSessions, syncConnection, type SyncDependencies } from '../../src/connect/sync.js';
import { zoomProvider } from '../../src/connect/zoom.js';
import { addIdentifier, listIdentifiers, verifyManually } from '../../src/registry/identifiers.js';
import { passcodeMatches } from '../../src/registry/passcode.js';
import { smtpTransport } from '../../src/notify/smtp.js';
import { Notifier } from '../../src/notify/worker.js';
import { capturedLogger } from '../support/logger.js';
import { notifierConfig } from '../support/notify.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { count, school, type TestStore, tempStore, VERIFICATION } from '../support/store.js';
import { seedSchool, startZoomServer, type ZoomServer } from '../support/zoom-server.js';

let store: TestStore;
let zoom: ZoomServer;
let orgId: number;
const key = randomBytes(32);

function sessions(options: { allowPrivateHosts?: boolean; maxRetryAfterMs?: number; now?: () => number } = {}): ConnectionSessions {
  const api = new ApiClient({
    guard: { allowPrivateHosts: options.allowPrivateHosts ?? true },
    userAgent: 'leakwatch-test',
    timeoutMs: 5000,
    maxResponseBytes: 1_000_000,
    retries: 2,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 3000,
    retryBaseMs: 10,
  });
  return new ConnectionSessions({ api, urls: () => ({ oauthUrl: zoom.url, apiUrl: zoom.url }), ...(options.now ? { now: options.now } : {}) });
}

function connect(): number {
  const { accountId, clientId, clientSecret } = zoom.account;
  return createConnection(store.db, { orgId, provider: 'zoom', accountId, clientId, secret: clientSecret, scopes: [], writeOptIn: false }, key, 'test').id;
}

function deps(extra: Partial<SyncDependencies> = {}): SyncDependencies {
  return { key, registration: store.registration, sessions: sessions(), log: capturedLogger().log, actor: 'connection-sync', ...extra };
}

function meetings() {
  return store.db.prepare('SELECT meeting_id, owner_email, title, passcode_hash, starts_at, ends_at, recurrence, origin, origin_uid, connection_id FROM meetings WHERE org_id = ? ORDER BY meeting_id').all(orgId) as {
    meeting_id: string;
    owner_email: string;
    title: string;
    passcode_hash: string | null;
    starts_at: string | null;
    ends_at: string | null;
    recurrence: string | null;
    origin: string;
    origin_uid: string;
    connection_id: number;
  }[];
}

function connectionMails() {
  return store.db.prepare("SELECT recipient, payload FROM outbox WHERE kind = 'connection-failed' ORDER BY id").all() as { recipient: string; payload: string }[];
}

beforeEach(async () => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  zoom = await startZoomServer();
  seedSchool(zoom);
});

afterEach(async () => {
  await zoom.close();
  store.cleanup();
});

describe('Zoom sync', () => {
  it("imports every host's meetings with the host as owner, passcodes only as hashes, recurrence as an RRULE", async () => {
    const id = connect();
    const outcome = await syncConnection(store.db, id, deps());
    expect(outcome).toMatchObject({ status: 'ok', added: 4, updated: 0, removed: 0, skipped: [] });
    const rows = meetings();
    expect(rows.map((m) => [m.meeting_id, m.owner_email, m.title])).toEqual([
      ['81234567890', 'ann@westfield.example', 'Year 9 Maths'],
      ['81234567891', 'ann@westfield.example', 'Parents evening'],
      ['81234567892', 'ann@westfield.example', 'Office hours'],
      ['81234567893', 'bob@westfield.example', 'Staff briefing'],
    ]);
    expect(rows.every((m) => m.origin === 'connection' && m.connection_id === id)).toBe(true);
    expect(rows.map((m) => m.origin_uid)).toEqual(['81234567890', '81234567891', '81234567892', '81234567893']);
    const [maths, parents, office, briefing] = rows as [typeof rows[0], typeof rows[0], typeof rows[0], typeof rows[0]];
    expect(maths).toMatchObject({ starts_at: '2026-12-07T09:00:00.000Z', ends_at: '2026-12-07T09:45:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270715T080000Z' });
    expect(briefing.recurrence).toBe('FREQ=DAILY;INTERVAL=2;COUNT=10');
    // The host's zone and the occurrence they deleted come with the series.
    const series = store.db.prepare("SELECT time_zone, excluded_starts FROM meetings WHERE meeting_id = '81234567890'").get();
    expect(series).toEqual({ time_zone: 'Europe/London', excluded_starts: '["2026-12-09T09:00:00.000Z"]' });
    expect(office).toMatchObject({ starts_at: null, recurrence: null });
    expect(parents.recurrence).toBeNull();
    // The passcode people type and the link's pwd= token are both known, as hashes.
    expect(passcodeMatches('662810', maths.passcode_hash)).toBe(true);
    expect(passcodeMatches('Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op.1', maths.passcode_hash)).toBe(true);
    expect(passcodeMatches('xK9p2Q', parents.passcode_hash)).toBe(true);
    expect(briefing.passcode_hash).toBeNull();
    expect(JSON.stringify(store.db.prepare('SELECT * FROM meetings').all())).not.toMatch(/662810|xK9p2Q|Ab12Cd34Ef56/);
    // Users and Ann's meetings came in two pages each.
    expect(zoom.requests.filter((r) => r.path === '/v2/users').map((r) => r.query.has('next_page_token'))).toEqual([false, true]);
    expect(zoom.requests.filter((r) => r.path === '/v2/users/u-ann/meetings')).toHaveLength(2);
    expect(zoom.requests.find((r) => r.path === '/v2/users')!.query.get('status')).toBe('active');
    expect(zoom.requests.find((r) => r.path === '/v2/users/u-ann/meetings')!.query.get('type')).toBe('scheduled');
    // The hosts are the organisers: contacts of the organisation, once.
    expect(outcome).toMatchObject({ organisers: 2 });
    expect(store.db.prepare("SELECT email FROM contacts WHERE org_id = ? AND role = 'organiser' ORDER BY email").pluck().all(orgId)).toEqual(['ann@westfield.example', 'bob@westfield.example']);
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok', added: 0, updated: 4, organisers: 0 });
    expect(getConnection(store.db, id)).toMatchObject({ status: 'ok', lastError: null, meetings: 4, scopes: ['meeting:read:list_meetings:admin', 'meeting:read:meeting:admin', 'user:read:list_users:admin'] });
  });

  it('proves the vanity subdomain of its join links, not the shared host', async () => {
    const outcome = await syncConnection(store.db, connect(), deps());
    expect(outcome).toMatchObject({ identifiers: [{ kind: 'zoom-subdomain', value: 'westfield', outcome: 'proven', settled: 0 }] });
    const zoomIds = listIdentifiers(store.db, orgId).filter((i) => i.kind === 'zoom-subdomain');
    expect(zoomIds).toEqual([expect.objectContaining({ value: 'westfield', status: 'verified', method: 'connection' })]);
    const audits = store.db.prepare("SELECT action, detail FROM audit_log WHERE subject = 'zoom-subdomain westfield' ORDER BY id").all() as { action: string; detail: string }[];
    expect(audits.map((a) => a.action)).toEqual(['identifier.added', 'identifier.verified']);
    expect(JSON.parse(audits[1]!.detail)).toMatchObject({ method: 'connection', provider: 'zoom', evidence: expect.stringContaining('westfield.zoom.us') });
    // A second sync finds it proven already.
    expect(await syncConnection(store.db, 1, deps())).toMatchObject({ identifiers: [{ value: 'westfield', outcome: 'unchanged' }] });
  });

  it('matches posts seen before the connection: its meetings by id and passcode, other meetings through the proven vanity', async () => {
    const now = new Date('2026-12-04T08:00:00Z');
    const post = (sourceId: string, text: string) => ({ source: 'reddit', sourceId, url: `https://www.reddit.com/r/x/comments/${sourceId}/`, author: 'kid', createdAt: now.toISOString(), text });
    store.matcher.ingestPage([post('a1', 'maths lol Meeting ID: 812 3456 7890 Passcode: 662810'), post('a2', 'join https://westfield.zoom.us/j/89999999999 now')], { now });
    expect(count(store.db, 'leaks')).toBe(0);
    await syncConnection(store.db, connect(), deps({ now: () => now }));
    const leaks = store.db.prepare('SELECT meeting_id, match_kind, passcode_state FROM leaks WHERE org_id = ? ORDER BY meeting_id').all(orgId);
    expect(leaks).toEqual([
      { meeting_id: '81234567890', match_kind: 'meeting', passcode_state: 'matches' },
      { meeting_id: '89999999999', match_kind: 'identifier', passcode_state: null },
    ]);
  });

  it('settles unproven claims of the vanity by other organisations, and leaves a proven one to the operator', async () => {
    const squatter = school(store, 'Lincoln Academy', 'lincoln.example');
    addIdentifier(store.db, { orgId: squatter, kind: 'zoom-subdomain', value: 'westfield' }, VERIFICATION, 'test');
    addIdentifier(store.db, { orgId, kind: 'zoom-subdomain', value: 'westfield' }, VERIFICATION, 'test');
    const outcome = await syncConnection(store.db, connect(), deps());
    expect(outcome).toMatchObject({ identifiers: [{ value: 'westfield', outcome: 'proven', settled: 1 }] });
    expect(listIdentifiers(store.db, squatter).find((i) => i.kind === 'zoom-subdomain')).toMatchObject({ status: 'revoked' });
    expect(count(store.db, 'audit_log', "action = 'identifier.claim-settled' AND org_id = ?", squatter)).toBe(1);
    expect(count(store.db, 'audit_log', "action = 'identifier.conflict-settled' AND org_id = ?", orgId)).toBe(1);

    // Another school, whose claim of its vanity the operator vouched for: the connection does not overturn the vouch.
    const other = await startZoomServer();
    try {
      other.users.push({ id: 'u-x', email: 'x@lincoln.example', first_name: 'X', last_name: 'Y', type: 2, status: 'active' });
      other.addMeeting('u-x', { id: 81234567899, topic: 'x', type: 2, start_time: '2026-12-10T10:00:00Z', duration: 30, join_url: 'https://lincoln.zoom.us/j/81234567899' });
      addIdentifier(store.db, { orgId: squatter, kind: 'zoom-subdomain', value: 'lincoln' }, VERIFICATION, 'test');
      verifyManually(store.db, { orgId: squatter, value: 'lincoln' }, 'operator:alice', store.registration.onVerified);
      const id = createConnection(store.db, { orgId, provider: 'zoom', accountId: other.account.accountId + '2', clientId: other.account.clientId, secret: other.account.clientSecret, scopes: [], writeOptIn: false }, key, 'test').id;
      other.account.accountId += '2';
      const api = new ApiClient({ guard: { allowPrivateHosts: true }, userAgent: 't', timeoutMs: 5000, maxResponseBytes: 1e6, retries: 0, maxRetryAfterMs: 0 });
      const otherSessions = new ConnectionSessions({ api, urls: () => ({ oauthUrl: other.url, apiUrl: other.url }) });
      expect(await syncConnection(store.db, id, deps({ sessions: otherSessions }))).toMatchObject({ status: 'ok', identifiers: [{ value: 'lincoln', outcome: 'held-elsewhere' }] });
      expect(listIdentifiers(store.db, squatter).find((i) => i.value === 'lincoln')).toMatchObject({ status: 'verified', method: 'manual' });
      expect(count(store.db, 'audit_log', "action = 'identifier.proof-contested'")).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('removes meetings deleted or cancelled upstream, and only after a complete walk', async () => {
    const id = connect();
    await syncConnection(store.db, id, deps());
    zoom.meetings.set('u-ann', zoom.meetings.get('u-ann')!.filter((m) => m.id !== 81234567891));
    // A walk cut short (Zoom down for Bob) removes nothing.
    zoom.fail('/v2/users/u-bob/meetings', { status: 503 }, { status: 503 }, { status: 503 });
    const cut = await syncConnection(store.db, id, deps());
    expect(cut).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 503 after 3 attempts') });
    expect(meetings()).toHaveLength(4);
    expect(getConnection(store.db, id)).toMatchObject({ status: 'failing', errorReported: false });
    expect(connectionMails()).toHaveLength(0);
    const full = await syncConnection(store.db, id, deps());
    expect(full).toMatchObject({ status: 'ok', added: 0, updated: 3, removed: 1 });
    expect(meetings().map((m) => m.meeting_id)).not.toContain('81234567891');
    // A meeting listed but deleted before its detail was read is gone too.
    zoom.fail('/v2/meetings/81234567893', { status: 404, body: JSON.stringify({ code: 3001, message: 'Meeting does not exist: 81234567893.' }) });
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok', removed: 1 });
  });

  it('keeps the token between syncs and renews it before it expires', async () => {
    let clock = Date.parse('2026-12-04T08:00:00Z');
    const kept = sessions({ now: () => clock });
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(zoom.issued).toHaveLength(1);
    clock += 56 * 60_000; // within five minutes of the hour
    await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(zoom.issued).toHaveLength(2);
  });

  it('asks for a new token once when a request answers 401 with a stale one', async () => {
    const kept = sessions();
    const id = connect();
    await syncConnection(store.db, id, deps({ sessions: kept }));
    zoom.expireTokens();
    const outcome = await syncConnection(store.db, id, deps({ sessions: kept }));
    expect(outcome).toMatchObject({ status: 'ok', updated: 4 });
    expect(zoom.issued).toHaveLength(2);
    expect(zoom.requests.filter((r) => r.path === '/v2/users').length).toBe(5); // 2 + the 401 + 2
  });

  it('calls a credential refused when a fresh token answers 401 too', async () => {
    const id = connect();
    zoom.fail('/v2/users', { status: 401, body: '{"code":124,"message":"Invalid access token."}' }, { status: 401, body: '{"code":124,"message":"Invalid access token."}' });
    const outcome = await syncConnection(store.db, id, deps());
    expect(outcome).toMatchObject({ status: 'revoked', error: expect.stringContaining('answered 401 twice') });
    expect(zoom.issued).toHaveLength(2);
  });

  it('waits for a Retry-After it can afford, and gives up on a longer one', async () => {
    const id = connect();
    zoom.fail('/v2/users', { status: 429, headers: { 'retry-after': '1' }, body: '{"code":429,"message":"You have reached the maximum per-second rate limit for this API."}' });
    const started = Date.now();
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok', added: 4 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    zoom.fail('/v2/meetings/', { status: 429, headers: { 'retry-after': '3600' } });
    const limited = await syncConnection(store.db, id, deps());
    expect(limited).toMatchObject({ status: 'failed', error: expect.stringMatching(/GET 127\.0\.0\.1:\d+\/v2\/meetings\/\d+ answered 429/) });
    expect(meetings()).toHaveLength(4);
  });

  it('retries a 5xx with backoff', async () => {
    zoom.fail('/v2/users', { status: 500 }, { status: 502 });
    zoom.fail('/oauth/token', { status: 503 });
    expect(await syncConnection(store.db, connect(), deps())).toMatchObject({ status: 'ok', added: 4 });
  });

  it('reports a malformed answer as such, without its content', async () => {
    const id = connect();
    zoom.fail('/v2/users', { status: 200, body: '{"users": [ {"id": "u-ann", "ema' });
    const broken = await syncConnection(store.db, id, deps());
    expect(broken).toMatchObject({ status: 'failed', error: expect.stringMatching(/GET 127\.0\.0\.1:\d+\/v2\/users: HTTP 200 with an answer that is not JSON/) });
    zoom.fail('/v2/users', { status: 200, body: '{"users": [{"id": 7}]}' });
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'failed', error: expect.stringContaining('not the shape Zoom documents') });
    zoom.fail('/oauth/token', { status: 200, body: '{"access_token": "eyJpartial' });
    const token = await syncConnection(store.db, id, deps());
    expect(token).toMatchObject({ status: 'failed', error: expect.stringContaining('not JSON') });
    expect((token as { error: string }).error).not.toContain('eyJpartial');
    expect(getConnection(store.db, id).status).toBe('failing');
  });

  it('refuses an app without the read scopes, naming the missing one', async () => {
    zoom.scope = 'user:read:list_users:admin meeting:read:list_meetings:admin';
    const outcome = await syncConnection(store.db, connect(), deps());
    expect(outcome).toMatchObject({ status: 'revoked', error: expect.stringContaining('lacks the scope meeting:read:meeting:admin') });
    zoom.scope = 'user:read:admin meeting:read:admin';
    expect(await syncConnection(store.db, 1, deps())).toMatchObject({ status: 'ok' });
  });

  it('tells the verified admins once that the credential is refused, and again only after it worked', async () => {
    store.db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (?, 'head@westfield.example', 'admin'), (?, 'someone@elsewhere.example', 'admin')").run(orgId, orgId);
    const id = connect();
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok' });
    zoom.revoked = true;
    const first = await syncConnection(store.db, id, deps());
    expect(first).toMatchObject({ status: 'revoked', reported: true, error: expect.stringContaining('invalid_client: Invalid client_id or client_secret') });
    // Only admins at a verified domain of the organisation.
    expect(connectionMails().map((m) => m.recipient)).toEqual(['head@westfield.example', 'it@westfield.example']);
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'revoked', reported: false });
    expect(connectionMails()).toHaveLength(2);
    expect(getConnection(store.db, id)).toMatchObject({ status: 'revoked', errorReported: true, meetings: 4 });

    zoom.revoked = false;
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'ok' });
    expect(getConnection(store.db, id)).toMatchObject({ status: 'ok', errorReported: false, failingSince: null, lastError: null });
    zoom.revoked = true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await syncConnection(store.db, id, deps())).toMatchObject({ status: 'revoked', reported: true });
    expect(connectionMails()).toHaveLength(4);
  });

  it('mails the refusal over SMTP with what to do, and cancels it when the connection works again before it is sent', async () => {
    const smtp = await startSmtpServer();
    const mailer = smtpTransport(smtp.url, { maxConnections: 1, timeoutMs: 2000 });
    try {
      const notifier = () => new Notifier({ db: store.db, config: notifierConfig(), secrets: {}, log: capturedLogger().log, mailer });
      const id = connect();
      zoom.revoked = true;
      await syncConnection(store.db, id, deps());
      expect(await notifier().flush()).toMatchObject({ sent: 1 });
      const mail = smtp.received[0]!;
      expect(mail.envelope.to).toEqual(['it@westfield.example']);
      expect(mail.parsed.subject).toBe('[leakwatch] The Zoom connection of Westfield High stopped working');
      expect(mail.parsed.text).toContain('Zoom refuses the credentials leakwatch was given for account AbCdEf-Account_1 (connection 1)');
      expect(mail.parsed.text).toContain('invalid_client');
      expect(mail.parsed.text).toContain('leakwatch disconnect 1');
      expect(mail.raw).not.toContain(zoom.account.clientSecret);

      zoom.revoked = false;
      await syncConnection(store.db, id, deps());
      zoom.revoked = true;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await syncConnection(store.db, id, deps());
      zoom.revoked = false;
      await syncConnection(store.db, id, deps());
      expect(await notifier().flush()).toMatchObject({ sent: 0, cancelled: 1 });
      expect(smtp.received).toHaveLength(1);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('goes through the URL guard: loopback is refused unless the configuration allows it', async () => {
    const outcome = await syncConnection(store.db, connect(), deps({ sessions: sessions({ allowPrivateHosts: false }) }));
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('leakwatch fetches only public addresses') });
    expect(zoom.requests).toHaveLength(0);
  });

  it('without the key, a sync fails saying so and sends nothing', async () => {
    const id = connect();
    expect(await syncConnection(store.db, id, deps({ key: null }))).toMatchObject({ status: 'failed', error: expect.stringContaining('LEAKWATCH_SECRET_KEY is not set') });
    expect(await syncConnection(store.db, id, deps({ key: randomBytes(32) }))).toMatchObject({ status: 'failed', error: expect.stringContaining('does not open') });
    expect(zoom.requests).toHaveLength(0);
  });

  it('disconnecting removes the secret and the meetings that came from it', async () => {
    const id = connect();
    await syncConnection(store.db, id, deps());
    expect(removeConnection(store.db, id, 'test')).toMatchObject({ removedMeetings: 4 });
    expect(count(store.db, 'meetings')).toBe(0);
    expect(count(store.db, 'connections')).toBe(0);
  });
});

describe('Zoom recurrence', () => {
  it('says Zoom recurrences as RRULEs', async () => {
    const { zoomRecurrenceToRrule } = await import('../../src/connect/zoom.js');
    expect(zoomRecurrenceToRrule({ type: 1 })).toBe('FREQ=DAILY');
    expect(zoomRecurrenceToRrule({ type: 2, weekly_days: '1,7', repeat_interval: 2, end_times: 5 })).toBe('FREQ=WEEKLY;BYDAY=SU,SA;INTERVAL=2;COUNT=5');
    expect(zoomRecurrenceToRrule({ type: 3, monthly_day: 15 })).toBe('FREQ=MONTHLY;BYMONTHDAY=15');
    expect(zoomRecurrenceToRrule({ type: 3, monthly_week: -1, monthly_week_day: 6 })).toBe('FREQ=MONTHLY;BYDAY=-1FR');
    expect(zoomRecurrenceToRrule({ type: 2, weekly_days: '8' })).toBeNull();
    expect(zoomRecurrenceToRrule({ type: 9 })).toBeNull();
    expect(zoomProvider.readScopes).toEqual(['user:read:list_users:admin', 'meeting:read:list_meetings:admin', 'meeting:read:meeting:admin']);
  });
});
