// Benchmark of the whole daemon (npm run bench:e2e).
//
// A local server replays Hacker News' Algolia search API: 1,000,000 posts
// (1% of them carrying the link of a registered meeting), made available
// at a steady rate as if they were being posted, spread over 20 queries.
// `leakwatch run` — a child process with the shipped configuration but for
// the replay source, crawling it every second — reads them, matches them and
// emails the organisers through a local SMTP server in a third process.
// Prints posts per second through the daemon, post-to-accepted-email latency
// (from the moment a post became readable to the moment the SMTP server took
// its alert) and the daemon's peak RSS. Each figure one JSON line.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config/load.js';
import { Matcher, matchSettingsFrom } from '../src/match/matcher.js';
import { Registration } from '../src/match/registration.js';
import { startAlgoliaReplay } from './algolia-replay.js';
import { migrate, openDatabase } from '../src/store/database.js';

const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
/** Posts made readable per second: the load offered to the daemon. */
const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const LEAK_EVERY = 100;
const QUERIES = 20;
/** Post i is created at BASE_TIME + i seconds: from the bench's start on, so none is older than where the daemon's first walk begins. */
const BASE_TIME = Math.ceil(Date.now() / 1000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 300_000);
const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'e2e', ...figure }));

const WORDS = 'the class homework teacher today join meeting link later tonight anyone help please thanks exam study group project deadline'.split(' ');
const meetingOf = (i: number) => String(81_000_000_000 + i * 7);
const ownerOf = (i: number) => `teacher${i}@westfield.example`;
function comment(i: number): string {
  const words = Array.from({ length: 12 + (i % 30) }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]);
  if (i % LEAK_EVERY === 0) words.splice(5, 0, `https://zoom.us/j/${meetingOf(i)}`);
  return words.join(' ');
}

// Post i belongs to query i % QUERIES, is created at BASE_TIME + i (one a
// second, so the crawler's re-read overlap covers few) and is readable from
// start + i / RATE.
/** Which posts the replay has handed out, to count each once. */
const served = new Uint8Array(POSTS);
let distinctServed = 0;
let reServed = 0;
const replay = await startAlgoliaReplay({
  posts: POSTS,
  rate: RATE,
  queries: QUERIES,
  baseTime: BASE_TIME,
  comment,
  onServe(i) {
    if (served[i] === 0) {
      served[i] = 1;
      distinctServed++;
    } else {
      reServed++;
    }
  },
});
const baseUrl = replay.url;
const readableAt = replay.readableAt;

// The SMTP server, in a process of its own: it prints the time and recipient of every message it takes.
const sink = spawn(process.execPath, [fileURLToPath(new URL('./smtp-sink.mjs', import.meta.url)), '--each'], { stdio: ['ignore', 'pipe', 'inherit'] });
const sinkLines = createInterface({ input: sink.stdout });
const smtpPort = await new Promise<number>((resolve) => sinkLines.once('line', (line) => resolve(Number(line))));
const accepted = new Map<string, number>();
let allAccepted: () => void = () => {};
const everyAlert = new Promise<void>((resolve) => (allAccepted = resolve));
const LEAKS = Math.ceil(POSTS / LEAK_EVERY);
sinkLines.on('line', (line) => {
  const [at, to] = line.split(' ');
  if (to !== undefined && !accepted.has(to)) accepted.set(to, Number(at));
  if (accepted.size >= LEAKS) allAccepted();
});

// The school, its domain proven, and one registered meeting (with its own organiser) per leaking post.
const dir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-e2e-'));
const dbPath = join(dir, 'leakwatch.db');
const { config } = loadConfig({ env: {} });
{
  const db = openDatabase(dbPath);
  migrate(db);
  const registration = new Registration(db, new Matcher(db, matchSettingsFrom(config)));
  const now = new Date();
  db.transaction(() => {
    db.prepare('INSERT INTO organisations (id, name) VALUES (1, ?)').run('Westfield High School');
    db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (1, 'it@westfield.example', 'admin')").run();
    db.prepare("INSERT INTO identifiers (org_id, kind, value, status, method, verified_at) VALUES (1, 'email-domain', 'westfield.example', 'verified', 'manual', ?)").run(now.toISOString());
    for (let i = 0; i < POSTS; i += LEAK_EVERY) registration.addMeeting({ orgId: 1, platform: 'zoom', meetingId: meetingOf(i), ownerEmail: ownerOf(i), title: `Class ${i}` }, 'bench', now);
  })();
  db.close();
}

const sources = Object.fromEntries(Object.keys(config.sources).map((name) => [name, { enabled: false }]));
const configFile = join(dir, 'config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    sources: { ...sources, hackernews: { enabled: true, cron: '* * * * * *', jitterSecs: 0, requestIntervalMs: 0, baseUrl, queries: Array.from({ length: QUERIES }, (_, q) => `q${q}`) } },
    http: { allowPrivateHosts: true, respectRobotsTxt: false, retries: 0 },
    web: { port: 0, publicUrl: 'https://leakwatch.bench.example' },
    mail: { from: 'alerts@leakwatch.bench.example' },
  }),
);

const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
// BENCH_CPU_PROF=DIR writes the daemon's CPU profile there (open it in Chrome's DevTools).
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const daemon = spawn(process.execPath, [...profile, bin, 'run', '--db', dbPath, '--config', configFile, '--log-level', 'warn'], {
  env: { ...process.env, LEAKWATCH_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
  stdio: ['ignore', 'ignore', 'inherit'],
});

// Every post handed out once is read once the daemon commits its page: the
// runs' counts in the database it writes (read-only, as an operator would
// watch it) say when the last page is in.
const watch = new Database(dbPath, { readonly: true, fileMustExist: true });
// Posts start to appear once the daemon has crawled once (found nothing yet): its first run sets where each query starts.
while (!(watch.prepare("SELECT count(*) FROM crawl_runs WHERE status = 'succeeded'").pluck().get() as number)) await new Promise((resolve) => setTimeout(resolve, 50));
replay.start();
const start = Date.now();
const pagesPosts = () => (watch.prepare('SELECT coalesce(sum(posts), 0) FROM crawl_runs').pluck().get() as number);
let allReadAt = 0;
const deadline = Date.now() + TIMEOUT_MS;
while (Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (allReadAt === 0 && distinctServed >= POSTS && pagesPosts() >= distinctServed + reServed) allReadAt = Date.now();
  if (allReadAt !== 0 && accepted.size >= LEAKS) break;
}
await Promise.race([everyAlert, new Promise((resolve) => setTimeout(resolve, 1000))]);
const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${daemon.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const read = distinctServed;
const seconds = ((allReadAt || Date.now()) - start) / 1000;

const latencies: number[] = [];
for (let i = 0; i < POSTS; i += LEAK_EVERY) {
  const at = accepted.get(ownerOf(i));
  if (at !== undefined) latencies.push(at - readableAt(i));
}
latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? null;

emit({ figure: 'posts_per_s', value: Math.round(read / seconds), unit: 'posts/s', posts: read, of: POSTS, reRead: reServed, offeredPerS: RATE, seconds: +seconds.toFixed(1), note: 'distinct posts read and committed by the running daemon, from the first readable post to the last one committed' });
emit({ figure: 'post_to_email_p50', value: quantile(0.5), unit: 'ms', emails: latencies.length, of: LEAKS });
emit({ figure: 'post_to_email_p99', value: quantile(0.99), unit: 'ms', max: latencies.at(-1) ?? null, pollIntervalMs: config.notify.pollIntervalMs, target: config.notify.pollIntervalMs + 5000 });
emit({ figure: 'daemon_peak_rss', value: +peakRssMb.toFixed(1), unit: 'MB' });

daemon.kill('SIGTERM');
await new Promise((resolve) => daemon.once('exit', resolve));
sink.kill('SIGTERM');
watch.close();
replay.close();
if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
