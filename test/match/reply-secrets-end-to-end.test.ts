/**
 * A passcode posted in a reply, end to end: the reply goes through ingest,
 * matching and the outbox to a real SMTP server. The leak's next message
 * (the alert if it is still to be sent, else the digest, never a second
 * alert) says the passcode was posted in a reply, and no table, email or
 * listing holds a recoverable copy of it.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { getLeak, listLeaks } from '../../src/match/leaks.js';
import type { IncomingPost } from '../../src/match/matcher.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { smtpTransport, type MailTransport } from '../../src/notify/smtp.js';
import { Notifier } from '../../src/notify/worker.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { recoverable, writtenPasscodeReply } from '../support/secret-posts.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { count, school, tempStore, type TestStore } from '../support/store.js';

const log = createLogger({ level: 'silent' });

let store: TestStore;
let smtp: TestSmtpServer;
let mailer: MailTransport;
let clock: FakeClock;
let org: number;

beforeEach(async () => {
  store = tempStore();
  smtp = await startSmtpServer();
  mailer = smtpTransport(smtp.url, { maxConnections: 2, timeoutMs: 5000 });
  clock = new FakeClock('2026-09-01T12:00:00.000Z');
  org = school(store, 'Westfield High', 'westfield.example');
});
afterEach(async () => {
  mailer.close();
  await smtp.close();
  store.cleanup();
});

function register(meetingId: string, passcode: string): void {
  store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId, ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', passcode }, 'test', clock.now);
}

function parent(id: number, meetingId: string): IncomingPost {
  return {
    source: 'hackernews',
    sourceId: String(id),
    url: `https://news.ycombinator.com/item?id=${id}`,
    author: 'kid1',
    createdAt: '2026-09-01T11:58:00.000Z',
    text: `maths lol Zoom meeting ID: ${meetingId.slice(0, 3)} ${meetingId.slice(3, 7)} ${meetingId.slice(7)}`,
  };
}

function reply(id: number, parentId: number, text: string): IncomingPost {
  // Posted a minute after its parent, before any alert went out: read late, it is still news.
  return { source: 'hackernews', sourceId: String(id), url: `https://news.ycombinator.com/item?id=${id}`, author: 'kid2', createdAt: '2026-09-01T11:59:00.000Z', text, replyTo: String(parentId) };
}

async function flush(): Promise<void> {
  await new Notifier({ db: store.db, config: notifierConfig(), secrets: {}, log, mailer, clock: clock.read, random: () => 0.5 }).flush();
}

/** Every output that could hold a secret: each table, every email received, and the listings. */
function outputs(): string[] {
  const out: string[] = [];
  const tables = store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
  for (const table of tables) out.push(JSON.stringify(store.db.prepare(`SELECT * FROM "${table}"`).all()));
  for (const mail of smtp.received) out.push(mail.raw, String(mail.parsed.text), String(mail.parsed.html), mail.parsed.subject ?? '', JSON.stringify([...mail.parsed.headers]));
  const leaks = listLeaks(store.db, { orgId: org });
  out.push(JSON.stringify(leaks), JSON.stringify(leaks.map((l) => getLeak(store.db, org, l.id))), JSON.stringify(listOutbox(store.db)));
  return out;
}

const kinds = () => smtp.received.map((m) => (/new post/.test(m.parsed.subject ?? '') ? 'digest' : m.envelope.to[0] === 'it@westfield.example' ? 'escalation' : 'alert'));

describe('a passcode posted in a reply', () => {
  it('read after the alert was sent: the digest says it was posted in a reply, no second alert, and it is nowhere in full', async () => {
    register('86122904418', '735194');
    store.matcher.ingestPage([parent(4100, '86122904418')], { now: clock.now });
    await flush();
    expect(kinds()).toEqual(['alert']);
    expect(String(smtp.received[0]!.parsed.text)).toContain('Passcode: none was posted');

    clock.advance(20 * 60_000); // 12:20: the next crawl reads the reply
    store.matcher.ingestPage([reply(4101, 4100, 'pw is 735194')], { now: clock.now });
    expect(listLeaks(store.db, { orgId: org })[0]).toMatchObject({ severity: 'high', sightings: 2 });
    await flush();
    expect(kinds()).toEqual(['alert']);

    clock.now = new Date('2026-09-01T18:00:00.000Z'); // the end of the digest slot
    await flush();
    expect(kinds().sort()).toEqual(['alert', 'digest', 'escalation']);
    const digest = smtp.received.find((m) => /new post/.test(m.parsed.subject ?? ''))!;
    expect(String(digest.parsed.text)).toContain('Passcode as posted: •••••• (masked), in a reply to https://news.ycombinator.com/item?id=4100');
    expect(String(digest.parsed.text)).toContain('> pw is ••••••');
    expect(String(digest.parsed.html)).toContain('in a reply to <a href="https://news.ycombinator.com/item?id=4100"');
    expect(outputs().filter((o) => recoverable(o, '735194'))).toEqual([]);
  });

  it('read before its parent: the first alert says the passcode was posted in a reply, and that it is the current one', async () => {
    register('86122904418', '735194');
    store.matcher.ingestPage([reply(4101, 4100, 'the password is 735194 lol')], { now: clock.now });
    clock.advance(10 * 60_000);
    store.matcher.ingestPage([parent(4100, '86122904418')], { now: clock.now });
    await flush();
    expect(kinds()).toEqual(['alert']);
    const text = String(smtp.received[0]!.parsed.text);
    expect(text).toContain("Passcode: •••••• (masked here; posted in a reply to the post with the meeting): the posted passcode is the meeting's current passcode");
    expect(text).toContain('Passcode as posted: •••••• (masked), in a reply to https://news.ycombinator.com/item?id=4100');
    expect(outputs().filter((o) => recoverable(o, '735194'))).toEqual([]);
  });

  it('property: replies with a passcode in any encoding, read before or after their parents, leave no recoverable copy anywhere', async () => {
    const cases = fc.sample(fc.record({ reply: writtenPasscodeReply, replyFirst: fc.boolean() }), { numRuns: 40 });
    const posts: IncomingPost[] = [];
    cases.forEach((c, i) => {
      const meetingId = String(86_122_904_000 + i);
      register(meetingId, '000000');
      const pair = [parent(5000 + 2 * i, meetingId), reply(5001 + 2 * i, 5000 + 2 * i, c.reply.text)];
      posts.push(...(c.replyFirst ? pair.reverse() : pair));
    });
    store.matcher.ingestPage(posts, { now: clock.now });
    // Every reply was read as the passcode of its parent's meeting.
    expect(count(store.db, 'sightings', 'via_reply = 1')).toBe(cases.length);
    await flush();
    const out = outputs();
    const left = cases.flatMap((c) => c.reply.secrets.filter((secret) => out.some((o) => recoverable(o, secret))).map((secret) => `${secret} (posted as ${JSON.stringify(c.reply.text)})`));
    expect(left).toEqual([]);
  });
});
