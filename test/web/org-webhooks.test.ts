/**
 * An organisation's own webhooks: added by an admin on the dashboard (the
 * address checked as every URL a user gives), each signed with its own key
 * shown once (the database keeps only a salt), tested with a button that
 * calls it at once and shows its answer, alerted like the installation's,
 * and removed, which cancels calls still queued. One organisation never
 * reaches another's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { Notifier } from '../../src/notify/worker.js';
import { addOrganiser } from '../../src/registry/organisations.js';
import { listWebhooks } from '../../src/registry/webhooks.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { dashboardApp, signedIn, type TestWeb } from '../support/web.js';

const INSTALLATION_SECRET = 'installation-webhook-secret';

let store: TestStore;
let receiver: TestHttpServer;
let web: TestWeb;
let orgId: number;
let otherOrg: number;
let answers: number[];
let calls: { path: string; body: string; headers: IncomingMessage['headers'] }[];

/** Whether a call carries a fresh signature made with `key`, as a receiver checks it. */
function signedWith(call: { body: string; headers: IncomingMessage['headers'] }, key: string): boolean {
  const timestamp = String(call.headers['x-leakwatch-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', key).update(`${timestamp}.${call.body}`).digest('hex')}`);
  const given = Buffer.from(String(call.headers['x-leakwatch-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeEach(async () => {
  answers = [];
  calls = [];
  const record = (path: string) => (request: IncomingMessage, response: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls.push({ path, body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
      response.writeHead(answers.shift() ?? 204).end();
    });
  };
  receiver = await startHttpServer({ '/hooks/westfield/T0SECRETPATH': record('westfield'), '/hooks/eastfield': record('eastfield') });
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  otherOrg = school(store, 'Eastfield Academy', 'eastfield.example');
  web = dashboardApp(store, { webhookSecret: INSTALLATION_SECRET, urlGuard: { allowPrivateHosts: false, allowHosts: [receiver.url.replace('http://', '')] } });
});
afterEach(async () => {
  await receiver.close();
  store.cleanup();
});

const keyIn = (body: string) => /<code class="token">([A-Za-z0-9_-]+)<\/code>/.exec(body)?.[1];

describe("an organisation's webhooks", () => {
  it('adds one with a key shown once, tests it (signed with that key), and shows the answer, good or bad', async () => {
    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/settings`);
    const url = `${receiver.url}/hooks/westfield/T0SECRETPATH`;
    const added = await admin.post(`/orgs/${orgId}/webhooks`, { url });
    expect(added.status).toBe(200);
    expect(added.response.headers.get('cache-control')).toBe('no-store');
    const key = keyIn(added.body)!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The path is the webhook's secret: never on the page; the key never again, nor in the database.
    expect(added.body).not.toContain('T0SECRETPATH');
    const page = await admin.get(`/orgs/${orgId}/settings`);
    expect(page.body).not.toContain(key);
    expect(page.body).toContain(`${receiver.url}/…`);
    const dbBytes = readFileSync(store.path).toString('latin1');
    expect(dbBytes).not.toContain(key);
    expect(JSON.stringify(store.db.prepare('SELECT * FROM audit_log').all())).not.toContain('T0SECRETPATH');

    const id = listWebhooks(store.db, orgId)[0]!.id;
    const tested = await admin.post(`/orgs/${orgId}/webhooks/${id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toContain('it answered HTTP 204');
    expect(calls).toHaveLength(1);
    expect(signedWith(calls[0]!, key)).toBe(true);
    expect(signedWith(calls[0]!, INSTALLATION_SECRET)).toBe(false);
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ event: 'leak.test' });

    answers = [500];
    const failed = await admin.post(`/orgs/${orgId}/webhooks/${id}/test`);
    expect(failed.status).toBe(409);
    expect(failed.body).toContain('answered HTTP 500');
    expect(failed.body).not.toContain('T0SECRETPATH');

    // A new key: the old one no longer signs.
    const rekeyed = await admin.post(`/orgs/${orgId}/webhooks/${id}/key`);
    const newKey = keyIn(rekeyed.body)!;
    expect(newKey).not.toBe(key);
    await admin.post(`/orgs/${orgId}/webhooks/${id}/test`);
    expect(signedWith(calls.at(-1)!, newKey)).toBe(true);
    expect(signedWith(calls.at(-1)!, key)).toBe(false);
  });

  it('refuses a private address, another scheme, credentials, a duplicate and a bad form, naming the problem', async () => {
    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/settings`);
    for (const [url, named] of [
      ['http://127.0.0.2:9/hook', '127.0.0.2 is'],
      ['http://[::ffff:10.0.0.1]/hook', 'leakwatch fetches only public addresses'],
      ['http://localhost/hook', 'a loopback name'],
      ['file:///etc/passwd', 'only http and https'],
      ['https://user:pw@hooks.example/x', 'credentials'],
      ['not a url', 'not a URL'],
      ['https://hooks.example/x#frag', 'fragment'],
    ]) {
      const refused = await admin.post(`/orgs/${orgId}/webhooks`, { url: url! });
      expect(refused.status, url).toBe(400);
      expect(refused.body, url).toContain(named);
    }
    await admin.post(`/orgs/${orgId}/webhooks`, { url: 'https://hooks.example/a' });
    const twice = await admin.post(`/orgs/${orgId}/webhooks`, { url: 'https://hooks.example/a' });
    expect(twice.status).toBe(400);
    expect(twice.body).toContain('is a webhook of this organisation already');
    expect(listWebhooks(store.db, orgId)).toHaveLength(1);
  });

  it('signs each organisation\'s alerts with its own key, and cancels queued calls of a removed webhook', async () => {
    const westfield = await signedIn(web, store, 'it@westfield.example');
    await westfield.get(`/orgs/${orgId}/settings`);
    const westKey = keyIn((await westfield.post(`/orgs/${orgId}/webhooks`, { url: `${receiver.url}/hooks/westfield/T0SECRETPATH` })).body)!;
    const eastfield = await signedIn(web, store, 'it@eastfield.example');
    await eastfield.get(`/orgs/${otherOrg}/settings`);
    const eastKey = keyIn((await eastfield.post(`/orgs/${otherOrg}/webhooks`, { url: `${receiver.url}/hooks/eastfield` })).body)!;

    const clock = new FakeClock('2026-09-01T12:00:00.000Z');
    for (const [org, id, owner] of [[orgId, '84512397260', 'teacher@westfield.example'], [otherOrg, '84512397261', 'teacher@eastfield.example']] as const) {
      store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: id, ownerEmail: owner, title: 'Maths' }, 'test', clock.now);
      store.matcher.ingestPage([{ source: 'fourchan', sourceId: id, url: `https://boards.4chan.org/b/thread/${id}`, author: 'Anonymous', createdAt: clock.now.toISOString(), text: `raid Meeting ID: ${id}` }], { now: clock.now });
    }
    const config = { ...notifierConfig(), http: { ...notifierConfig().http, allowPrivateHosts: false, allowHosts: [receiver.url.replace('http://', '')] } };
    const notifier = new Notifier({ db: store.db, config, secrets: { webhookSecret: INSTALLATION_SECRET }, log: createLogger({ level: 'silent' }), mailer: null, clock: clock.read, random: () => 0 });
    await notifier.flush();
    const west = calls.filter((c) => c.path === 'westfield');
    const east = calls.filter((c) => c.path === 'eastfield');
    expect(west).toHaveLength(1);
    expect(east).toHaveLength(1);
    expect(signedWith(west[0]!, westKey) && !signedWith(west[0]!, eastKey)).toBe(true);
    expect(signedWith(east[0]!, eastKey) && !signedWith(east[0]!, westKey)).toBe(true);
    expect(JSON.parse(west[0]!.body).leak.organisation).toBe('Westfield High');
    expect(JSON.parse(east[0]!.body).leak.organisation).toBe('Eastfield Academy');

    // Another leak queues a call; the webhook is removed before it goes: cancelled, not sent.
    store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: '84512397262', ownerEmail: 'teacher@westfield.example' }, 'test', clock.now);
    store.matcher.ingestPage([{ source: 'fourchan', sourceId: 'x', url: 'https://boards.4chan.org/b/thread/9', author: 'Anonymous', createdAt: clock.now.toISOString(), text: 'raid Meeting ID: 84512397262' }], { now: clock.now });
    const id = listWebhooks(store.db, orgId)[0]!.id;
    await westfield.get(`/orgs/${orgId}/settings`);
    expect((await westfield.post(`/orgs/${orgId}/webhooks/${id}/remove`)).status).toBe(303);
    await notifier.flush();
    expect(calls.filter((c) => c.path === 'westfield')).toHaveLength(1);
    expect(listOutbox(store.db, { status: 'cancelled' }).find((m) => m.channel === 'webhook')?.lastError).toBe('the organisation removed this webhook');
  });

  it("keeps organisers out (403) and another organisation's webhooks unreachable (404)", async () => {
    const eastfield = await signedIn(web, store, 'it@eastfield.example');
    await eastfield.get(`/orgs/${otherOrg}/settings`);
    await eastfield.post(`/orgs/${otherOrg}/webhooks`, { url: `${receiver.url}/hooks/eastfield` });
    const theirs = listWebhooks(store.db, otherOrg)[0]!.id;

    addOrganiser(store.db, orgId, 'teacher@westfield.example', 'test');
    const organiser = await signedIn(web, store, 'teacher@westfield.example');
    await organiser.get('/');
    expect((await organiser.post(`/orgs/${orgId}/webhooks`, { url: 'https://hooks.example/a' })).status).toBe(403);

    const admin = await signedIn(web, store, 'it@westfield.example');
    await admin.get(`/orgs/${orgId}/settings`);
    for (const action of ['test', 'key', 'remove']) {
      // Their webhook's id under our organisation, and under theirs: both not found.
      expect((await admin.post(`/orgs/${orgId}/webhooks/${theirs}/${action}`)).status, action).toBe(404);
      expect((await admin.post(`/orgs/${otherOrg}/webhooks/${theirs}/${action}`)).status, action).toBe(404);
    }
    expect(calls).toHaveLength(0);
    expect(listWebhooks(store.db, otherOrg)).toHaveLength(1);
  });

  it('cannot be added without the installation secret, and says why', async () => {
    web = dashboardApp(store, { urlGuard: { allowPrivateHosts: true } });
    const admin = await signedIn(web, store, 'it@westfield.example');
    const page = await admin.get(`/orgs/${orgId}/settings`);
    expect(page.body).toContain('its operator has not set LEAKWATCH_WEBHOOK_SECRET');
    const refused = await admin.post(`/orgs/${orgId}/webhooks`, { url: 'https://hooks.example/a' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('LEAKWATCH_WEBHOOK_SECRET is not set');
    expect(listWebhooks(store.db, orgId)).toHaveLength(0);
  });
});
