/**
 * The endpoint behind the buttons in alert emails: signed, expiring,
 * single-use links; a GET never acts; unsubscribe and manage; domain
 * verification links.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { getLeak, listLeaks } from '../../src/match/leaks.js';
import { LinkMaker, linkKey } from '../../src/notify/links.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { smtpTransport, type MailTransport } from '../../src/notify/smtp.js';
import { Notifier } from '../../src/notify/worker.js';
import { addIdentifier, listIdentifiers, sendVerificationEmail } from '../../src/registry/identifiers.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { MALFORMED_REQUESTS, rawRequest } from '../support/raw-http.js';
import { count, school, tempStore, type TestStore, VERIFICATION } from '../support/store.js';

const log = createLogger({ level: 'silent' });
const PUBLIC = 'https://leakwatch.test';

let store: TestStore;
let smtp: TestSmtpServer;
let web: WebServer;
let clock: FakeClock;
let mailer: MailTransport;
let org: number;
let leakId: number;

beforeEach(async () => {
  store = tempStore();
  smtp = await startSmtpServer();
  mailer = smtpTransport(smtp.url, { maxConnections: 1, timeoutMs: 2000 });
  clock = new FakeClock('2026-09-01T12:00:00.000Z');
  web = await startWebServer({ db: store.db, linkKey: linkKey(store.db, undefined), onVerified: store.registration.onVerified, log, host: '127.0.0.1', port: 0, clock: clock.read });
  org = school(store, 'Westfield <b>High</b>', 'westfield.example');
  store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths' }, 'test', clock.now);
  store.matcher.ingestPage([{ source: 'reddit', sourceId: 't3_1', url: 'https://www.reddit.com/r/x/1/', author: 'a', createdAt: clock.now.toISOString(), text: 'zoom.us/j/84512397260' }], { now: clock.now });
  leakId = listLeaks(store.db, { orgId: org })[0]!.id;
});
afterEach(async () => {
  mailer.close();
  await web.close();
  await smtp.close();
  store.cleanup();
});

function notifier(): Notifier {
  return new Notifier({ db: store.db, config: notifierConfig(), secrets: {}, log, mailer, clock: clock.read });
}

/** A link from an email, pointed at the test server instead of the public address. */
function local(link: string): string {
  return link.replace(PUBLIC, web.url);
}

function links() {
  return new LinkMaker(linkKey(store.db, undefined), PUBLIC, 168);
}

async function get(link: string) {
  const response = await fetch(local(link));
  return { status: response.status, body: await response.text(), headers: response.headers };
}

async function post(link: string, form: Record<string, string> = {}) {
  const response = await fetch(local(link), { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: response.status, body: await response.text() };
}

const status = () => listLeaks(store.db, { orgId: org })[0]!.status;

describe('leak action links', () => {
  it('the "I rotated it" link in a real alert email resolves the leak, once', async () => {
    await notifier().flush();
    const html = String(smtp.received[0]!.parsed.html);
    const resolve = [...html.matchAll(/href="(https:\/\/leakwatch\.test\/a\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(resolve).toHaveLength(3);

    // Opening each link (as a mail scanner would) changes nothing.
    for (const link of resolve) {
      const page = await get(link);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<form method="post">');
      expect(page.body).toContain('Westfield &lt;b&gt;High&lt;/b&gt;');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(status()).toBe('notified');

    const pages = await Promise.all(resolve.map(async (link) => ({ link, body: (await get(link)).body })));
    const resolveLink = pages.find((p) => p.body.includes('I rotated it'))!.link;
    const done = await post(resolveLink);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Marked as resolved');
    expect(status()).toBe('resolved');
    expect(getLeak(store.db, org, leakId).events.at(-1)).toMatchObject({ actor: 'email:teacher@westfield.example', event: 'status', to: 'resolved' });

    const again = await post(resolveLink);
    expect(again.status).toBe(409);
    expect(again.body).toContain('used already');
    expect((await get(resolveLink)).status).toBe(409);
  });

  it('refuses a tampered link, and one for another organisation\'s leak', async () => {
    const { resolve } = links().leak(org, leakId, 'teacher@westfield.example', clock.now);
    const [body, signature] = resolve.split('/a/')[1]!.split('.');
    // One character of the signature changed (to one it is not: the test never sends the link unchanged).
    const second = signature!.at(-2)!;
    const flipped = `${signature!.slice(0, -2)}${second === 'A' ? 'B' : 'A'}${signature!.slice(-1)}`;
    expect(flipped).not.toBe(signature);
    expect((await post(`${PUBLIC}/a/${body}.${flipped}`)).status).toBe(403);
    // Claims changed to another leak, signature kept: refused.
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, leakId: leakId + 1 })).toString('base64url');
    expect((await post(`${PUBLIC}/a/${forged}.${signature}`)).status).toBe(403);
    expect((await post(`${PUBLIC}/a/garbage`)).status).toBe(400);

    // A validly signed link naming the leak under another organisation finds nothing.
    const other = school(store, 'Eastfield', 'eastfield.example');
    const foreign = links().leak(other, leakId, 'it@eastfield.example', clock.now);
    expect((await post(foreign.resolve)).status).toBe(404);
    expect(status()).toBe('open');
  });

  it('refuses an expired link', async () => {
    const { acknowledge } = links().leak(org, leakId, 'teacher@westfield.example', clock.now);
    clock.advance(168 * 3_600_000);
    const response = await post(acknowledge);
    expect(response.status).toBe(410);
    expect(status()).toBe('open');
  });

  it('"public on purpose" ignores the leak and allow-lists the meeting', async () => {
    const { ignore } = links().leak(org, leakId, 'teacher@westfield.example', clock.now);
    expect((await get(ignore)).body).toContain('public on purpose');
    expect((await post(ignore, { reason: 'public on purpose' })).status).toBe(200);
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ status: 'ignored', statusReason: 'public on purpose' });
    expect(count(store.db, 'meetings', 'public = 1')).toBe(1);
    expect(count(store.db, 'audit_log', "action = 'meeting.allow-listed'")).toBe(1);
  });

  it('a link that cannot apply any more says so and stays usable', async () => {
    const made = links().leak(org, leakId, 'teacher@westfield.example', clock.now);
    expect((await post(made.resolve)).status).toBe(200);
    const late = await post(made.acknowledge);
    expect(late.status).toBe(409);
    expect(late.body).toContain('resolved');
  });
});

describe('unsubscribe and manage', () => {
  it('one-click unsubscribe (RFC 8058) stops alerts to that address; manage subscribes it again', async () => {
    const { unsubscribe, manage } = links().recipient(org, 'teacher@westfield.example', clock.now);
    expect((await get(unsubscribe)).body).toContain('Unsubscribe');
    expect(count(store.db, 'unsubscribes')).toBe(0);
    const response = await fetch(local(unsubscribe), { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    expect(count(store.db, 'unsubscribes')).toBe(1);

    expect(await notifier().flush()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(listOutbox(store.db, { status: 'cancelled' })[0]!.lastError).toBe('teacher@westfield.example unsubscribed');

    const page = await get(manage);
    expect(page.body).toContain('unsubscribed from');
    expect(page.body).toContain('Year 9 Maths');
    await post(manage, { subscribe: 'yes' });
    expect(count(store.db, 'unsubscribes')).toBe(0);
    expect(count(store.db, 'audit_log', "action IN ('recipient.unsubscribed', 'recipient.subscribed')")).toBe(2);
  });

  it('the links of a sample email (no such organisation) lead nowhere, without an error', async () => {
    const sample = links().recipient(0, 'me@school.example', clock.now);
    for (const link of [sample.unsubscribe, sample.manage]) {
      const response = await post(link);
      expect(response.status).toBe(404);
      expect(response.body).toContain('sample email');
    }
    const action = links().leak(0, 0, 'me@school.example', clock.now);
    expect((await post(action.resolve)).status).toBe(404);
  });

  it('a manage link does not work as an action link, nor the other way round', async () => {
    const { manage } = links().recipient(org, 'teacher@westfield.example', clock.now);
    const token = manage.split('/manage/')[1]!;
    expect((await post(`${PUBLIC}/a/${token}`)).status).toBe(400);
    const { resolve } = links().leak(org, leakId, 'teacher@westfield.example', clock.now);
    expect((await get(`${PUBLIC}/manage/${resolve.split('/a/')[1]}`)).status).toBe(400);
  });
});

describe('domain verification links', () => {
  it('the mailed link verifies the domain on POST, not on GET, and only once', async () => {
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'westfield-academy.example' }, VERIFICATION, 'test');
    sendVerificationEmail(store.db, { orgId: org, value: 'westfield-academy.example' }, VERIFICATION, 'test', clock.now);
    await notifier().flush();
    const mail = smtp.received.find((m) => m.envelope.to[0] === 'admin@westfield-academy.example')!;
    const link = /https:\/\/leakwatch\.test\/verify\/[\w-]+/.exec(String(mail.parsed.text))![0];
    const state = () => listIdentifiers(store.db, org).find((i) => i.value === 'westfield-academy.example')!.status;
    expect((await get(link)).status).toBe(200);
    expect(state()).toBe('pending');
    expect((await post(link)).status).toBe(200);
    expect(state()).toBe('verified');
    expect((await post(link)).status).toBe(410);
  });
});

describe('the server', () => {
  it('answers health checks and refuses other methods and paths', async () => {
    const health = await fetch(`${web.url}/healthz`);
    expect(health.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await health.json()).toMatchObject({ status: 'ok', database: { ok: true } });
    expect((await fetch(`${web.url}/a/x`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${web.url}/nothing/here`)).status).toBe(404);
    const big = await fetch(`${web.url}/verify/abc`, { method: 'POST', body: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });
});

describe('malformed requests', () => {
  it('answers every malformed request line and header with an error (never a crash) and keeps serving', async () => {
    for (const request of MALFORMED_REQUESTS) {
      const answer = await rawRequest(web.url, request);
      // Answered with a 4xx, or the connection closed by the parser; never a 5xx, never a dead process.
      expect(answer, JSON.stringify(request.slice(0, 60))).not.toMatch(/^HTTP\/1\.1 5/);
      if (/^(GET|POST) (\/\/|http:\/\/(\[|x:9))/.test(request)) expect(answer, request.slice(0, 40)).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    }
  });
});
