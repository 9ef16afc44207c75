import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/store/database.js';
import { SOURCE_NAMES } from '../../src/config/schema.js';
import { cleanEnv, runMain, tempDir } from '../support/cli.js';
import { sleep, startDaemon, watchDaemon } from '../support/daemon.js';
import { startHttpServer } from '../support/http-server.js';
import { MALFORMED_REQUESTS, rawRequest } from '../support/raw-http.js';
import { startSmtpServer } from '../support/smtp-server.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('leakwatch run', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('creates and migrates the database, schedules its jobs, and on %s stops cleanly with 0', async (signal) => {
    // The default database path is data/leakwatch.db under the working directory.
    const running = await startDaemon([], dir);
    const db = join(dir, 'data', 'leakwatch.db');
    expect(existsSync(db)).toBe(true);
    // The shipped defaults crawl every source that needs no credentials; X needs a token.
    const { jobs } = running.lines.find((l) => l.msg === 'leakwatch running') as { jobs: string[] };
    expect(jobs).toEqual(['housekeeping', ...['reddit', 'mastodon', 'bluesky', 'hackernews', 'fourchan', 'telegram', 'lemmy', 'discourse', 'rss', 'webpage'].map((s) => `crawl:${s}`), 'calendar-feeds', 'connections']);
    expect(running.lines.find((l) => l.msg === 'job scheduled')).toMatchObject({ job: 'housekeeping', cron: '17 3 * * *' });
    // The shipped defaults send no email, and would send it from a placeholder address.
    expect(running.lines.filter((l) => l.warning).map((l) => [l.level, l.warning])).toEqual([
      [40, 'default-mail-from'],
      [40, 'no-smtp'],
    ]);

    // The web endpoint for the links in emails answers.
    const { web } = running.lines.find((l) => l.msg === 'leakwatch running') as { web: string };
    expect(web).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${web}/healthz`);
    expect(health.status).toBe(200);
    const report = (await health.json()) as { status: string; sources: Record<string, { state: string; stale: boolean }>; database: { quickCheck: { ok: boolean } } };
    expect(report.status).toBe('ok');
    expect(report.database.quickCheck.ok).toBe(true);
    // The shipped defaults name no feeds, channels, forums or pages.
    expect(report.sources.rss).toMatchObject({ state: 'nothing-to-crawl', stale: false });
    expect(report.sources.x).toMatchObject({ state: 'disabled', stale: false });
    const metrics = await fetch(`${web}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^leakwatch_outbox_depth\{channel="email"\} 0$/m);

    running.child.kill(signal);
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    expect(running.lines.find((l) => l.msg === 'stopping')).toMatchObject({ signal });

    // Closed cleanly: the WAL was checkpointed away and the schema is current.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    check.close();
  });

  it('keeps running whatever a client sends to its web endpoint', async () => {
    const running = await startDaemon([], dir);
    const { web } = running.lines.find((l) => l.msg === 'leakwatch running') as { web: string };
    for (const request of MALFORMED_REQUESTS) await rawRequest(web, request, 1000);
    expect((await fetch(`${web}/healthz`)).status).toBe(200);
    expect(running.child.exitCode).toBeNull();
    expect(running.lines.some((l) => l.msg === 'malformed HTTP request refused')).toBe(true);
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
  });

  it('honours --db and --log-level', async () => {
    const db = join(dir, 'elsewhere.db');
    const running = await startDaemon(['--db', db, '--log-level', 'debug'], dir);
    expect(existsSync(db)).toBe(true);
    expect(existsSync(join(dir, 'data'))).toBe(false);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
  });

  it('`npm start` runs it and exits 0 on SIGTERM (the signal reaches leakwatch through npm)', async () => {
    const db = join(dir, 'npm-start.db');
    const npm = spawn('npm', ['start', '--silent'], { cwd: REPO, env: cleanEnv({ LEAKWATCH_DB: db, LEAKWATCH_WEB__PORT: '0' }) });
    const running = await watchDaemon(npm);
    expect(existsSync(db)).toBe(true);
    npm.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.lines.map((l) => l.msg)).toContain('stopped');
  });

  it('sends queued alerts by SMTP and serves the links in them', async () => {
    const smtp = await startSmtpServer();
    try {
      const db = join(dir, 'alerts.db');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ web: { publicUrl: 'https://leakwatch.test' }, notify: { pollIntervalMs: 100 } }));
      const lw = (args: string[], input = '') => runMain([...args, '--db', db, '--config', config, '--log-level', 'silent'], input);
      await lw(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
      await lw(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example']);
      await lw(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'manual']);
      await lw(['meeting', 'add', '--org', '1', '--platform', 'zoom', '--id', '84512397260', '--owner', 'teacher@westfield.example']);
      expect((await lw(['ingest', '--source', 'reddit'], JSON.stringify({ id: 'p1', text: 'zoom.us/j/84512397260' }))).code).toBe(0);

      const running = await startDaemon(['--db', db, '--config', config], dir, { LEAKWATCH_SMTP_URL: smtp.url });
      expect(running.lines.filter((l) => l.warning).map((l) => l.warning)).toEqual(['default-mail-from']);
      await smtp.waitFor(1);
      const { web } = running.lines.find((l) => l.msg === 'leakwatch running') as { web: string };
      const html = String(smtp.received[0]!.parsed.html);
      const links = [...html.matchAll(/href="https:\/\/leakwatch\.test(\/a\/[^"]+)"/g)].map((m) => `${web}${m[1]!}`);
      const pages = await Promise.all(links.map(async (link) => ({ link, body: await (await fetch(link)).text() })));
      const resolve = pages.find((p) => p.body.includes('I rotated it'))!.link;
      expect((await fetch(resolve, { method: 'POST' })).status).toBe(200);

      running.child.kill('SIGTERM');
      expect((await running.exited).code).toBe(0);
      const leaks = JSON.parse((await lw(['leaks', 'list', '--json'])).stdout) as { status: string }[];
      expect(leaks.map((l) => l.status)).toEqual(['resolved']);
    } finally {
      await smtp.close();
    }
  });

  it('warns at start-up when the buttons in emails would point at localhost', async () => {
    const running = await startDaemon(['--db', join(dir, 'w.db')], dir, { LEAKWATCH_SMTP_URL: 'smtp://127.0.0.1:9', LEAKWATCH_MAIL_FROM: 'alerts@westfield.example' });
    const warnings = running.lines.filter((l) => l.warning);
    expect(warnings).toMatchObject([{ level: 40, warning: 'public-url-local', msg: expect.stringMatching(/^web\.publicUrl is http:\/\/localhost:8080 while SMTP is configured/) }]);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
  });

  it('runs without the web endpoint, saying so, when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const running = await startDaemon(['--db', join(dir, 'x.db')], dir, { LEAKWATCH_WEB__PORT: String(port) });
      expect(running.lines.find((l) => l.msg === 'leakwatch running')).toMatchObject({ web: null });
      const error = running.lines.find((l) => String(l.msg).startsWith('web endpoint not started'));
      expect(error).toMatchObject({ level: 50, port, reason: 'the port is in use' });
      running.child.kill('SIGTERM');
      expect((await running.exited).code).toBe(0);
    } finally {
      blocker.close();
    }
  });
});

/** A school with `count` registered meetings, each leaked once: `count` alerts queued, to `count` different organisers. */
async function schoolWithLeaks(lw: (args: string[], input?: string) => Promise<{ code: number }>, count: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, n) => `8${4512397260 + (n + 1) * 7919}`);
  const csv = join(dir, 'meetings.csv');
  writeFileSync(csv, `owner_email,platform,meeting_id\n${ids.map((id, n) => `teacher-${n}@westfield.example,zoom,${id}`).join('\n')}\n`);
  await lw(['org', 'add', '--name', 'Westfield High', '--admin', 'it@westfield.example']);
  await lw(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example']);
  await lw(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'manual']);
  expect((await lw(['meeting', 'import', '--org', '1', csv])).code).toBe(0);
  const posts = ids.map((id, n) => JSON.stringify({ id: `p${n}`, text: `join zoom.us/j/${id}`, url: `https://www.reddit.com/r/x/${n}/` })).join('\n');
  expect((await lw(['ingest', '--source', 'reddit'], posts)).code).toBe(0);
}

describe('two daemons on one database', () => {
  it('send each alert once with a slow SMTP server, and never crawl a source twice at once', async () => {
    const smtp = await startSmtpServer();
    // The server takes 400 ms to accept each message: a worker's queue of 32 takes over 3 s to empty, 4 at a time.
    smtp.beforeReply = () => sleep(400);
    let inFlight = 0;
    let mostAtOnce = 0;
    const feedRequests: number[] = [];
    const feed = await startHttpServer({
      '/feed.xml': (_request, response) => {
        inFlight++;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        feedRequests.push(Date.now());
        setTimeout(() => {
          inFlight--;
          response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Notices</title><link>https://school.example/</link>' +
              '<item><title>Bake sale</title><link>https://school.example/n/1</link><guid>n1</guid><pubDate>Mon, 21 Sep 2026 10:05:00 +0000</pubDate><description>Friday in the hall</description></item>' +
              '</channel></rss>',
          );
        }, 1500);
      },
    });
    try {
      const db = join(dir, 'shared.db');
      const config = join(dir, 'config.json');
      const sources = Object.fromEntries(SOURCE_NAMES.map((name) => [name, { enabled: false }]));
      writeFileSync(
        config,
        JSON.stringify({
          web: { publicUrl: 'https://leakwatch.test' },
          http: { allowPrivateHosts: true, respectRobotsTxt: false },
          // Sends that take longer than 2 s in all (queue included) were taken as interrupted before sends were leased one by one.
          notify: { pollIntervalMs: 100, sendTimeoutMs: 2000 },
          sources: { ...sources, rss: { enabled: true, cron: '* * * * * *', jitterSecs: 0, requestIntervalMs: 0, feeds: [`${feed.url}/feed.xml`] } },
        }),
      );
      const lw = (args: string[], input = '') => runMain([...args, '--db', db, '--config', config, '--log-level', 'silent'], input);
      await schoolWithLeaks(lw, 50);

      const daemons = await Promise.all([1, 2].map(() => startDaemon(['--db', db, '--config', config], dir, { LEAKWATCH_SMTP_URL: smtp.url })));
      await smtp.waitFor(50);
      await sleep(3000); // a message sent twice would arrive by now, and the feed is asked every second
      for (const daemon of daemons) daemon.child.kill('SIGTERM');
      for (const daemon of daemons) expect((await daemon.exited).code).toBe(0);

      expect(smtp.received).toHaveLength(50);
      expect(new Set(smtp.received.map((m) => m.parsed.messageId)).size).toBe(50);
      expect(new Set(smtp.received.map((m) => m.envelope.to[0])).size).toBe(50);

      // Each crawl of the feed is one run of one daemon, one at a time.
      const check = new Database(db, { readonly: true });
      const runs = check.prepare("SELECT started_at, finished_at, status FROM crawl_runs WHERE source = 'rss' ORDER BY started_at").all() as { started_at: string; finished_at: string | null; status: string }[];
      check.close();
      expect(feedRequests.length).toBeGreaterThanOrEqual(2);
      expect(mostAtOnce).toBe(1);
      expect(runs).toHaveLength(feedRequests.length);
      for (let n = 1; n < runs.length; n++) expect(runs[n]!.started_at >= runs[n - 1]!.finished_at!).toBe(true);
      const skipped = daemons.flatMap((d) => d.lines).filter((l) => l.job === 'crawl:rss' && (l.result as { status?: string } | undefined)?.status === 'skipped');
      expect(skipped.length).toBeGreaterThanOrEqual(1);
    } finally {
      await smtp.close();
      await feed.close();
    }
  }, 60_000);
});

describe('after a crash', () => {
  it('`outbox flush` says it waits for the lease of the dead process and for how long, then sends the message again, same Message-ID', async () => {
    const smtp = await startSmtpServer();
    try {
      const db = join(dir, 'crashed.db');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ web: { publicUrl: 'https://leakwatch.test' }, mail: { smtpUrl: smtp.url }, notify: { pollIntervalMs: 100 }, leases: { ttlMs: 4000 } }));
      const lw = (args: string[], input = '') => runMain([...args, '--db', db, '--config', config, '--log-level', 'silent'], input);
      await schoolWithLeaks(lw, 1);

      const running = await startDaemon(['--db', db, '--config', config], dir);
      const pid = running.child.pid!;
      // The server has the message; the daemon is killed before it hears so, and never marks it sent.
      smtp.beforeReply = () => {
        running.child.kill('SIGKILL');
        return new Promise(() => {});
      };
      await smtp.waitFor(1);
      expect((await running.exited).signal).toBe('SIGKILL');
      smtp.beforeReply = () => {};

      const flushed = await runMain(['outbox', 'flush', '--db', db, '--config', config, '--log-level', 'silent'], '');
      expect(flushed.code).toBe(0);
      expect(flushed.stdout).toMatch(
        new RegExp(`^waiting for 1 message leased by pid ${pid} on ${hostname().replaceAll('.', '\\.')}, which is no longer running: it goes again when its lease expires in [1-4]\\.\\d s \\(at \\S+\\)$`, 'm'),
      );
      const json = JSON.parse((await lw(['outbox', 'flush', '--json'])).stdout) as { sent: number; leased: Record<string, unknown>[] };
      expect(json).toMatchObject({ sent: 0, leased: [{ messages: 1, holder: { pid, host: hostname(), running: false }, expiresAt: expect.any(String), expiresInMs: expect.any(Number) }] });

      await sleep((json.leased[0]!.expiresInMs as number) + 100);
      expect(JSON.parse((await lw(['outbox', 'flush', '--json'])).stdout)).toMatchObject({ sent: 1, leased: [] });
      expect(smtp.received).toHaveLength(2);
      expect(smtp.received[1]!.parsed.messageId).toBe(smtp.received[0]!.parsed.messageId);
    } finally {
      await smtp.close();
    }
  });
});
