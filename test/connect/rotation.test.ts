/**
 * "Rotate it for me": the alert of a meeting imported from a Zoom connection
 * whose admin allowed rotation carries a fourth button; pressing it (GET
 * shows what will happen, POST does it, once) gives the meeting a new
 * passcode and the waiting room through Zoom's API, hashes the new passcode
 * at once (the leak now says the posted one no longer works), resolves the
 * leak with an audit event, and tells the organiser where the new
 * invitation is — never the new passcode or link.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/connect/connections.js';
import { rotateLeak } from '../../src/connect/rotation.js';
import { ConnectionSessions, syncConnection } from '../../src/connect/sync.js';
import { compose } from '../../src/notify/compose.js';
import { LinkMaker, linkKey } from '../../src/notify/links.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { passcodeMatches } from '../../src/registry/passcode.js';
import { createApp } from '../../src/web/app.js';
import { capturedLogger } from '../support/logger.js';
import { school, type TestStore, tempStore } from '../support/store.js';
import { seedSchool, startZoomServer, type ZoomServer, zoomSessions } from '../support/zoom-server.js';

const PUBLIC = 'https://leakwatch.test';
const WRITE = 'meeting:read:list_meetings:admin meeting:read:meeting:admin user:read:list_users:admin meeting:update:meeting:admin';
const key = randomBytes(32);
let store: TestStore;
let zoom: ZoomServer;
let orgId: number;
let sessions: ConnectionSessions;
let log: ReturnType<typeof capturedLogger>;
const now = new Date('2026-12-04T08:00:00Z');


async function connectAndLeak(writeOptIn: boolean): Promise<number> {
  const { accountId, clientId, clientSecret } = zoom.account;
  const id = createConnection(store.db, { orgId, provider: 'zoom', accountId, clientId, secret: clientSecret, scopes: [], writeOptIn }, key, 'test').id;
  expect(await syncConnection(store.db, id, { key, registration: store.registration, sessions, log: log.log, actor: 'connection-sync', now: () => now })).toMatchObject({ status: 'ok' });
  store.matcher.ingestPage([{ source: 'reddit', sourceId: 'p1', url: 'https://www.reddit.com/r/x/comments/p1/', author: 'kid', createdAt: now.toISOString(), text: 'raid maths Meeting ID: 812 3456 7890 Passcode: 662810' }], { now });
  return store.db.prepare("SELECT id FROM leaks WHERE meeting_id = '81234567890'").pluck().get() as number;
}

/** The alert queued to Ann, as it would be sent now. */
function annsAlert(): { text: string; html: string } {
  const row = listOutbox(store.db, {}).find((m) => m.kind === 'alert' && m.recipient === 'ann@westfield.example')!;
  const composed = compose({ db: store.db, links: new LinkMaker(linkKey(store.db, undefined), PUBLIC, 72), now }, row);
  if (!('email' in composed)) throw new Error(`not an email: ${JSON.stringify(composed)}`);
  return composed.email;
}

function app() {
  return createApp({
    db: store.db,
    linkKey: linkKey(store.db, undefined),
    onVerified: store.registration.onVerified,
    log: log.log,
    clock: () => now,
    rotate: (input) => rotateLeak(store.db, input, { key, registration: store.registration, sessions, log: log.log, now: () => now }),
  });
}

beforeEach(async () => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  zoom = await startZoomServer();
  seedSchool(zoom);
  sessions = zoomSessions(zoom);
  log = capturedLogger();
});
afterEach(async () => {
  await zoom.close();
  store.cleanup();
});

describe('Rotate it for me', () => {
  it('rotates through Zoom once, hashes the new passcode, resolves the leak and tells the organiser where, not what', async () => {
    zoom.scope = WRITE;
    const leakId = await connectAndLeak(true);
    const alert = annsAlert();
    const link = /Rotate it for me[^:]*: (https:\/\/leakwatch\.test\/r\/\S+)/.exec(alert.text)?.[1];
    expect(link).toBeDefined();
    expect(alert.html).toContain('>Rotate it for me</a>');
    const path = link!.replace(PUBLIC, '');
    const web = app();

    const confirm = await web.request(path);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('your pupils then need the new invitation');
    // A GET changes nothing (mail scanners open links).
    expect(zoom.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    const done = await web.request(path, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const page = await done.text();
    expect(done.status, page).toBe(200);
    expect(page).toContain('The posted link and passcode no longer work');
    const patches = zoom.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual(['/v2/meetings/81234567890']);
    const sent = JSON.parse(patches[0]!.body) as { password: string; settings: { waiting_room: boolean } };
    expect(sent.password).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(sent.settings.waiting_room).toBe(true);
    expect(zoom.waitingRooms.get('81234567890')).toBe(true);

    const meeting = store.db.prepare("SELECT passcode_hash FROM meetings WHERE meeting_id = '81234567890'").get() as { passcode_hash: string };
    expect(passcodeMatches(sent.password, meeting.passcode_hash)).toBe(true);
    expect(passcodeMatches('662810', meeting.passcode_hash)).toBe(false);
    const leak = store.db.prepare('SELECT status, passcode_state FROM leaks WHERE id = ?').get(leakId);
    expect(leak).toEqual({ status: 'resolved', passcode_state: 'differs' });
    const audited = store.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'meeting.rotated'").all() as { actor: string; detail: string }[];
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actor).toBe('email:ann@westfield.example');

    // The organiser is told: the old link is dead, the new invitation is in Zoom. Not the passcode, not the link.
    const told = listOutbox(store.db, {}).filter((m) => m.kind === 'rotated');
    expect(told.map((m) => m.recipient)).toEqual(['ann@westfield.example']);
    const mail = compose({ db: store.db, links: new LinkMaker(linkKey(store.db, undefined), PUBLIC, 72), now }, told[0]!);
    if (!('email' in mail)) throw new Error('not an email');
    expect(mail.email.text).toContain('no longer work');
    expect(mail.email.text).toContain('https://zoom.us/meeting/81234567890');
    const newLink = [...zoom.meetings.values()].flat().find((m) => m.id === 81234567890)!.join_url;
    for (const secret of [sent.password, newLink, newLink.split('pwd=')[1]!]) {
      expect(mail.email.text).not.toContain(secret);
      expect(mail.email.html).not.toContain(secret);
      expect(page).not.toContain(secret);
      expect(log.lines.join('\n')).not.toContain(secret);
      expect(JSON.stringify(store.db.prepare('SELECT * FROM outbox').all())).not.toContain(secret);
      expect(JSON.stringify(store.db.prepare('SELECT * FROM audit_log').all())).not.toContain(secret);
    }

    // Once.
    const again = await web.request(path, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.status).toBe(409);
    expect(zoom.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('has no fourth button when the admin did not allow rotation, and refuses a forged attempt', async () => {
    const leakId = await connectAndLeak(false);
    expect(annsAlert().text).not.toContain('Rotate it for me');
    await expect(rotateLeak(store.db, { orgId, leakId, actor: 'test' }, { key, registration: store.registration, sessions, log: log.log })).rejects.toThrow(/cannot be rotated by leakwatch/);
    expect(zoom.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    // Another organisation's leak is not found.
    const other = school(store, 'Eastfield', 'eastfield.example');
    await expect(rotateLeak(store.db, { orgId: other, leakId, actor: 'test' }, { key, registration: store.registration, sessions, log: log.log })).rejects.toThrow(/has no leak/);
  });

  it('says what failed and keeps the link working when Zoom fails, and falls back to digits for accounts that allow only digits', async () => {
    zoom.scope = WRITE;
    const leakId = await connectAndLeak(true);
    const path = /Rotate it for me[^:]*: (https:\/\/leakwatch\.test\/r\/\S+)/.exec(annsAlert().text)![1]!.replace(PUBLIC, '');
    const web = app();
    const post = () => web.request(path, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    zoom.fail('/v2/meetings/81234567890', { status: 500 }, { status: 500 });
    const failed = await post();
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('this link still works');
    expect(store.db.prepare('SELECT status FROM leaks WHERE id = ?').pluck().get(leakId)).not.toBe('resolved');

    zoom.digitsOnly = true;
    const done = await post();
    expect(done.status).toBe(200);
    const patches = zoom.requests.filter((r) => r.method === 'PATCH' && r.body !== '');
    const last = JSON.parse(patches.at(-1)!.body) as { password: string };
    expect(last.password).toMatch(/^\d{10}$/);
    expect(store.db.prepare('SELECT status FROM leaks WHERE id = ?').pluck().get(leakId)).toBe('resolved');
  });

  it('names the missing scope when the app was not given the write scope', async () => {
    const leakId = await connectAndLeak(true);
    await expect(rotateLeak(store.db, { orgId, leakId, actor: 'test' }, { key, registration: store.registration, sessions, log: log.log })).rejects.toThrow(/lacks the scope meeting:update:meeting:admin/);
    expect(store.db.prepare('SELECT status FROM leaks WHERE id = ?').pluck().get(leakId)).not.toBe('resolved');
  });
});
