// Benchmark of a platform connection's import (npm run bench:connect).
//
// A Zoom-shaped API (bench/zoom-api.mjs, in its own process) holds 10,000
// users with 20 meetings each (200,000), paged as Zoom pages them. One
// connection is synchronised through the real path: the guarded API client,
// the Zoom provider (token, users, each user's meetings, each meeting's
// detail), passcodes hashed, meetings upserted and retro-hunted in SQLite.
//
// 1. Without rate limits: the import's own speed, in meetings per second,
//    against what Zoom's documented limits allow (Get a meeting is a Light
//    request: 80 a second on a Business or Education account), so the ratio
//    says how far the importer is from being the bottleneck.
// 2. With those limits enforced (429 without Retry-After, as Zoom answers a
//    per-second limit), on fewer users: the import still completes, at the
//    platform's pace, with every meeting imported.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import type { Config } from '../src/config/schema.js';
import { ApiClient } from '../src/connect/api-client.js';
import { createConnection } from '../src/connect/connections.js';
import { ConnectionSessions, syncConnection } from '../src/connect/sync.js';
import { createLogger } from '../src/logger.js';
import { Matcher, matchSettingsFrom } from '../src/match/matcher.js';
import { Registration } from '../src/match/registration.js';
import { addIdentifier, verifyManually } from '../src/registry/identifiers.js';
import { createOrganisation } from '../src/registry/organisations.js';
import { migrate, openDatabase } from '../src/store/database.js';

const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'connect', ...figure }));
const config = JSON.parse(readFileSync(new URL('../config/default.json', import.meta.url), 'utf8')) as Config;
/** Zoom's documented per-second limit of Get a meeting (Light) on Business and Education accounts. */
const PLATFORM_MEETINGS_PER_S = 80;

async function run(users: number, limited: boolean): Promise<void> {
  const server = spawn(process.execPath, [new URL('./zoom-api.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_USERS: String(users), BENCH_RATE_LIMITS: limited ? '1' : '0' },
  });
  const port = Number((await createInterface({ input: server.stdout })[Symbol.asyncIterator]().next()).value);
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-connect-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    migrate(db);
    const registration = new Registration(db, new Matcher(db, matchSettingsFrom(config)));
    const org = createOrganisation(db, { name: 'Bench School', admins: ['it@bench-school.example'] }, 'bench');
    addIdentifier(db, { orgId: org.id, kind: 'email-domain', value: 'bench-school.example' }, { tokenTtlHours: 72, publicUrl: 'https://leakwatch.bench.example' }, 'bench');
    verifyManually(db, { orgId: org.id, value: 'bench-school.example' }, 'bench', registration.onVerified);
    const key = randomBytes(32);
    const connection = createConnection(db, { orgId: org.id, provider: 'zoom', accountId: 'BenchAccount', clientId: 'bench-client', secret: 'bench-secret', scopes: [], writeOptIn: false }, key, 'bench');
    const api = new ApiClient({
      guard: { allowPrivateHosts: false, allowHosts: [`127.0.0.1:${port}`] },
      userAgent: config.http.userAgent,
      timeoutMs: config.http.timeoutMs,
      maxResponseBytes: config.http.maxResponseBytes,
      retries: limited ? 20 : config.http.retries,
      maxRetryAfterMs: config.connections.maxRetryAfterSecs * 1000,
    });
    const sessions = new ConnectionSessions({ api, urls: () => ({ oauthUrl: url, apiUrl: url }) });
    const started = performance.now();
    const outcome = await syncConnection(db, connection.id, { key, registration, sessions, log: createLogger({ level: 'warn' }), actor: 'bench' });
    const seconds = (performance.now() - started) / 1000;
    if (outcome.status !== 'ok') throw new Error(`the sync failed: ${outcome.error}`);
    const meetings = db.prepare('SELECT count(*) FROM meetings WHERE connection_id = ?').pluck().get(connection.id) as number;
    const stats = (await (await fetch(`${url}/bench/stats`, { headers: { authorization: 'Bearer bench-access-token' } })).json()) as { requests: number; limited: number };
    const perS = Math.round(meetings / seconds);
    if (limited) {
      emit({ figure: 'rate_limited_meetings_per_s', value: perS, unit: 'meetings/s', users, meetings, of: users * 20, seconds: Number(seconds.toFixed(1)), requests: stats.requests, answered429: stats.limited, platformAllowsPerS: PLATFORM_MEETINGS_PER_S });
    } else {
      emit({ figure: 'meetings_per_s', value: perS, unit: 'meetings/s', users, meetings, of: users * 20, seconds: Number(seconds.toFixed(1)), requests: stats.requests, platformAllowsPerS: PLATFORM_MEETINGS_PER_S, timesPlatformLimit: Number((perS / PLATFORM_MEETINGS_PER_S).toFixed(1)), target: '>= 10x' });
      emit({ figure: 'peak_rss', value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MB' });
    }
  } finally {
    server.kill();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(Number(process.env.BENCH_USERS ?? 10_000), false);
if (process.env.BENCH_SKIP_LIMITED !== '1') await run(Number(process.env.BENCH_LIMITED_USERS ?? 100), true);
