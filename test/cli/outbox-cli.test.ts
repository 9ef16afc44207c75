/**
 * `leakwatch outbox list|retry|flush` and `notify test` from the command
 * line, against a real SMTP server and a webhook receiver on loopback.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMain, tempDir } from '../support/cli.js';
import { startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

let dir: string;
let cleanup: () => void;
let db: string;
let config: string;
let smtp: TestSmtpServer;
let hook: TestHttpServer;
let hookBodies: { body: string; headers: IncomingMessage['headers'] }[];

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'leakwatch.db');
  config = join(dir, 'config.json');
  smtp = await startSmtpServer();
  hookBodies = [];
  hook = await startHttpServer({
    '/hook': (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        hookBodies.push({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
        response.writeHead(204).end();
      });
    },
  });
  writeFileSync(
    config,
    JSON.stringify({
      web: { publicUrl: 'https://leakwatch.test' },
      http: { allowPrivateHosts: true },
      mail: { from: 'alerts@leakwatch.test' },
      notify: { webhooks: [{ url: `${hook.url}/hook` }] },
    }),
  );
  vi.stubEnv('LEAKWATCH_SMTP_URL', smtp.url);
  vi.stubEnv('LEAKWATCH_WEBHOOK_SECRET', 'cli-test-secret');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await smtp.close();
  await hook.close();
  cleanup();
});

async function lw(args: string[], input = '') {
  return runMain([...args, '--db', db, '--config', config, '--log-level', 'silent'], input);
}
async function json<T = any>(args: string[], input = ''): Promise<T> {
  const result = await lw([...args, '--json'], input);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as T;
}

async function westfieldWithLeaks(...meetingIds: string[]): Promise<void> {
  await json(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
  await json(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example']);
  await json(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'manual', '--note', 'test']);
  for (const id of meetingIds) await json(['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', id, '--owner', `teacher-${id}@westfield.example`]);
  const posts = meetingIds.map((id, n) => JSON.stringify({ id: `p${n}`, text: `join zoom.us/j/${id}`, url: `https://www.reddit.com/r/x/${n}/` })).join('\n');
  await json(['ingest', '--source', 'reddit'], posts);
}

describe('leakwatch outbox', () => {
  it('lists what is queued, flushes it, and lists it as sent', async () => {
    await westfieldWithLeaks('84512397260');
    const queued = await json<Record<string, unknown>[]>(['outbox', 'list']);
    expect(queued.map((r) => [r.kind, r.channel, r.recipient, r.status, r.attempts])).toEqual([
      ['alert', 'webhook', `${hook.url}/…`, 'pending', 0],
      ['alert', 'email', 'teacher-84512397260@westfield.example', 'pending', 0],
    ]);
    for (const key of ['id', 'channel', 'recipient', 'status', 'attempts']) expect(queued[0]).toHaveProperty(key);

    const flushed = await lw(['outbox', 'flush', '--json']);
    expect(flushed.code).toBe(0);
    expect(JSON.parse(flushed.stdout)).toEqual({ sent: 2, retrying: 0, dead: 0, cancelled: 0, waiting: 0, leased: [] });
    expect(smtp.received.map((m) => m.envelope.to)).toEqual([['teacher-84512397260@westfield.example']]);
    expect(smtp.received[0]!.envelope.from).toBe('alerts@leakwatch.test');
    expect(hookBodies).toHaveLength(1);
    const { body, headers } = hookBodies[0]!;
    expect(headers['x-leakwatch-signature']).toBe(`sha256=${createHmac('sha256', 'cli-test-secret').update(`${headers['x-leakwatch-timestamp']}.${body}`).digest('hex')}`);

    const sent = await json<Record<string, unknown>[]>(['outbox', 'list', '--status', 'sent']);
    expect(sent).toHaveLength(2);
    expect(await json(['outbox', 'flush'])).toEqual({ sent: 0, retrying: 0, dead: 0, cancelled: 0, waiting: 0, leased: [] });
  });

  it('a refused message is dead (exit 1); `outbox retry` queues it again and the next flush sends it', async () => {
    await westfieldWithLeaks('84512397260');
    smtp.reply = () => [550, '5.1.1 mailbox unavailable'];
    const flushed = await lw(['outbox', 'flush']);
    expect(flushed.code).toBe(1);
    expect(flushed.stdout).toContain('dead 1');
    const [dead] = await json<{ id: number; lastError: string }[]>(['outbox', 'list', '--status', 'dead']);
    expect(dead!.lastError).toMatch(/550/);

    smtp.reply = () => null;
    expect(await json(['outbox', 'retry', String(dead!.id)])).toMatchObject({ id: dead!.id, status: 'pending', attempts: 0 });
    expect((await lw(['outbox', 'flush'])).code).toBe(0);
    expect(smtp.received).toHaveLength(1);

    const again = await lw(['outbox', 'retry', String(dead!.id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is sent; only dead or cancelled messages can be retried');
  });

  it('rejects a bad status filter or id with a usage error', async () => {
    expect((await lw(['outbox', 'list', '--status', 'lost'])).code).toBe(2);
    expect((await lw(['outbox', 'retry', 'x'])).code).toBe(2);
  });
});

describe('webhook URLs are secrets', () => {
  const SECRET_HOOK = 'http://127.0.0.1:9/services/T0SCHOOL/B0HOOK/SeCrEtToKeN42?key=hunter2';

  it('a refused webhook shows only its host in `outbox list`, the logs and `config`', async () => {
    writeFileSync(config, JSON.stringify({ web: { publicUrl: 'https://leakwatch.test' }, mail: { from: 'alerts@leakwatch.test' }, notify: { webhooks: [{ url: SECRET_HOOK }] } }));
    await westfieldWithLeaks('84512397260');
    const flushed = await runMain(['outbox', 'flush', '--db', db, '--config', config, '--log-level', 'warn']);
    expect(flushed.code).toBe(1);
    const listed = await lw(['outbox', 'list', '--json']);
    const shown = await lw(['config', '--json']);
    const [hook] = (JSON.parse(listed.stdout) as { channel: string; recipient: string; lastError: string }[]).filter((r) => r.channel === 'webhook');
    expect(hook).toMatchObject({ recipient: 'http://127.0.0.1:9/…', status: 'dead' });
    expect(hook!.lastError).toMatch(/127\.0\.0\.1/);
    for (const output of [listed.stdout, flushed.stdout, flushed.stderr, shown.stdout, (await lw(['outbox', 'list'])).stdout]) {
      expect(output).not.toContain('SeCrEtToKeN42');
      expect(output).not.toContain('hunter2');
      expect(output).not.toContain('/services/');
    }
    expect(JSON.parse(shown.stdout).config.notify.webhooks).toEqual([{ url: 'http://127.0.0.1:9/…' }]);
  });
});

describe('leakwatch notify test', () => {
  it('sends a sample email and a sample webhook call, and says how each went', async () => {
    const result = await json<{ channel: string; outcome: string }[]>(['notify', 'test', '--to', 'me@school.example']);
    expect(result.map((r) => [r.channel, r.outcome])).toEqual([
      ['email', 'sent'],
      ['webhook', 'sent'],
    ]);
    expect(smtp.received[0]!.envelope.to).toEqual(['me@school.example']);
    expect(smtp.received[0]!.parsed.subject).toMatch(/^\[leakwatch test\]/);
    expect(JSON.parse(hookBodies[0]!.body)).toMatchObject({ event: 'leak.test' });
  });

  it('exits 1 and says what really happened when the SMTP server is unreachable: failed, and not retried', async () => {
    const port = smtp.port;
    await smtp.close();
    vi.stubEnv('LEAKWATCH_SMTP_URL', `smtp://127.0.0.1:${port}`);
    const result = await lw(['notify', 'test', '--to', 'me@school.example']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^email me@school.example: failed, not retried: a test is sent once \(.*(ECONNREFUSED|ECONNECTION|ESOCKET)/m);
    expect(result.stdout).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+\/…: sent$/m);
    const listed = JSON.parse((await lw(['notify', 'test', '--to', 'me@school.example', '--json'])).stdout) as Record<string, unknown>[];
    expect(listed[0]).toMatchObject({ channel: 'email', outcome: 'failed', status: 'cancelled', attempts: 1, error: expect.stringMatching(/ECONNREFUSED|ECONNECTION|ESOCKET/) });
    smtp = await startSmtpServer();
    // The failed sample does not linger in the outbox to be sent later.
    expect(await json<unknown[]>(['outbox', 'list', '--status', 'pending'])).toEqual([]);
  });

  it('says a sample was not sent when its channel is not configured', async () => {
    vi.stubEnv('LEAKWATCH_SMTP_URL', '');
    const result = await lw(['notify', 'test', '--to', 'me@school.example']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^email me@school.example: not sent \(no SMTP server configured\)$/m);
  });
});
