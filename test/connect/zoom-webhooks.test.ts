/**
 * Zoom's event notifications keep a connection's meetings in step between
 * syncs: signed with the app's Secret Token (a bad signature, an old
 * timestamp or an unknown connection changes nothing), the endpoint's URL
 * validation answered as Zoom checks it, a created or updated meeting read
 * again from the API (its passcode hashed), a deleted one removed.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/connect/connections.js';
import { syncConnection } from '../../src/connect/sync.js';
import { setZoomWebhookSecret } from '../../src/connect/zoom-webhooks.js';
import { linkKey } from '../../src/notify/links.js';
import { passcodeMatches } from '../../src/registry/passcode.js';
import { createApp } from '../../src/web/app.js';
import { capturedLogger } from '../support/logger.js';
import { school, type TestStore, tempStore } from '../support/store.js';
import { seedSchool, startZoomServer, type ZoomServer, zoomSessions } from '../support/zoom-server.js';

const SECRET_TOKEN = 'zoomAppSecretToken-0123456789abcdef';
const key = randomBytes(32);
let store: TestStore;
let zoom: ZoomServer;
let orgId: number;
let connectionId: number;
let log: ReturnType<typeof capturedLogger>;
let now: Date;

function app() {
  const sessions = zoomSessions(zoom);
  return createApp({ db: store.db, linkKey: linkKey(store.db, undefined), onVerified: store.registration.onVerified, log: log.log, clock: () => now, zoomWebhooks: { key, registration: store.registration, sessions } });
}

/** A notification as Zoom sends it: JSON, the timestamp header and the v0 signature. */
function notify(web: ReturnType<typeof app>, body: unknown, options: { secret?: string; timestamp?: number; id?: number } = {}) {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor((options.timestamp ?? now.getTime()) / 1000));
  const signature = `v0=${createHmac('sha256', options.secret ?? SECRET_TOKEN).update(`v0:${timestamp}:${text}`).digest('hex')}`;
  return web.request(`/hooks/zoom/${options.id ?? connectionId}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': timestamp, 'x-zm-signature': signature } });
}

const meetingRow = (id: string) => store.db.prepare('SELECT title, passcode_hash, owner_email, connection_id FROM meetings WHERE meeting_id = ?').get(id) as { title: string; passcode_hash: string; owner_email: string; connection_id: number } | undefined;

beforeEach(async () => {
  now = new Date();
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  zoom = await startZoomServer();
  seedSchool(zoom);
  log = capturedLogger();
  const { accountId, clientId, clientSecret } = zoom.account;
  connectionId = createConnection(store.db, { orgId, provider: 'zoom', accountId, clientId, secret: clientSecret, scopes: [], writeOptIn: false }, key, 'test').id;
  await syncConnection(store.db, connectionId, { key, registration: store.registration, sessions: zoomSessions(zoom), log: log.log, actor: 'test' });
  setZoomWebhookSecret(store.db, connectionId, SECRET_TOKEN, key, 'test');
});
afterEach(async () => {
  await zoom.close();
  store.cleanup();
});

describe("Zoom's event notifications", () => {
  it("answers the URL validation with the HMAC of Zoom's plain token", async () => {
    const answer = await notify(app(), { event: 'endpoint.url_validation', payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: now.getTime() });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: createHmac('sha256', SECRET_TOKEN).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex') });
  });

  it('registers a created meeting and refreshes an updated one from the API, passcodes hashed; removes a deleted one', async () => {
    const web = app();
    const created = zoom.addMeeting('u-bob', { id: 85550001111, topic: 'Chemistry club', type: 2, start_time: '2026-12-09T15:00:00Z', duration: 60, join_url: 'https://westfield.zoom.us/j/85550001111', password: 'Chem42' });
    const base = { account_id: zoom.account.accountId, object: { id: created.id, uuid: created.uuid, host_id: 'u-bob', topic: 'Chemistry club' } };
    expect((await notify(web, { event: 'meeting.created', event_ts: now.getTime(), payload: base })).status).toBe(200);
    await expect.poll(() => meetingRow('85550001111')).toMatchObject({ title: 'Chemistry club', owner_email: 'bob@westfield.example', connection_id: connectionId });
    expect(passcodeMatches('Chem42', meetingRow('85550001111')!.passcode_hash)).toBe(true);

    // An update names what changed only; the meeting is read again (a passcode in the notification is not trusted).
    created.topic = 'Chemistry club (Year 10)';
    created.password = 'NewPass9';
    await notify(web, { event: 'meeting.updated', event_ts: now.getTime(), payload: { ...base, object: { id: created.id, password: 'not-this-one' }, old_object: { id: created.id } } });
    await expect.poll(() => meetingRow('85550001111')?.title).toBe('Chemistry club (Year 10)');
    expect(passcodeMatches('NewPass9', meetingRow('85550001111')!.passcode_hash)).toBe(true);
    expect(passcodeMatches('not-this-one', meetingRow('85550001111')!.passcode_hash)).toBe(false);

    await notify(web, { event: 'meeting.deleted', event_ts: now.getTime(), payload: { ...base, object: { id: created.id } } });
    await expect.poll(() => meetingRow('85550001111')).toBeUndefined();
    expect(meetingRow('81234567890')).toBeDefined();
    const bytes = readFileSync(store.path).toString('latin1');
    for (const secret of [SECRET_TOKEN, 'Chem42', 'NewPass9', zoom.account.clientSecret]) expect(bytes).not.toContain(secret);
    expect(log.lines.join('\n')).not.toContain(SECRET_TOKEN);
  });

  it('refuses a bad signature, another secret, an old or future timestamp, and an unknown or unconfigured connection, changing nothing', async () => {
    const web = app();
    const deleted = { event: 'meeting.deleted', event_ts: now.getTime(), payload: { account_id: zoom.account.accountId, object: { id: 81234567890 } } };
    expect((await notify(web, deleted, { secret: 'someone-elses-secret-token' })).status).toBe(401);
    expect((await notify(web, deleted, { timestamp: now.getTime() - 10 * 60_000 })).status).toBe(401);
    expect((await notify(web, deleted, { timestamp: now.getTime() + 10 * 60_000 })).status).toBe(401);
    const unsigned = await web.request(`/hooks/zoom/${connectionId}`, { method: 'POST', body: JSON.stringify(deleted), headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect((await notify(web, deleted, { id: 999 })).status).toBe(404);
    expect((await web.request('/hooks/zoom/abc', { method: 'POST', body: '{}' })).status).toBe(404);
    // Another account's notification, signed right, is ignored.
    await notify(web, { ...deleted, payload: { ...deleted.payload, account_id: 'SomeOtherAccount' } });
    setZoomWebhookSecret(store.db, connectionId, null, key, 'test');
    expect((await notify(web, deleted)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(meetingRow('81234567890')).toBeDefined();
    expect(() => setZoomWebhookSecret(store.db, connectionId, 'short', key, 'test')).toThrow(/shorter than Zoom/);
  });
});
