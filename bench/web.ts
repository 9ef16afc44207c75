// Benchmark of the dashboard and the API under load (npm run bench:web).
//
// A school with 10,000 leaks (10,000 registered meetings, each leaked by a
// post), an admin signed in (a session cookie, made through the sign-in
// link as a browser would) and a read token of the API. `leakwatch run` — a
// child process — serves them and crawls a local replay of Hacker News'
// search API that offers more posts than it can read, so its crawl runs
// flat out. The crawl's throughput is measured alone first, then while
// CONCURRENCY clients ask (as fast as they are answered, or at
// BENCH_REQUEST_RATE requests a second in all) for the leak list
// page of the school (`/orgs/1/leaks`, 50 a page) and for a page of the API
// (`/api/v1/leaks?limit=100`, following its cursor). Prints requests per
// second and latency p50/p99 per kind, the crawl's posts per second alone
// and under load, and how much lower it is. Each figure one JSON line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createToken } from '../src/api/tokens.js';
import { loadConfig } from '../src/config/load.js';
import { Matcher, matchSettingsFrom } from '../src/match/matcher.js';
import { Registration } from '../src/match/registration.js';
import { migrate, openDatabase } from '../src/store/database.js';
import { mailSignInLink, signIn } from '../src/web/sessions.js';
import { startAlgoliaReplay } from './algolia-replay.js';

const LEAKS = Number(process.env.BENCH_LEAKS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 20_000);
/** Requests per second all clients together make; 0 (default): each asks again as soon as it is answered (the most the daemon serves). */
const REQUEST_RATE = Number(process.env.BENCH_REQUEST_RATE ?? 0);
/** Posts offered per second: more than the daemon reads, so the crawl is never waiting for posts. */
const RATE = Number(process.env.BENCH_RATE ?? 60_000);
const QUERIES = 20;
const BASE_TIME = Math.ceil(Date.now() / 1000);
const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'web', ...figure }));

const ADMIN = 'it@westfield.example';
const meetingOf = (k: number) => String(82_000_000_000 + k * 13);
const WORDS = 'the class homework teacher today join meeting link later tonight anyone help please thanks exam study group project deadline'.split(' ');
const comment = (i: number) => Array.from({ length: 12 + (i % 30) }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]).join(' ');

// The school, its domain proven, and a leak of each of its meetings.
const dir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-web-'));
const dbPath = join(dir, 'leakwatch.db');
const { config } = loadConfig({ env: {} });
const publicUrl = 'http://leakwatch.bench.example';
let cookie: string;
let token: string;
{
  const db = openDatabase(dbPath);
  migrate(db);
  const matcher = new Matcher(db, matchSettingsFrom(config));
  const registration = new Registration(db, matcher);
  const now = new Date();
  db.transaction(() => {
    db.prepare('INSERT INTO organisations (id, name) VALUES (1, ?)').run('Westfield High School');
    db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (1, ?, 'admin')").run(ADMIN);
    db.prepare("INSERT INTO identifiers (org_id, kind, value, status, method, verified_at) VALUES (1, 'email-domain', 'westfield.example', 'verified', 'manual', ?)").run(now.toISOString());
    for (let k = 0; k < LEAKS; k++) registration.addMeeting({ orgId: 1, platform: 'zoom', meetingId: meetingOf(k), ownerEmail: `teacher${k % 300}@westfield.example`, title: `Class ${k}` }, 'bench', now);
  })();
  for (let k = 0; k < LEAKS; k += 500) {
    const posts = Array.from({ length: Math.min(500, LEAKS - k) }, (_, n) => ({
      source: 'hackernews' as const,
      sourceId: `seed-${k + n}`,
      url: `https://news.ycombinator.com/item?id=${k + n}`,
      author: `student${(k + n) % 97}`,
      createdAt: new Date(now.getTime() - (LEAKS - k - n) * 60_000).toISOString(),
      text: `${comment(k + n)} https://zoom.us/j/${meetingOf(k + n)}`,
      links: [],
    }));
    matcher.ingestPage(posts, { now });
  }
  const leaks = db.prepare('SELECT count(*) FROM leaks WHERE org_id = 1').pluck().get() as number;
  if (leaks !== LEAKS) throw new Error(`seeding made ${leaks} leaks, not ${LEAKS}`);
  // Signed in as a browser would be: the mailed link (read from the queued email) used once.
  const settings = { ...config.web, publicUrl };
  mailSignInLink(db, ADMIN, settings, now);
  const link = JSON.parse(db.prepare("SELECT payload FROM outbox WHERE kind = 'sign-in' ORDER BY id DESC LIMIT 1").pluck().get() as string).link as string;
  const signedIn = signIn(db, link.split('/sign-in/')[1]!, settings, now);
  if (!signedIn) throw new Error('the sign-in link did not sign in');
  cookie = `leakwatch-session=${signedIn.session.id}`;
  token = createToken(db, { orgId: 1, name: 'bench', scope: 'read', actor: 'bench' }).token;
  // The seeded alerts are not what this measures: nothing waits to be sent.
  db.prepare("UPDATE outbox SET status = 'cancelled' WHERE status = 'pending'").run();
  db.close();
}

let served = 0;
const replay = await startAlgoliaReplay({ posts: 50_000_000, rate: RATE, queries: QUERIES, baseTime: BASE_TIME, comment, onServe: () => void served++ });
const sources = Object.fromEntries(Object.keys(config.sources).map((name) => [name, { enabled: false }]));
const configFile = join(dir, 'config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    sources: { ...sources, hackernews: { enabled: true, cron: '* * * * * *', jitterSecs: 0, requestIntervalMs: 0, baseUrl: replay.url, queries: Array.from({ length: QUERIES }, (_, q) => `q${q}`) } },
    http: { allowPrivateHosts: true, respectRobotsTxt: false, retries: 0 },
    // The load comes from one address and one token: the API's buckets are opened wide, or most of it would be answered 429.
    web: { port: 0, publicUrl, rateLimits: { ...config.web.rateLimits, apiTokenRequests: { burst: 1_000_000, perSecond: 1_000_000 }, apiAddressRequests: { burst: 1_000_000, perSecond: 1_000_000 } } },
    mail: { from: 'alerts@leakwatch.bench.example' },
  }),
);

const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
const daemon = spawn(process.execPath, [bin, 'run', '--db', dbPath, '--config', configFile, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
const webUrl = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: daemon.stderr });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return void console.error(line);
    const entry = JSON.parse(line) as { msg: string; web?: string; level: number };
    if (entry.msg === 'leakwatch running') {
      if (!entry.web) reject(new Error('leakwatch run started without its web endpoint'));
      else resolve(entry.web);
    }
    if (entry.level >= 50) console.error(line);
  });
  daemon.once('exit', (code) => reject(new Error(`leakwatch run exited with ${code}`)));
});

const watch = new Database(dbPath, { readonly: true, fileMustExist: true });
const crawled = () => watch.prepare("SELECT coalesce(sum(posts), 0) FROM crawl_runs WHERE source = 'hackernews'").pluck().get() as number;
while (crawled() === 0 && !(watch.prepare("SELECT count(*) FROM crawl_runs WHERE status = 'succeeded'").pluck().get() as number)) await sleep(50);
replay.start();
// Let the walks get going (the first run of each query starts where the listing is).
await sleep(3000);

async function crawlRate(ms: number): Promise<number> {
  const before = crawled();
  const started = Date.now();
  await sleep(ms);
  return ((crawled() - before) * 1000) / (Date.now() - started);
}

const alone = await crawlRate(PHASE_MS);

// The load: each client asks for the leak list page and an API page in turn, following the API's cursor.
const latencies = { page: [] as number[], api: [] as number[] };
const failures: string[] = [];
let stopLoad = false;
async function client(n: number): Promise<void> {
  let cursor: string | null = null;
  const interval = REQUEST_RATE > 0 ? (CONCURRENCY * 1000) / REQUEST_RATE : 0;
  let due = performance.now() + (interval * n) / CONCURRENCY;
  for (let round = n; !stopLoad; round++) {
    const asApi = round % 2 === 1;
    if (interval > 0) {
      // A fixed rate, as people use the pages: each client's requests start on a schedule, late ones at once.
      await sleep(Math.max(0, due - performance.now()));
      due += interval;
    }
    const started = performance.now();
    const response: Response = asApi
      ? await fetch(`${webUrl}/api/v1/leaks?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${token}` } })
      : await fetch(`${webUrl}/orgs/1/leaks?page=${1 + (round % 20)}`, { headers: { cookie } });
    const body: string = await response.text();
    const took = performance.now() - started;
    if (response.status !== 200) {
      if (failures.length < 5) failures.push(`${response.status} ${asApi ? 'api' : 'page'}: ${body.slice(0, 200)}`);
      continue;
    }
    if (asApi) {
      cursor = (JSON.parse(body) as { next: string | null }).next;
      latencies.api.push(took);
    } else {
      if (!body.includes('Class ')) throw new Error('the leak list page lists no meeting');
      latencies.page.push(took);
    }
  }
}
const clients = Array.from({ length: CONCURRENCY }, (_, n) => client(n));
const underLoad = await crawlRate(PHASE_MS);
stopLoad = true;
await Promise.all(clients);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1) : null;
};
const seconds = PHASE_MS / 1000;
for (const [kind, path] of [['page', '/orgs/1/leaks'], ['api', '/api/v1/leaks?limit=100']] as const) {
  const values = latencies[kind];
  emit({ figure: `${kind}_requests_per_s`, value: Math.round(values.length / seconds), unit: 'requests/s', path, leaks: LEAKS, concurrency: CONCURRENCY, offeredPerS: REQUEST_RATE || 'as fast as answered', requests: values.length });
  emit({ figure: `${kind}_p99`, value: quantile(values, 0.99), unit: 'ms', p50: quantile(values, 0.5), max: quantile(values, 1), target: 100 });
}
emit({ figure: 'crawl_posts_per_s_alone', value: Math.round(alone), unit: 'posts/s', offeredPerS: RATE });
emit({ figure: 'crawl_posts_per_s_under_load', value: Math.round(underLoad), unit: 'posts/s' });
emit({ figure: 'crawl_slowdown', value: +((100 * (alone - underLoad)) / alone).toFixed(1), unit: '%', target: 10 });
if (failures.length) emit({ figure: 'failed_requests', value: failures.length, examples: failures });

daemon.kill('SIGTERM');
await new Promise((resolve) => daemon.once('exit', resolve));
watch.close();
replay.close();
if (process.env.BENCH_KEEP) console.error(`kept ${dir} (${served} posts served)`);
else rmSync(dir, { recursive: true, force: true });

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
