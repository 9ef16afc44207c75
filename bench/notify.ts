// Benchmark of the notifier (npm run bench:notify).
//
// 10,000 alerts are queued the way the pipeline queues them (10,000
// registered meetings, each with its own organiser, each posted once), then
// the outbox worker sends them all to a local SMTP server running in another
// process, with the shipped notify settings (4 pooled connections). Each
// email is rendered from the database at send time, as in production.
// Prints messages per second and the queue-to-accepted latency (from the
// moment the alert was queued to the moment the SMTP server accepted it):
// all 10,000 are queued at once, so it measures how long the last ones wait.
// Then a steady stream (100 messages/s) through the running worker gives the
// latency an alert sees in normal operation.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../src/config/schema.js';
import { createLogger } from '../src/logger.js';
import { Matcher, matchSettingsFrom } from '../src/match/matcher.js';
import { Registration } from '../src/match/registration.js';
import { Notifier } from '../src/notify/worker.js';
import { migrate, openDatabase } from '../src/store/database.js';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'notify', ...figure }));
const config = JSON.parse(readFileSync(new URL('../config/default.json', import.meta.url), 'utf8')) as Config;
config.web.publicUrl = 'https://leakwatch.bench.example';
if (process.env.BENCH_CONCURRENCY) config.notify.concurrency = Number(process.env.BENCH_CONCURRENCY);

const sink = spawn(process.execPath, [new URL('./smtp-sink.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const sinkLines = createInterface({ input: sink.stdout })[Symbol.asyncIterator]();
const port = Number((await sinkLines.next()).value);

const dir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-notify-'));
const db = openDatabase(join(dir, 'bench.db'));
migrate(db);
const matcher = new Matcher(db, matchSettingsFrom(config));
const registration = new Registration(db, matcher);
const now = new Date();
db.transaction(() => {
  db.prepare('INSERT INTO organisations (id, name) VALUES (1, ?)').run('Westfield High School');
  db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (1, 'it@westfield.example', 'admin')").run();
  db.prepare("INSERT INTO identifiers (org_id, kind, value, status, method, verified_at) VALUES (1, 'email-domain', 'westfield.example', 'verified', 'manual', ?)").run(now.toISOString());
  for (let i = 0; i < ALERTS; i++) {
    registration.addMeeting({ orgId: 1, platform: 'zoom', meetingId: String(80_000_000_000 + i * 7), ownerEmail: `teacher${i}@westfield.example`, title: `Class ${i}` }, 'bench', now);
  }
})();
for (let first = 0; first < ALERTS; first += 1000) {
  const posts = [];
  for (let i = first; i < Math.min(first + 1000, ALERTS); i++) {
    posts.push({ source: 'reddit', sourceId: `t3_${i}`, url: `https://www.reddit.com/r/bench/comments/${i}/`, author: 'someone', createdAt: now.toISOString(), text: `class link https://westfield.zoom.us/j/${80_000_000_000 + i * 7} come in` });
  }
  matcher.ingestPage(posts);
}
const queued = db.prepare("SELECT count(*) FROM outbox WHERE kind = 'alert' AND status = 'pending'").pluck().get() as number;
if (queued !== ALERTS) throw new Error(`expected ${ALERTS} queued alerts, found ${queued}`);
// Queued "now": latency counts from here, not from the setup above.
db.prepare('UPDATE outbox SET created_at = ?, next_attempt_at = ?').run(new Date().toISOString(), new Date().toISOString());

let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const notifier = new Notifier({ db, config, secrets: { smtpUrl: `smtp://127.0.0.1:${port}` }, log: createLogger({ level: 'silent' }) });
const started = performance.now();
const summary = await notifier.flush();
const seconds = (performance.now() - started) / 1000;
notifier.close();

const latencies = (where: string) =>
  (db.prepare(`SELECT (julianday(sent_at) - julianday(created_at)) * 86400000.0 FROM outbox WHERE status = 'sent' AND ${where}`).pluck().all() as number[]).sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const burst = latencies("kind = 'alert'");
emit({ figure: 'messages_per_s', value: Math.round(ALERTS / seconds), unit: 'messages/s', messages: ALERTS, seconds: +seconds.toFixed(2), concurrency: config.notify.concurrency });
emit({ figure: 'queue_to_accepted_p99', value: Math.round(percentile(burst, 99)), unit: 'ms', p50: Math.round(percentile(burst, 50)), max: Math.round(burst.at(-1)!), note: `all ${ALERTS} queued at once` });

// Steady state: test messages queued at a constant rate while the worker runs as in `leakwatch run`
// (polling every notify.pollIntervalMs), so the latency includes the wait for the next poll.
const RATE = Number(process.env.BENCH_RATE ?? 100);
const STEADY = Number(process.env.BENCH_STEADY ?? 2000);
const running = new Notifier({ db, config, secrets: { smtpUrl: `smtp://127.0.0.1:${port}` }, log: createLogger({ level: 'silent' }) });
running.start();
const enqueueTest = db.prepare("INSERT INTO outbox (dedupe_key, channel, recipient, kind, payload, message_id, next_attempt_at, created_at) VALUES (?, 'email', ?, 'test', '{}', ?, ?, ?)");
for (let i = 0; i < STEADY; i++) {
  const at = new Date().toISOString();
  enqueueTest.run(`steady:${i}`, `teacher${i}@westfield.example`, `<steady-${i}@leakwatch>`, at, at);
  await new Promise((resolve) => setTimeout(resolve, 1000 / RATE));
}
while ((db.prepare("SELECT count(*) FROM outbox WHERE kind = 'test' AND status = 'sent'").pluck().get() as number) < STEADY) await new Promise((resolve) => setTimeout(resolve, 100));
await running.stop();
clearInterval(sample);
const steady = latencies("kind = 'test'");
emit({ figure: 'steady_queue_to_accepted_p99', value: Math.round(percentile(steady, 99)), unit: 'ms', p50: Math.round(percentile(steady, 50)), ratePerS: RATE, messages: STEADY, pollIntervalMs: config.notify.pollIntervalMs });

sink.kill('SIGTERM');
const accepted = Number((await sinkLines.next()).value);
if (summary.sent !== ALERTS || accepted !== ALERTS + STEADY) throw new Error(`sent ${summary.sent}, server accepted ${accepted}, expected ${ALERTS} + ${STEADY}: ${JSON.stringify(summary)}`);
emit({ figure: 'peak_rss', value: +(peakRss / 1024 / 1024).toFixed(1), unit: 'MB' });
db.close();
rmSync(dir, { recursive: true, force: true });
