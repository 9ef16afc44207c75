// Benchmark of the registry and matcher (npm run bench:match).
//
// 100,000 organisations (each with a verified email domain, an admin and a
// verified Zoom subdomain), 1,000,000 meetings registered through the import
// path (validated, canonicalised, passcode hashed, retro-hunted), then
// 1,000,000 meeting references matched through the pipeline: each is stored
// with its post and sighting, matched against meetings and identifiers, and
// a tenth of them open leaks and queue alerts. Extraction is left out (it
// has its own benchmark): each post carries one reference made beforehand.
// Prints one JSON line per figure.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MeetingRef } from '../src/extract/types.js';
import { Matcher, type IncomingPost } from '../src/match/matcher.js';
import { Registration } from '../src/match/registration.js';
import { prepareMeeting } from '../src/registry/meetings.js';
import { migrate, openDatabase } from '../src/store/database.js';

const ORGS = Number(process.env.BENCH_ORGS ?? 100_000);
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 1_000_000);
const REFERENCES = Number(process.env.BENCH_REFERENCES ?? 1_000_000);
const PAGE = 1000;

const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'match', ...figure }));
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);

const dir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-'));
const path = join(dir, 'bench.db');
const db = openDatabase(path);
migrate(db);
const now = new Date('2026-09-01T12:00:00Z');

// Organisations are set up directly: their registration is not what is measured.
db.transaction(() => {
  const org = db.prepare('INSERT INTO organisations (id, name) VALUES (?, ?)');
  const contact = db.prepare("INSERT INTO contacts (org_id, email, role) VALUES (?, ?, 'admin')");
  const identifier = db.prepare("INSERT INTO identifiers (org_id, kind, value, status, method, verified_at) VALUES (?, ?, ?, 'verified', 'manual', ?)");
  for (let i = 1; i <= ORGS; i++) {
    org.run(i, `School ${i}`);
    contact.run(i, `it@school${i}.example`);
    identifier.run(i, 'email-domain', `school${i}.example`, now.toISOString());
    identifier.run(i, 'zoom-subdomain', `school${i}`, now.toISOString());
  }
})();
// The matcher comes after: it learns of registrations made through it (and of other processes'
// writes), not of rows this connection inserts behind its back.
const matcher = new Matcher(db, { startingSoonHours: 24, repeatedPosts: 3 });
const registration = new Registration(db, matcher);

const meetingNumber = (i: number) => String(80_000_000_000 + i * 7);

let started = performance.now();
const perPage = 10_000;
for (let first = 0; first < MEETINGS; first += perPage) {
  db.transaction(() => {
    for (let i = first; i < Math.min(first + perPage, MEETINGS); i++) {
      const orgId = (i % ORGS) + 1;
      const prepared = prepareMeeting({
        orgId,
        platform: 'zoom',
        meetingId: meetingNumber(i),
        ownerEmail: `teacher${i % 50}@school${orgId}.example`,
        passcode: String(100_000 + (i % 900_000)),
        title: `Class ${i}`,
        startsAt: '2026-09-01T13:00:00Z',
        endsAt: '2026-09-01T14:00:00Z',
        origin: 'csv',
      });
      registration.upsertMeeting(prepared, 'bench', now);
    }
  })();
}
let seconds = (performance.now() - started) / 1000;
emit({ figure: 'meetings_imported_per_s', value: Math.round(MEETINGS / seconds), unit: 'meetings/s', meetings: MEETINGS, organisations: ORGS, seconds: +seconds.toFixed(2) });

// One reference per post: 10% registered meetings (half of them with the
// registered passcode), 10% unregistered meetings on a verified Zoom
// subdomain, 80% meetings nobody registered.
function reference(i: number): MeetingRef {
  const kind = i % 10;
  const orgId = (i % ORGS) + 1;
  const meetingId = kind === 0 ? meetingNumber(i % MEETINGS) : String(90_000_000_000 + i);
  const host = kind === 1 ? `school${orgId}.zoom.us` : 'us02web.zoom.us';
  const passcode = kind === 0 && i % 20 === 0 ? String(100_000 + ((i % MEETINGS) % 900_000)) : null;
  return {
    platform: 'zoom',
    meetingId,
    passcode,
    token: null,
    url: `https://${host}/j/${meetingId}`,
    host,
    orgHint: kind === 1 ? { kind: 'zoom-subdomain', value: `school${orgId}` } : null,
    span: { start: 0, end: 40 },
    secrets: [],
    cues: { passcodeExposed: passcode !== null, hostStart: false, raidLanguage: false },
  };
}
// Matching: each reference against a million meetings and the verified identifiers.
let matched = 0;
started = performance.now();
for (let i = 0; i < REFERENCES; i++) {
  const ref = reference(i);
  if (matcher.matchReference(ref, `post ${i}`).length > 0) matched++;
}
seconds = (performance.now() - started) / 1000;
// Every tenth reference is a registered meeting and every tenth names a verified subdomain.
const expected = Math.ceil(REFERENCES / 10) + Math.ceil((REFERENCES - 1) / 10);
if (matched !== expected) throw new Error(`matched ${matched} references, expected ${expected}`);
emit({ figure: 'references_matched_per_s', value: Math.round(REFERENCES / seconds), unit: 'references/s', references: REFERENCES, matched, seconds: +seconds.toFixed(2) });

// The whole pipeline: each reference's post and sighting stored, matched,
// leaks opened and alerts queued, a page of posts per transaction.
const refs = new Map<string, MeetingRef>();
const pipeline = new Matcher(db, { startingSoonHours: 24, repeatedPosts: 3 }, (text) => [refs.get(text)!]);
let leaks = 0;
let queued = 0;
started = performance.now();
for (let first = 0; first < REFERENCES; first += PAGE) {
  const page: IncomingPost[] = [];
  refs.clear();
  for (let i = first; i < Math.min(first + PAGE, REFERENCES); i++) {
    const ref = reference(i);
    const text = `post ${i} ${ref.url}`;
    refs.set(text, ref);
    page.push({ source: i % 2 ? 'reddit' : 'mastodon', sourceId: String(i), text, createdAt: now.toISOString() });
  }
  const counts = pipeline.ingestPage(page, { now });
  leaks += counts.leaks;
  queued += counts.queued;
}
seconds = (performance.now() - started) / 1000;
emit({ figure: 'references_ingested_per_s', value: Math.round(REFERENCES / seconds), unit: 'references/s', references: REFERENCES, leaksOpened: leaks, alertsQueued: queued, seconds: +seconds.toFixed(2) });

db.pragma('wal_checkpoint(TRUNCATE)');
emit({ figure: 'database_size', value: +(statSync(path).size / 1e6).toFixed(1), unit: 'MB' });
clearInterval(sample);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
emit({ figure: 'peak_rss', value: +(peakRss / 1e6).toFixed(1), unit: 'MB' });
db.close();
rmSync(dir, { recursive: true, force: true });
