// The whole daemon under faults, end to end: a replayed source crawled by
// `leakwatch run`, alerts sent to a real SMTP server on loopback, the daemon
// killed with SIGKILL at random points and restarted, SMTP down, refusing
// and slow, the disk full. What the organisers receive is compared with what
// the posts say they must receive: every alert, once, and a second copy only
// where a message was resent with its own Message-ID after a send that was
// never marked.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../src/config/schema.js';
import { runMain, tempDir } from '../support/cli.js';
import { type Running, sleep, startDaemon } from '../support/daemon.js';
import { type ReplayComment, startHnReplay, type HnReplay } from '../support/hn-replay.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Posts in the backlog: more than Hacker News' crawler reads of one query in a run (10 pages of 100). */
const POSTS = 2400;
const QUERIES = ['q0', 'q1'];
const MEETINGS = 24;
const meetingId = (k: number) => String(84_512_397_260 + (k + 1) * 7919);
const organiser = (k: number) => `teacher-${k}@westfield.example`;
const ADMIN = 'it@westfield.example';
/** Leaks an unregistered meeting on the school's Zoom subdomain: an alert to its admins. */
const VANITY_POST = 1234;
/** Leaks a meeting of a school that has proven nothing: no alert. */
const UNPROVEN_POST = 777;

/** The text of post i: every 100th leaks organiser i/100's meeting, every other 50th an unregistered Zoom id (stored, no leak). */
function commentText(i: number): string {
  const words = `homework due friday anyone got the notes for chapter ${i % 13} thanks`;
  if (i % 100 === 0) return `${words} join https://zoom.us/j/${meetingId(i / 100)} now`;
  if (i % 50 === 0) return `${words} old link zoom.us/j/${String(93_000_000_000 + i)}`;
  if (i === VANITY_POST) return `come raid https://westfield.zoom.us/j/86122904418 pw 1234`;
  if (i === UNPROVEN_POST) return `eastfield class https://zoom.us/j/87700000777`;
  return words;
}

/** The posts that carry a meeting reference, so must be stored: a gap in the crawl leaves one out. */
const EXPECTED_POSTS = Array.from({ length: POSTS }, (_, i) => i)
  .filter((i) => i % 50 === 0 || i === VANITY_POST || i === UNPROVEN_POST)
  .map((i) => String(5_000_000 + i))
  .sort();
const EXPECTED_RECIPIENTS = [...Array.from({ length: MEETINGS }, (_, k) => organiser(k)), ADMIN].sort();

interface School {
  db: string;
  config: string;
  replay: HnReplay;
  lw(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Publishes the backlog once a daemon has crawled the source once (found it empty): the walk starts there. */
  publishAfterFirstCrawl(): Promise<void>;
}

/** Westfield (domain and Zoom subdomain proven, 24 meetings) and Eastfield (nothing proven, one meeting); Hacker News replayed. */
async function school(db = join(dir, 'leakwatch.db')): Promise<School> {
  const replay = await startHnReplay();
  const config = join(dir, 'config.json');
  const sources = Object.fromEntries(SOURCE_NAMES.map((name) => [name, { enabled: false }]));
  writeFileSync(
    config,
    JSON.stringify({
      web: { publicUrl: 'https://leakwatch.test' },
      mail: { from: 'alerts@leakwatch.test' },
      http: { allowPrivateHosts: true, respectRobotsTxt: false, retries: 0 },
      notify: { pollIntervalMs: 100, backoffBaseMs: 200, backoffMaxMs: 600, sendTimeoutMs: 5000 },
      leases: { ttlMs: 1500 },
      sources: { ...sources, hackernews: { enabled: true, cron: '* * * * * *', jitterSecs: 0, requestIntervalMs: 0, baseUrl: replay.url, queries: QUERIES } },
    }),
  );
  const lw = (args: string[], input = '') => runMain([...args, '--db', db, '--config', config, '--log-level', 'silent'], input);
  const ok = async (args: string[]) => expect((await lw(args)).code, args.join(' ')).toBe(0);
  await ok(['org', 'add', '--name', 'Westfield High', '--admin', ADMIN]);
  await ok(['identifier', 'add', '--org', '1', '--kind', 'email-domain', '--value', 'westfield.example']);
  await ok(['identifier', 'verify', '--org', '1', '--value', 'westfield.example', '--method', 'manual']);
  await ok(['identifier', 'add', '--org', '1', '--kind', 'zoom-subdomain', '--value', 'westfield']);
  await ok(['identifier', 'verify', '--org', '1', '--value', 'westfield', '--method', 'manual']);
  const csv = join(dir, 'meetings.csv');
  writeFileSync(csv, `owner_email,platform,meeting_id\n${Array.from({ length: MEETINGS }, (_, k) => `${organiser(k)},zoom,${meetingId(k)}`).join('\n')}\n`);
  await ok(['meeting', 'import', '--org', '1', csv]);
  await ok(['org', 'add', '--name', 'Eastfield Academy', '--admin', 'it@eastfield.example']);
  await ok(['identifier', 'add', '--org', '2', '--kind', 'email-domain', '--value', 'eastfield.example']);
  await ok(['meeting', 'add', '--org', '2', '--platform', 'zoom', '--id', '87700000777', '--owner', 'teacher@eastfield.example']);

  const firstAt = Math.floor(Date.now() / 1000);
  const comments: ReplayComment[] = Array.from({ length: POSTS }, (_, i) => ({
    objectID: String(5_000_000 + i),
    created_at_i: firstAt + i,
    author: `student${i % 37}`,
    comment_text: commentText(i),
    query: QUERIES[i % QUERIES.length]!,
  }));
  return {
    db,
    config,
    replay,
    lw,
    async publishAfterFirstCrawl() {
      await until(() => count(db, "SELECT count(*) AS n FROM crawl_runs WHERE source = 'hackernews' AND status = 'succeeded'") >= 1, 15_000, 'a first crawl');
      replay.publish(comments);
    },
  };
}

function count(db: string, sql: string): number {
  return query(db, sql)[0]!.n as number;
}

function query(db: string, sql: string): Record<string, number | string>[] {
  const check = new Database(db, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return check.prepare(sql).all() as Record<string, number | string>[];
  } finally {
    check.close();
  }
}

async function until(done: () => boolean, timeoutMs: number, what: string, state?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${state ? `: ${JSON.stringify(state())}` : ''}`);
    await sleep(100);
  }
}

/** Every stored post has been read, every alert is sent and nothing is waiting to be. */
function settled(db: string): boolean {
  const posts = count(db, "SELECT count(*) AS n FROM posts WHERE source = 'hackernews'");
  const waiting = count(db, "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')");
  const sent = count(db, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'");
  return posts === EXPECTED_POSTS.length && waiting === 0 && sent >= EXPECTED_RECIPIENTS.length;
}

/** What is still missing for settled(), for a failure's message. */
function progress(db: string): Record<string, unknown> {
  return {
    posts: count(db, "SELECT count(*) AS n FROM posts WHERE source = 'hackernews'"),
    outbox: query(db, 'SELECT status, count(*) AS n FROM outbox GROUP BY status'),
    runs: query(db, "SELECT status, count(*) AS n FROM crawl_runs WHERE source = 'hackernews' GROUP BY status"),
    cursor: query(db, 'SELECT * FROM crawl_cursors'),
  };
}

/** What the database holds at the end, compared with what the posts say it must. */
function expectFinalState(db: string): void {
  expect(query(db, "SELECT source_id FROM posts WHERE source = 'hackernews' ORDER BY source_id").map((r) => r.source_id)).toEqual(EXPECTED_POSTS);
  // Westfield: one leak per leaked meeting and one for the subdomain's unregistered meeting, each seen once (posts read again are not sightings again).
  const leaks = query(db, 'SELECT l.meeting_id, l.match_kind, count(ls.sighting_id) AS sightings FROM leaks l JOIN leak_sightings ls ON ls.leak_id = l.id WHERE l.org_id = 1 GROUP BY l.id ORDER BY l.meeting_id');
  expect(leaks).toEqual(
    [...Array.from({ length: MEETINGS }, (_, k) => ({ meeting_id: meetingId(k), match_kind: 'meeting', sightings: 1 })), { meeting_id: '86122904418', match_kind: 'identifier', sightings: 1 }].sort((a, b) =>
      a.meeting_id.localeCompare(b.meeting_id),
    ),
  );
  // Every alert went out once as far as the outbox knows; Eastfield, which proved nothing, is sent nothing.
  const outbox = query(db, "SELECT recipient, status FROM outbox WHERE channel = 'email' AND kind = 'alert' ORDER BY recipient");
  expect(outbox).toEqual(EXPECTED_RECIPIENTS.map((recipient) => ({ recipient, status: 'sent' })));
  expect(count(db, "SELECT count(*) AS n FROM outbox WHERE recipient LIKE '%eastfield%'")).toBe(0);
}

/** Each recipient got their alert, and any second copy is the same message (same Message-ID) sent again. Returns the number of copies beyond one. */
function expectAlertsOnce(smtp: TestSmtpServer): number {
  const byRecipient = new Map<string, Set<string>>();
  for (const mail of smtp.received) {
    for (const to of mail.envelope.to) byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(mail.parsed.messageId ?? ''));
  }
  expect([...byRecipient.keys()].sort()).toEqual(EXPECTED_RECIPIENTS);
  for (const [to, ids] of byRecipient) expect([to, ids.size]).toEqual([to, 1]);
  return smtp.received.length - EXPECTED_RECIPIENTS.length;
}

/** A small PRNG, so a failing run can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function stop(running: Running): Promise<void> {
  running.child.kill('SIGTERM');
  expect((await running.exited).code).toBe(0);
}

describe('a replayed source through `leakwatch run`', () => {
  it('reads a backlog larger than a run reads, whole, and the SMTP server receives exactly the alerts owed, each once', async () => {
    const smtp = await startSmtpServer();
    const s = await school();
    try {
      const running = await startDaemon(['--db', s.db, '--config', s.config], dir, { LEAKWATCH_SMTP_URL: smtp.url });
      await s.publishAfterFirstCrawl();
      await until(() => settled(s.db), 40_000, 'every post read and every alert sent');
      await sleep(2500); // two more crawls and many polls: anything sent twice or late would arrive now
      await stop(running);

      expectFinalState(s.db);
      expect(expectAlertsOnce(smtp)).toBe(0);
      // 2,400 posts over two queries are more than one run's 10 pages per query: the walk went on in later runs.
      const runs = count(s.db, "SELECT count(*) AS n FROM crawl_runs WHERE source = 'hackernews' AND status = 'succeeded' AND posts > 0");
      expect(runs).toBeGreaterThanOrEqual(2);
      // Every alert carries the masked passcode, never the one posted.
      const admin = smtp.received.find((m) => m.envelope.to.includes(ADMIN))!;
      expect(admin.raw).not.toMatch(/pw 1234|passcode:? 1234/i);
    } finally {
      await smtp.close();
      await s.replay.close();
    }
  }, 90_000);

  it('killed with SIGKILL at random points ten times and restarted: the same leaks and alerts, none lost, a copy only where a send was never marked', async () => {
    const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
    const random = mulberry32(seed);
    const smtp = await startSmtpServer();
    // A slow source and a slow server, so kills land in the middle of a walk and while messages are being sent.
    smtp.beforeReply = () => sleep(250);
    const s = await school();
    s.replay.delayMs = 150;
    const kills: string[] = [];
    try {
      for (let n = 0; n < 10; n++) {
        const running = await startDaemon(['--db', s.db, '--config', s.config, '--log-level', 'info'], dir, { LEAKWATCH_SMTP_URL: smtp.url });
        if (n === 0) await s.publishAfterFirstCrawl();
        if (n % 3 === 2) {
          // Between the server taking a message and the daemon hearing so: it is sent, and never marked.
          let fired = false;
          smtp.beforeReply = () => {
            fired = true;
            running.child.kill('SIGKILL');
            return new Promise(() => {});
          };
          await Promise.race([running.exited, sleep(4000)]);
          smtp.beforeReply = () => sleep(250);
          kills.push(fired ? 'after a send, before its mark' : 'at 4 s (nothing was being sent)');
        } else {
          const after = Math.round(200 + random() * 2800);
          await sleep(after);
          kills.push(`at ${after} ms`);
        }
        running.child.kill('SIGKILL');
        expect((await running.exited).signal, `run ${n + 1} (seed ${seed})`).toBe('SIGKILL');
      }
      const last = await startDaemon(['--db', s.db, '--config', s.config], dir, { LEAKWATCH_SMTP_URL: smtp.url });
      await until(() => settled(s.db), 60_000, `every post read and every alert sent after the kills (seed ${seed}: ${kills.join(', ')})`, () => progress(s.db));
      await sleep(2500);
      await stop(last);

      expectFinalState(s.db);
      const copies = expectAlertsOnce(smtp);
      // A kill interrupts at most the messages being sent at that moment (notify.concurrency, 4 by default).
      const unmarked = kills.filter((k) => k.startsWith('after a send')).length;
      expect(copies, `seed ${seed}: ${kills.join(', ')}`).toBeGreaterThanOrEqual(unmarked > 0 ? 1 : 0);
      expect(copies, `seed ${seed}: ${kills.join(', ')}`).toBeLessThanOrEqual(kills.length * 4);
      // The database is whole after ten kills.
      expect(query(s.db, 'PRAGMA quick_check')).toEqual([{ quick_check: 'ok' }]);
    } finally {
      await smtp.close();
      await s.replay.close();
    }
  }, 200_000);
});

describe('SMTP under faults, through `leakwatch run`', () => {
  it('down at first, then a 4xx, a 5xx and a slow answer: each alert is delivered once, the refused one is dead with its reason, nothing is lost', async () => {
    // A port that nothing listens on yet: the server comes up there later.
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const s = await school();
    let smtp: TestSmtpServer | null = null;
    try {
      const running = await startDaemon(['--db', s.db, '--config', s.config], dir, { LEAKWATCH_SMTP_URL: `smtp://127.0.0.1:${port}` });
      await s.publishAfterFirstCrawl();
      // Every post read; the alerts are queued and failing: attempts counted, nothing dead, nothing sent.
      await until(() => count(s.db, "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND attempts >= 1") === EXPECTED_RECIPIENTS.length, 40_000, 'every alert tried against the server that is down');
      expect(query(s.db, "SELECT DISTINCT status FROM outbox WHERE kind = 'alert'").map((r) => r.status).sort()).toEqual(expect.arrayContaining(['pending']));
      expect(count(s.db, "SELECT count(*) AS n FROM outbox WHERE status IN ('sent', 'dead')")).toBe(0);

      smtp = await startSmtpServer({ port });
      const refusedOnce = new Set<string>();
      smtp.reply = (to) => {
        if (to === organiser(1)) return [550, 'mailbox unavailable'];
        if (to === organiser(0) && !refusedOnce.has(to)) {
          refusedOnce.add(to);
          return [451, 'try again later'];
        }
        return null;
      };
      smtp.beforeReply = (mail) => (mail.envelope.to.includes(organiser(2)) ? sleep(2000) : undefined);
      const delivered = EXPECTED_RECIPIENTS.filter((r) => r !== organiser(1));
      await until(() => new Set(smtp!.received.flatMap((m) => m.envelope.to)).size === delivered.length, 30_000, 'every deliverable alert');
      await until(() => count(s.db, "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')") === 0, 10_000, 'the outbox to settle');
      await sleep(1500);
      await stop(running);

      expect(smtp.received.flatMap((m) => m.envelope.to).sort()).toEqual(delivered);
      expect(refusedOnce.has(organiser(0))).toBe(true);
      const rows = query(s.db, "SELECT recipient, status, last_error FROM outbox WHERE kind = 'alert' AND recipient IN ('teacher-0@westfield.example', 'teacher-1@westfield.example', 'teacher-2@westfield.example') ORDER BY recipient");
      expect(rows).toMatchObject([
        { recipient: organiser(0), status: 'sent' },
        { recipient: organiser(1), status: 'dead', last_error: expect.stringMatching(/550/) },
        { recipient: organiser(2), status: 'sent' },
      ]);
      // The operator sees the dead one, and its reason, in `outbox list`.
      const listed = JSON.parse((await s.lw(['outbox', 'list', '--status', 'dead', '--json'])).stdout) as { recipient: string; lastError: string }[];
      expect(listed).toMatchObject([{ recipient: organiser(1), lastError: expect.stringMatching(/550/) }]);
    } finally {
      await smtp?.close();
      await s.replay.close();
    }
  }, 120_000);
});

describe('a full disk under `leakwatch run`', () => {
  it('keeps running without spinning while the disk is full, and afterwards sends every alert once', async (context) => {
    // A small tmpfs of its own, if this test may mount one (root): a real full disk, not a stand-in.
    const mount = join(dir, 'small-disk');
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      context.skip("mounting a small file system needs root; the outbox worker's full-disk behaviour is also tested with SQLite's page limit in test/notify/worker.test.ts");
    }
    const smtp = await startSmtpServer();
    // A slow server and a slow source: the disk fills while alerts are being sent and the walk is under way.
    smtp.beforeReply = () => sleep(400);
    const db = join(mount, 'leakwatch.db');
    const s = await school(db);
    s.replay.delayMs = 100;
    const ballast = join(mount, 'ballast');
    try {
      const running = await startDaemon(['--db', db, '--config', s.config, '--log-level', 'info'], dir, { LEAKWATCH_SMTP_URL: smtp.url });
      await s.publishAfterFirstCrawl();
      await until(() => count(db, "SELECT count(*) AS n FROM outbox WHERE kind = 'alert'") >= 4, 20_000, 'the first alerts queued');
      const linesBefore = running.lines.length;
      const fd = openSync(ballast, 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(64 * 1024));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      await sleep(5000);
      expect(running.child.exitCode).toBeNull();
      // The failure is reported, as one line with its kind and SQLite's code, and backed off: not hundreds of lines in five seconds.
      const problems = running.lines.slice(linesBefore).filter((l) => (l.level as number) >= 40);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.length).toBeLessThan(40);
      expect(problems).toContainEqual(expect.objectContaining({ msg: 'crawl failed', kind: 'database', err: expect.objectContaining({ code: 'SQLITE_FULL' }) }));
      expect(JSON.stringify(problems)).not.toContain('    at ');
      expect(smtp.received.length).toBeLessThanOrEqual(EXPECTED_RECIPIENTS.length);

      rmSync(ballast);
      await until(() => settled(db), 60_000, 'every post read and alert sent once the disk has room', () => progress(db));
      await sleep(2000);
      await stop(running);
      expectFinalState(db);
      // A message sent while its mark could not be written is remembered by its Message-ID, not sent again.
      expect(expectAlertsOnce(smtp)).toBe(0);
    } finally {
      rmSync(ballast, { force: true });
      await smtp.close();
      await s.replay.close();
      execFileSync('umount', [mount]);
    }
  }, 120_000);
});
