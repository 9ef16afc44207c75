/**
 * Webhooks against a local receiver that checks the signature the way a
 * receiver should: HMAC-SHA256 over `<timestamp>.<body>`, compared in
 * constant time, timestamp fresh.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_ALERT_POLICY } from '../../src/match/alerts.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { postWebhook, signWebhook, WebhookError } from '../../src/notify/webhook.js';
import { Notifier } from '../../src/notify/worker.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { FakeClock, notifierConfig } from '../support/notify.js';
import { school, SETTINGS, tempStore, type TestStore } from '../support/store.js';

const SECRET = 'webhook-test-secret';
const log = createLogger({ level: 'silent' });

let store: TestStore;
let receiver: TestHttpServer;
let clock: FakeClock;
let deliveries: { verified: boolean; body: Record<string, unknown>; headers: IncomingMessage['headers'] }[];
let answers: number[];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** What a receiver does: recompute the signature and compare in constant time. */
function verifies(headers: IncomingMessage['headers'], body: string, now: Date): boolean {
  const timestamp = Number(headers['x-leakwatch-timestamp']);
  if (!Number.isFinite(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(String(headers['x-leakwatch-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeEach(async () => {
  deliveries = [];
  answers = [];
  clock = new FakeClock('2026-09-01T12:00:00.000Z');
  receiver = await startHttpServer({
    '/hook': (request, response) => {
      void readBody(request).then((body) => {
        deliveries.push({ verified: verifies(request.headers, body, clock.now), body: JSON.parse(body) as Record<string, unknown>, headers: request.headers });
        response.writeHead(answers.shift() ?? 200).end();
      });
    },
  });
  store = tempStore({ ...SETTINGS, alerts: { ...DEFAULT_ALERT_POLICY, webhooks: [{ url: `${receiver.url}/hook` }] } });
  const org = school(store, 'Westfield High', 'westfield.example');
  store.registration.addMeeting({ orgId: org, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'teacher@westfield.example', title: 'Year 9 Maths', passcode: '662810' }, 'test', clock.now);
  store.matcher.ingestPage(
    [{ source: 'fourchan', sourceId: '1', url: 'https://boards.4chan.org/b/thread/1', author: 'Anonymous', createdAt: clock.now.toISOString(), text: 'raid <this> Meeting ID: 845 1239 7260 Passcode: 662810' }],
    { now: clock.now },
  );
});
afterEach(async () => {
  await receiver.close();
  store.cleanup();
});

function notifier(secret: string | null = SECRET): Notifier {
  return new Notifier({ db: store.db, config: notifierConfig(), secrets: secret === null ? {} : { webhookSecret: secret }, log, mailer: null, clock: clock.read, random: () => 0 });
}

describe('webhooks', () => {
  it('POSTs a signed JSON body with a Slack-compatible text and no passcode', async () => {
    expect(await notifier().flush()).toMatchObject({ sent: 1 });
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['x-leakwatch-delivery']).toMatch(/^<.+@leakwatch>$/);
    expect(delivery!.body).toMatchObject({ event: 'leak.alert', leak: { platform: 'zoom', meetingId: '84512397260', meetingTitle: 'Year 9 Maths', severity: 'critical' } });
    expect(delivery!.body.text).toMatch(/^\*CRITICAL\*: Zoom meeting "Year 9 Maths" \(845•••••260\) of Westfield High was posted on 4chan\./);
    expect(JSON.stringify(delivery!.body)).not.toContain('662810');
  });

  it('retries a 500 and a timeout-free 429, gives up on a 400', async () => {
    answers = [500, 429, 200];
    const worker = notifier();
    expect(await worker.flush()).toMatchObject({ retrying: 1 });
    clock.advance(60_000);
    expect(await worker.flush()).toMatchObject({ retrying: 1 });
    clock.advance(60_000);
    expect(await worker.flush()).toMatchObject({ sent: 1 });
    expect(deliveries.map((d) => d.verified)).toEqual([true, true, true]);
    // The same delivery id on every attempt, so the receiver can drop duplicates.
    expect(new Set(deliveries.map((d) => d.headers['x-leakwatch-delivery'])).size).toBe(1);
  });

  it('marks a 400 dead', async () => {
    answers = [400];
    expect(await notifier().flush()).toMatchObject({ dead: 1 });
    expect(listOutbox(store.db, { status: 'dead' })[0]!.lastError).toMatch(/HTTP 400/);
  });

  it('waits, unsent, while no secret is configured: webhooks go out signed or not at all', async () => {
    expect(await notifier(null).flush()).toMatchObject({ waiting: 2, sent: 0 }); // the email (no SMTP here) and the webhook
    expect(deliveries).toHaveLength(0);
  });

  it('refuses a private address unless allowed, without retrying', async () => {
    await expect(postWebhook(`${receiver.url}/hook`, '{}', { secret: SECRET, timeoutMs: 1000, allowPrivateHosts: false, userAgent: 'test', delivery: 'x' })).rejects.toMatchObject({
      retry: false,
    });
    await expect(postWebhook('file:///etc/passwd', '{}', { secret: SECRET, timeoutMs: 1000, allowPrivateHosts: true, userAgent: 'test', delivery: 'x' })).rejects.toBeInstanceOf(WebhookError);
  });

  it('signs `<timestamp>.<body>` with HMAC-SHA256', () => {
    expect(signWebhook('key', 1700000000, '{"a":1}')).toBe(`sha256=${createHmac('sha256', 'key').update('1700000000.{"a":1}').digest('hex')}`);
  });
});
