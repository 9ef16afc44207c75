/**
 * Screenshots of the dashboard for the README: `npm run docs:dashboard`.
 * Builds the sample school of `leakwatch demo` in a temporary database (its
 * domain proven, its timetable imported from CSV, a morning's posts
 * ingested: leaks of differing severity), serves the dashboard on a free
 * loopback port, signs in through the sign-in page and its link, and saves
 * the main pages at desktop (1280×800) and phone (390×844) widths as
 * docs/dashboard/<page>-<width>.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { loadConfig } from '../src/config/load.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/crawl/browser.js';
import { DEMO_MEETINGS, DEMO_ORG, demoPosts } from '../src/demo/sample.js';
import { createLogger } from '../src/logger.js';
import { listLeaks } from '../src/match/leaks.js';
import { Matcher, matchSettingsFrom } from '../src/match/matcher.js';
import { Registration } from '../src/match/registration.js';
import { linkKey } from '../src/notify/links.js';
import { addIdentifier, verifyManually } from '../src/registry/identifiers.js';
import { importMeetingCsv } from '../src/registry/meeting-import.js';
import { createOrganisation } from '../src/registry/organisations.js';
import { migrate, openDatabase } from '../src/store/database.js';
import { startWebServer } from '../src/web/server.js';

const PUBLIC = 'http://leakwatch.school.example';
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
/** A fixed morning, so the pictures change only when the pages do. */
const now = new Date('2026-11-30T09:41:00Z');
const out = fileURLToPath(new URL('../docs/dashboard/', import.meta.url));

const { config } = loadConfig({ env: {} });
const dir = mkdtempSync(join(tmpdir(), 'leakwatch-screenshots-'));
const db = openDatabase(join(dir, 'leakwatch.db'));
const log = createLogger({ level: 'silent' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  migrate(db);
  const matcher = new Matcher(db, matchSettingsFrom(config));
  const registration = new Registration(db, matcher);
  const verification = { tokenTtlHours: config.verification.tokenTtlHours, publicUrl: PUBLIC };
  const actor = 'sample';

  const org = createOrganisation(db, { name: DEMO_ORG.name, admins: [DEMO_ORG.admin] }, actor);
  for (const [kind, value] of [['email-domain', DEMO_ORG.domain], ['zoom-subdomain', DEMO_ORG.zoomSubdomain]] as const) {
    addIdentifier(db, { orgId: org.id, kind, value }, verification, actor, now);
    verifyManually(db, { orgId: org.id, value, note: 'sample data' }, actor, registration.onVerified, now);
  }
  const quoted = (value: string | undefined) => (value === undefined ? '' : `"${value.replaceAll('"', '""')}"`);
  const csv = [
    'platform,meeting_id,owner_email,title,passcode,recurrence',
    ...DEMO_MEETINGS.filter((m) => !('public' in m)).map((m) =>
      [m.platform, m.meetingId, m.ownerEmail, m.title, 'passcode' in m ? m.passcode : undefined, 'recurrence' in m ? m.recurrence : undefined].map(quoted).join(','),
    ),
  ].join('\n');
  await importMeetingCsv(db, csv, { orgId: org.id }, (prepared) => registration.upsertMeeting(prepared, actor, now), actor);
  for (const meeting of DEMO_MEETINGS.filter((m) => 'public' in m)) registration.addMeeting({ orgId: org.id, ...meeting }, actor, now);
  matcher.ingestPage(demoPosts(now), { now });
  const leaks = listLeaks(db, { orgId: org.id });
  const worst = leaks[0];
  if (worst === undefined) throw new Error('the sample posts opened no leak');

  const web = await startWebServer({
    db,
    linkKey: linkKey(db, undefined),
    onVerified: registration.onVerified,
    log,
    host: '127.0.0.1',
    port: 0,
    clock: () => now,
    app: { dashboard: { settings: { ...config.web, publicUrl: PUBLIC }, verification, registration, notify: config.notify, webhooks: { secret: 'sample-webhook-secret', timeoutMs: 2000, userAgent: 'leakwatch' } } },
  });
  try {
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${web.url}/sign-in`);
    await page.getByLabel('Your email address').fill(DEMO_ORG.admin);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const payload = db.prepare("SELECT payload FROM outbox WHERE kind = 'sign-in' ORDER BY id DESC LIMIT 1").pluck().get() as string;
    await page.goto((JSON.parse(payload) as { link: string }).link.replace(PUBLIC, web.url));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your organisations' }).waitFor();

    const pages = [
      { name: 'overview', path: '/' },
      { name: 'organisation', path: `/orgs/${org.id}` },
      { name: 'meetings', path: `/orgs/${org.id}/meetings` },
      { name: 'leaks', path: `/orgs/${org.id}/leaks` },
      { name: 'leak', path: `/leaks/${worst.id}` },
      { name: 'settings', path: `/orgs/${org.id}/settings` },
    ];
    mkdirSync(out, { recursive: true });
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const { name, path } of pages) {
        await page.goto(`${web.url}${path}`);
        const file = join(out, `${name}-${size.name}.png`);
        await page.screenshot({ path: file });
        console.log(`wrote ${file}`);
      }
    }
    await context.close();
  } finally {
    await web.close();
  }
  console.log(`${leaks.length} sample leaks: ${leaks.map((l) => l.severity).join(', ')}`);
} finally {
  await browser.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
