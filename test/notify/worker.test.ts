/**
 * The outbox worker against a real SMTP server on loopback: what an alert
 * email contains, dedupe and digests, retries and dead messages, and a crash
 * between sending and marking.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IncomingPost } from '../../src/match/matcher.js';
import { linkKey, verifyLink } from '../../src/notify/links.js';
import { getOutboxRow, listOutbox, retryMessage } from '../../src/notify/outbox.js';
import { smtpTransport, type MailTransport } from '../../src/notify/smtp.js';
import { backoffDelay, Notifier } from '../../src/notify/worker.js';
import { createLogger } from '../../src/logger.js';
import { getLeak, listLeaks } from '../../src/match/leaks.js';
import { changeLeakStatus } from '../../src/match/lifecycle.js';
import { addIdentifier, sendVerificationEmail, verifyManually } from '../../src/registry/identifiers.js';
import { openDatabase } from '../../src/store/database.js';
import { damageIndexPage, fillDatabase } from '../support/damage.js';
import { capturedLogger } from '../support/logger.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { school, tempStore, type TestStore, VERIFICATION } from '../support/store.js';

const START = '2026-09-01T12:00:00.000Z';
const log = createLogger({ level: 'silent' });

let store: TestStore;
let smtp: TestSmtpServer;
let clock: FakeClock;
let mailers: MailTransport[];
let nextId = 0;

beforeEach(async () => {
  store = tempStore();
  smtp = await startSmtpServer();
  clock = new FakeClock(START);
  mailers = [];
});
afterEach(async () => {
  for (const mailer of mailers) mailer.close();
  await smtp.close();
  store.cleanup();
});

function mailer(url = smtp.url): MailTransport {
  const transport = smtpTransport(url, { maxConnections: 2, timeoutMs: 2000 });
  mailers.push(transport);
  return transport;
}

function notifier(options: { transport?: MailTransport | null; notify?: NonNullable<Parameters<typeof notifierConfig>[0]>['notify']; random?: () => number } = {}): Notifier {
  return new Notifier({
    db: store.db,
    config: notifierConfig({ notify: options.notify ?? {} }),
    secrets: {},
    log,
    mailer: options.transport === undefined ? mailer() : options.transport,
    clock: clock.read,
    random: options.random ?? (() => 0.5),
  });
}

function post(text: string, extra: Partial<IncomingPost> = {}): IncomingPost {
  nextId++;
  return { source: 'reddit', sourceId: `t3_${nextId}`, url: `https://www.reddit.com/r/test/comments/${nextId}/`, author: 'someone', createdAt: clock.now.toISOString(), text, ...extra };
}

/** Westfield with a verified domain and its Year 9 Maths meeting (passcode 662810). */
function westfield(): number {
  const org = school(store, 'Westfield High', 'westfield.example');
  store.registration.addMeeting(
    { orgId: org, platform: 'zoom', meetingId: '845 1239 7260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', passcode: '662810' },
    'test',
    clock.now,
  );
  return org;
}

function ingest(...texts: string[]): void {
  store.matcher.ingestPage(texts.map((text) => post(text)), { now: clock.now });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(10);
  }
}


/** Log lines that carry a stack trace. */
function withStacks(entries: Record<string, unknown>[]): Record<string, unknown>[] {
  return entries.filter((entry) => /\n\s+at /.test(JSON.stringify(entry).replaceAll('\\n', '\n')));
}

const LEAK_TEXT = 'maths class <script>alert(1)</script> Meeting ID: 845 1239 7260 Passcode: 662810 lets raid it';

describe('an alert email', () => {
  it('is not sent once the identifier it came through is no longer proven (a squatted Zoom subdomain undone)', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    addIdentifier(store.db, { orgId: org, kind: 'zoom-subdomain', value: 'lincolnhigh' }, VERIFICATION, 'test');
    verifyManually(store.db, { orgId: org, value: 'lincolnhigh' }, 'test', store.registration.onVerified);
    ingest('https://lincolnhigh.zoom.us/j/84512397260');
    expect(listOutbox(store.db, { status: 'pending' }).filter((r) => r.kind === 'alert')).toHaveLength(1);
    // What migration 004 does to a proof that was only an admin's email.
    store.db.prepare("UPDATE identifiers SET status = 'pending', method = NULL WHERE value = 'lincolnhigh'").run();
    expect(await notifier().flush()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(smtp.received).toHaveLength(0);
    expect(listOutbox(store.db, { status: 'cancelled' })[0]!.lastError).toMatch(/no longer proven/);
  });

  it('is sent once to the organiser, with everything it needs and no full passcode', async () => {
    const org = westfield();
    ingest(LEAK_TEXT);
    const summary = await notifier().flush();
    expect(summary).toEqual({ sent: 1, retrying: 0, dead: 0, cancelled: 0, waiting: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    const row = listOutbox(store.db).find((r) => r.kind === 'alert')!;

    expect(mail.envelope).toEqual({ from: 'leakwatch@leakwatch.test', to: ['teacher@westfield.example'] });
    expect(mail.parsed.messageId).toBe(row.messageId);
    expect(mail.parsed.replyTo?.text).toBe('help@leakwatch.test');
    expect(mail.parsed.subject).toMatch(/Zoom/);
    expect(mail.parsed.subject).toMatch(/Year 9 Maths/);
    expect(mail.parsed.subject).toMatch(/Reddit/);
    const unfolded = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(/^List-Unsubscribe: <https:\/\/leakwatch\.test\/unsubscribe\/[\w-]+\.[\w-]+>$/im);
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/im);

    // Post text is escaped in the HTML; the passcode appears nowhere in full.
    const html = String(mail.parsed.html);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Checked on the decoded parts (the raw message may be base64 or quoted-printable) and the headers.
    for (const part of [mail.raw, String(mail.parsed.text), html, mail.parsed.subject ?? '', JSON.stringify([...mail.parsed.headers])]) expect(part).not.toContain('662810');
    expect(String(mail.parsed.text)).toContain('••••••');
    expect(String(mail.parsed.text)).toContain('84512397260');
    expect(mail.parsed.text).toContain('https://www.reddit.com/r/test/comments/');

    // The action links are signed for this leak and recipient, and verify.
    const key = linkKey(store.db, undefined);
    const [leak] = listLeaks(store.db, { orgId: org });
    const tokens = [...new Set([...html.matchAll(/https:\/\/leakwatch\.test\/a\/([\w-]+\.[\w-]+)/g)].map((m) => m[1]!))];
    expect(tokens).toHaveLength(3);
    const actions = tokens.map((token) => verifyLink(key, token, clock.now)).map((check) => (check.ok ? [check.claims.action, check.claims.leakId, check.claims.recipient] : check.reason));
    expect(actions.sort()).toEqual([
      ['acknowledge', leak!.id, 'teacher@westfield.example'],
      ['ignore', leak!.id, 'teacher@westfield.example'],
      ['resolve', leak!.id, 'teacher@westfield.example'],
    ]);
    for (const token of tokens) expect(mail.parsed.text).toContain(token);

    // The leak is now notified, with who was told and when.
    expect(listLeaks(store.db, { orgId: org })[0]!.status).toBe('notified');
    expect(getLeak(store.db, org, leak!.id).events.at(-1)).toMatchObject({ actor: 'notifier', event: 'alerted', from: 'open', to: 'notified' });
    expect(getOutboxRow(store.db, row.id)).toMatchObject({ status: 'sent', attempts: 1, sentAt: START });
  });

  it('is not sent again for repeated sightings; they go into one digest at the end of the slot', async () => {
    const org = westfield();
    ingest(LEAK_TEXT);
    const worker = notifier();
    await worker.flush();
    // The organiser is on it: no escalation, but new posts still reach them in the digest.
    changeLeakStatus(store.db, { orgId: org, leakId: listLeaks(store.db, { orgId: org })[0]!.id, to: 'acknowledged', actor: 'teacher' }, clock.now);
    clock.advance(60 * 60_000); // 13:00
    ingest('again https://zoom.us/j/84512397260', 'and again zoom.us/j/84512397260 pls');
    expect((await worker.flush()).sent).toBe(0);
    expect(smtp.received).toHaveLength(1);

    clock.advance(5 * 60 * 60_000); // 18:00, the end of the 12:00–18:00 slot
    expect(await worker.flush()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(2);
    const digest = smtp.received[1]!;
    expect(digest.envelope.to).toEqual(['teacher@westfield.example']);
    expect(String(digest.parsed.text)).toContain('and again zoom.us/j/84512397260 pls');
    expect(String(digest.parsed.text)).not.toContain('<script>');

    // A later sighting waits for the next slot's end: digests are at least 6 hours apart.
    clock.advance(60 * 60_000); // 19:00
    ingest('third time zoom.us/j/84512397260');
    expect((await worker.flush()).sent).toBe(0);
    clock.advance(4 * 60 * 60_000 + 59 * 60_000); // 23:59
    expect((await worker.flush()).sent).toBe(0);
    clock.advance(60_000); // 00:00
    expect((await worker.flush()).sent).toBe(1);
    expect(String(smtp.received[2]!.parsed.text)).toContain('third time');
    expect(String(smtp.received[2]!.parsed.text)).not.toContain('and again');
  });

  it('a post read while the alert was being sent is in the next digest, not lost between the two', async () => {
    westfield();
    ingest(LEAK_TEXT);
    const real = mailer();
    const slow: MailTransport = {
      send: async (email) => {
        // The alert is rendered; a crawl stores another post before the server answers.
        clock.advance(60_000);
        ingest('meanwhile zoom.us/j/84512397260 again');
        clock.advance(60_000);
        return real.send(email);
      },
      close: () => real.close(),
    };
    await notifier({ transport: slow }).flush();
    clock.now = new Date('2026-09-01T18:00:00.000Z');
    expect(await notifier().flush()).toMatchObject({ sent: 2 }); // the digest, and the escalation of the still-open leak
    const digest = smtp.received.find((m) => /new post/.test(m.parsed.subject ?? ''))!;
    expect(String(digest.parsed.text)).toContain('meanwhile zoom.us/j/84512397260 again');
  });

  it('is cancelled, not sent, when the leak was resolved before the worker got to it', async () => {
    const org = westfield();
    ingest(LEAK_TEXT);
    const [leak] = listLeaks(store.db, { orgId: org });
    changeLeakStatus(store.db, { orgId: org, leakId: leak!.id, to: 'resolved', actor: 'test' }, clock.now);
    expect(await notifier().flush()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(smtp.received).toHaveLength(0);
  });
});

describe('escalation', () => {
  it('emails the admins when an urgent leak is still unacknowledged after the configured time', async () => {
    westfield();
    ingest(LEAK_TEXT); // high: the passcode is exposed and current
    const worker = notifier();
    await worker.flush();
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual(['teacher@westfield.example']);
    clock.advance(59 * 60_000);
    expect((await worker.flush()).sent).toBe(0);
    clock.advance(60_000);
    expect((await worker.flush()).sent).toBe(1);
    expect(smtp.received[1]!.envelope.to).toEqual(['it@westfield.example']);
    expect(smtp.received[1]!.parsed.subject).toMatch(/unacknowledged/i);
  });

  it('is dropped when the organiser acknowledged the leak in time', async () => {
    const org = westfield();
    ingest(LEAK_TEXT);
    const worker = notifier();
    await worker.flush();
    const [leak] = listLeaks(store.db, { orgId: org });
    changeLeakStatus(store.db, { orgId: org, leakId: leak!.id, to: 'acknowledged', actor: 'teacher' }, clock.now);
    clock.advance(61 * 60_000);
    expect(await worker.flush()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(smtp.received).toHaveLength(1);
  });
});

describe('failures', () => {
  it('SMTP down, then up: retried with backoff and delivered exactly once', async () => {
    westfield();
    ingest('zoom.us/j/84512397260');
    const port = smtp.port;
    await smtp.close();
    const worker = notifier({ transport: mailer(`smtp://127.0.0.1:${port}`) });
    expect(await worker.flush()).toMatchObject({ retrying: 1, sent: 0 });
    const row = listOutbox(store.db, { status: 'pending' }).find((r) => r.kind === 'alert')!;
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    // First retry after base × 2^0 with the jitter's upper half at 0.5: 750 ms.
    expect(Date.parse(row.nextAttemptAt) - clock.now.getTime()).toBe(750);

    smtp = await startSmtpServer({ port });
    expect((await worker.flush()).sent).toBe(0); // not due yet
    clock.advance(750);
    expect(await worker.flush()).toMatchObject({ sent: 1 });
    await worker.flush();
    expect(smtp.received).toHaveLength(1);
    expect(getOutboxRow(store.db, row.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a 4xx reply is retried, and the message then delivered once', async () => {
    westfield();
    ingest('zoom.us/j/84512397260');
    let refusals = 1;
    smtp.reply = () => (refusals-- > 0 ? [451, '4.3.0 try again later'] : null);
    const worker = notifier();
    expect(await worker.flush()).toMatchObject({ retrying: 1 });
    expect(listOutbox(store.db).find((r) => r.kind === 'alert')!.lastError).toMatch(/451/);
    clock.advance(10_000);
    expect(await worker.flush()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it('a 5xx reply marks the message dead at once; `retry` queues it again with the same Message-ID', async () => {
    westfield();
    ingest('zoom.us/j/84512397260');
    smtp.reply = () => [550, '5.1.1 no such user'];
    const worker = notifier();
    expect(await worker.flush()).toMatchObject({ dead: 1 });
    const dead = listOutbox(store.db, { status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastError).toMatch(/550/);

    smtp.reply = () => null;
    const revived = retryMessage(store.db, dead[0]!.id, clock.now);
    expect(revived).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await worker.flush()).toMatchObject({ sent: 1 });
    expect(smtp.received[0]!.parsed.messageId).toBe(dead[0]!.messageId);
  });

  it('an authentication failure is not retried', async () => {
    await smtp.close();
    smtp = await startSmtpServer({ credentials: { user: 'leakwatch', pass: 'right' } });
    westfield();
    ingest('zoom.us/j/84512397260');
    const url = new URL(smtp.url);
    url.username = 'leakwatch';
    url.password = 'wrong';
    expect(await notifier({ transport: mailer(url.href) }).flush()).toMatchObject({ dead: 1 });
    expect(listOutbox(store.db, { status: 'dead' })[0]!.lastError).toMatch(/authentication failed/);
  });

  it('gives up after the last attempt', async () => {
    westfield();
    ingest('zoom.us/j/84512397260');
    smtp.reply = () => [421, '4.7.0 too busy'];
    const worker = notifier({ notify: { maxAttempts: 3 } });
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await worker.flush());
      clock.advance(60_000);
    }
    expect(outcomes.map((o) => [o.retrying, o.dead])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(listOutbox(store.db, { status: 'dead' })[0]!.attempts).toBe(3);
  });

  it('a slow send keeps its lease (a heartbeat): another worker leaves the message alone past the lease\'s length, and it goes once', async () => {
    westfield();
    store.matcher.ingestPage([post('zoom.us/j/84512397260', { createdAt: new Date().toISOString() })], { now: new Date() });
    const real = mailer();
    let answer!: () => void;
    const slow: MailTransport = {
      send: async (email) => {
        await new Promise<void>((resolve) => (answer = resolve));
        return real.send(email);
      },
      close: () => real.close(),
    };
    // Lease and send timeout of 300 ms, on the system clock: a lease taken once, and not renewed, would run out long before the server answers.
    const config = notifierConfig({ leases: { ttlMs: 300 }, notify: { sendTimeoutMs: 300 } });
    const first = new Notifier({ db: store.db, config, secrets: {}, log, mailer: slow });
    const sending = first.flush();
    await until(() => answer !== undefined);
    expect(listOutbox(store.db).find((r) => r.kind === 'alert')).toMatchObject({ status: 'sending', leaseHolder: first.holder.id });
    await sleep(1000);
    const second = new Notifier({ db: store.db, config, secrets: {}, log, mailer: mailer() });
    expect(await second.flush()).toMatchObject({ sent: 0 });
    answer();
    expect(await sending).toMatchObject({ sent: 1 });
    expect(await second.flush()).toMatchObject({ sent: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(listOutbox(store.db).find((r) => r.kind === 'alert')).toMatchObject({ status: 'sent', attempts: 1, leaseHolder: null });
  });

  it('without an SMTP server, emails wait in the outbox (not dead)', async () => {
    westfield();
    ingest('zoom.us/j/84512397260');
    expect(await notifier({ transport: null }).flush()).toMatchObject({ waiting: 1, sent: 0, dead: 0 });
    expect(listOutbox(store.db, { status: 'pending' })).toHaveLength(1);
  });
});

describe('who and how often', () => {
  it('holds messages past the daily cap until the window frees up; a critical alert is never held', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    for (const id of ['81234509876', '82345610987', '83456721098', '84567832109']) {
      store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: id, ownerEmail: 'teacher@westfield.example' }, 'test', clock.now);
    }
    ingest('zoom.us/j/81234509876', 'zoom.us/j/82345610987', 'zoom.us/j/83456721098');
    const worker = notifier({ notify: { dailyCap: 2 } });
    expect(await worker.flush()).toMatchObject({ sent: 2, waiting: 1 });
    const held = listOutbox(store.db, { status: 'pending' }).find((r) => r.kind === 'alert')!;
    expect(held.lastError).toMatch(/daily cap of 2/);
    expect(Date.parse(held.nextAttemptAt)).toBe(clock.now.getTime() + 86_400_000 + 1000);

    ingest('host link https://zoom.us/s/84567832109?zak=abc'); // critical
    expect(await worker.flush()).toMatchObject({ sent: 1 });
    clock.advance(86_401_000);
    expect((await worker.flush()).sent).toBeGreaterThanOrEqual(1);
    expect(smtp.received.filter((m) => m.envelope.to[0] === 'teacher@westfield.example')).toHaveLength(4);
  });

  it('a verification email carries its link once; the outbox keeps no copy after sending', async () => {
    const org = school(store, 'Westfield High', 'westfield.example', { verified: false });
    addIdentifier(store.db, { orgId: org, kind: 'email-domain', value: 'eastfield.example' }, VERIFICATION, 'test');
    sendVerificationEmail(store.db, { orgId: org, value: 'eastfield.example' }, VERIFICATION, 'test', clock.now);
    expect(await notifier().flush()).toMatchObject({ sent: 1 });
    const mail = smtp.received.find((m) => m.envelope.to[0] === 'admin@eastfield.example')!;
    const link = /https:\/\/leakwatch\.test\/verify\/[\w-]+/.exec(String(mail.parsed.text))![0];
    expect(String(mail.parsed.html)).toContain(link);
    const rows = listOutbox(store.db).filter((r) => r.kind === 'verification');
    for (const row of rows) expect(JSON.stringify(row.payload)).not.toContain('/verify/');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with the upper half random', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 1000, 8000, 0))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 1000, 8000, 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
});

describe('the running worker (leakwatch run)', () => {
  it('sends the alert at once and the digest only when the slot ends, on the system clock (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(START));
      const org = westfield();
      const ingestNow = (text: string) => store.matcher.ingestPage([post(text, { createdAt: new Date().toISOString() })], { now: new Date() });
      ingestNow(LEAK_TEXT);
      const worker = new Notifier({ db: store.db, config: notifierConfig({ notify: { pollIntervalMs: 20 } }), secrets: {}, log, mailer: mailer() });
      worker.start();
      const sent = async (kind: string) => {
        while (!listOutbox(store.db, { status: 'sent' }).some((r) => r.kind === kind)) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await sent('alert');
      changeLeakStatus(store.db, { orgId: org, leakId: listLeaks(store.db, { orgId: org })[0]!.id, to: 'acknowledged', actor: 'teacher' }, new Date());

      vi.setSystemTime(new Date('2026-09-01T13:00:00.000Z'));
      ingestNow('again https://zoom.us/j/84512397260');
      vi.setSystemTime(new Date('2026-09-01T17:59:00.000Z'));
      await new Promise((resolve) => setTimeout(resolve, 200)); // ten polls: nothing is due yet
      expect(smtp.received).toHaveLength(1);

      vi.setSystemTime(new Date('2026-09-01T18:00:00.000Z'));
      await sent('digest');
      await worker.stop();
      expect(smtp.received[1]!.parsed.subject).toMatch(/1 new post of 1 meeting/);
      expect(listOutbox(store.db, { status: 'sent' }).find((r) => r.kind === 'digest')!.sentAt).toBe('2026-09-01T18:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('database faults (leakwatch run)', () => {
  it('a damaged index does not end the worker: it logs the failure once, without a stack, and backs off', async () => {
    westfield();
    ingest('zoom.us/j/84512397260');
    store.db.close();
    damageIndexPage(store.path, 'outbox_due');
    const db = openDatabase(store.path);
    const { log, entries } = capturedLogger();
    const worker = new Notifier({ db, config: notifierConfig({ notify: { pollIntervalMs: 20 } }), secrets: {}, log, mailer: mailer(), errorBackoff: { baseMs: 50, maxMs: 200 } } as never);
    try {
      worker.start();
      await sleep(800);
      await worker.stop();
    } finally {
      db.close();
    }
    const errors = entries().filter((e) => (e.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toMatch(/outbox worker.*damaged/);
    expect(withStacks(entries())).toEqual([]);
    expect(entries().find((e) => /outbox worker stopped while failing/.test(String(e.msg)))).toMatchObject({ failures: expect.any(Number) });
    expect(smtp.received).toHaveLength(0);
  });

  it('on a full disk it backs off and logs once per streak, and a message sent but not marked is marked once writes work: 50 alerts, 50 emails', async () => {
    const org = school(store, 'Westfield High', 'westfield.example');
    const meetings = Array.from({ length: 50 }, (_, n) => `8${4512397260 + n * 7919}`);
    meetings.forEach((id, n) => store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: id, ownerEmail: `teacher-${n}@westfield.example` }, 'test', clock.now));
    store.matcher.ingestPage(meetings.map((id) => post(`join zoom.us/j/${id}`, { createdAt: new Date().toISOString() })), { now: new Date() });
    expect(listOutbox(store.db, { status: 'pending' }).filter((r) => r.kind === 'alert')).toHaveLength(50);

    const { log, entries } = capturedLogger();
    let giveSpaceBack: (() => void) | null = null;
    // The disk fills while the tenth message is on the wire: the server has it, and its row cannot be marked sent.
    smtp.beforeReply = () => {
      if (smtp.received.length === 10 && giveSpaceBack === null) giveSpaceBack = fillDatabase(store.db);
    };
    // A short send timeout: rows leased and then not marked would go again within the test.
    const worker = new Notifier({
      db: store.db,
      config: notifierConfig({ notify: { pollIntervalMs: 20, sendTimeoutMs: 1000 } }),
      secrets: {},
      log,
      mailer: mailer(),
      errorBackoff: { baseMs: 50, maxMs: 400 },
    } as never);
    worker.start();
    try {
      await until(() => giveSpaceBack !== null);
      await sleep(1500);
      const failedTries = entries().filter((e) => (e.level as number) >= 40).length;
      giveSpaceBack!();
      await until(() => listOutbox(store.db, { status: 'sent' }).filter((r) => r.kind === 'alert').length === 50);
      await sleep(1500); // long enough for a lease of the old kind to run out and a row to go again
      expect(failedTries).toBeLessThan(20);
    } finally {
      await worker.stop();
    }

    expect(smtp.received).toHaveLength(50);
    expect(new Set(smtp.received.map((m) => m.parsed.messageId)).size).toBe(50);
    const errors = entries().filter((e) => (e.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toMatch(/outbox worker.*(full|cannot grow)/);
    const recovered = entries().find((e) => /outbox worker recovered/.test(String(e.msg)));
    expect(recovered).toMatchObject({ failures: expect.any(Number) });
    expect(recovered!.failures as number).toBeLessThanOrEqual(8);
    expect(withStacks(entries())).toEqual([]);
    // The messages the server took while the disk was full are marked sent, once each.
    const unmarked = entries().filter((e) => /sent, but could not be marked/.test(String(e.msg)));
    expect(unmarked.length).toBeGreaterThanOrEqual(1);
    for (const line of unmarked) expect(getOutboxRow(store.db, line.id as number)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
