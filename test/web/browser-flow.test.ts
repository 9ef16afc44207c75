/**
 * A school's IT admin through the whole dashboard in real Chromium: the
 * sign-in link delivered by the outbox worker to a real SMTP server, an
 * organisation whose domain is proven by a TXT record on a real DNS server,
 * a timetable imported by file upload (a bad file first), a leak of one of
 * its meetings ingested as the CLI ingests posts, and that leak resolved.
 * Every page visited is checked by axe: no serious or critical violation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/crawl/browser.js';
import { createLogger } from '../../src/logger.js';
import { ingestJsonLines } from '../../src/match/ingest.js';
import { smtpTransport, type MailTransport } from '../../src/notify/smtp.js';
import { Notifier } from '../../src/notify/worker.js';
import type { WebServer } from '../../src/web/server.js';
import { tempDir } from '../support/cli.js';
import { startDnsServer, type DnsTestServer } from '../support/dns-server.js';
import { notifierConfig } from '../support/notify.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { count, tempStore, type TestStore } from '../support/store.js';
import { servedDashboard } from '../support/web.js';

const PUBLIC = 'http://leakwatch.test';
const ADMIN = 'it@eastfield.example';
let browser: Browser;
let dns: DnsTestServer;
let smtp: TestSmtpServer;
let store: TestStore;
let web: WebServer;
let files: { dir: string; cleanup: () => void };
let mailer: MailTransport;
let notifier: Notifier;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  dns = await startDnsServer();
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await browser.close();
  await dns.close();
  await smtp.close();
});
beforeEach(async () => {
  store = tempStore();
  files = tempDir();
  const log = createLogger({ level: 'silent' });
  web = await servedDashboard(store, PUBLIC, { dnsServers: [dns.address] });
  mailer = smtpTransport(smtp.url, { maxConnections: 1, timeoutMs: 2000 });
  notifier = new Notifier({ db: store.db, config: notifierConfig({ web: { publicUrl: PUBLIC } }), secrets: {}, log, mailer });
});
afterEach(async () => {
  mailer.close();
  await web.close();
  store.cleanup();
  files.cleanup();
});

/**
 * axe on the page as it is now: every serious or critical violation, with
 * where it is. Playwright evaluates axe's source through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern, so the
 * pages are checked under their real policy, with no bypass.
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`);
}

it('an IT admin signs in by the mailed link, proves the domain, imports the timetable and resolves a leak, every page accessible', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  // A missing label or button fails in seconds, not at the test's timeout.
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  const heading = () => page.getByRole('heading', { level: 1 });
  const checkPage = async (expected: string | RegExp) => {
    await expect.poll(() => heading().textContent()).toMatch(expected);
    problems.push(...(await accessibilityProblems(page)));
  };
  try {
    await page.goto(`${web.url}/sign-in`);
    await checkPage('Sign in');
    await page.getByLabel('Your email address').fill(ADMIN);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await checkPage('Check your email');
    expect(await page.getByText(`If ${ADMIN} may use leakwatch`).isVisible()).toBe(true);

    expect(await notifier.flush()).toMatchObject({ sent: 1 });
    await smtp.waitFor(1);
    const mail = smtp.received.at(-1)!;
    expect(mail.envelope.to).toEqual([ADMIN]);
    const link = new RegExp(`${PUBLIC}(/sign-in/[\\w-]+)`).exec(String(mail.parsed.text))?.[1];
    expect(link).toBeDefined();

    await page.goto(`${web.url}${link}`);
    await checkPage('Sign in to leakwatch');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await checkPage('Your organisations');
    expect(await page.getByText('You are not in any organisation yet').isVisible()).toBe(true);

    await page.getByRole('link', { name: 'Create an organisation' }).click();
    await checkPage('Create an organisation');
    await page.getByLabel('Name of the organisation').fill('Eastfield Academy');
    await page.getByRole('button', { name: 'Create' }).click();
    await checkPage('Eastfield Academy');

    await page.getByLabel('Kind').selectOption('email-domain');
    await page.getByLabel('Value').fill('eastfield.example');
    await page.getByRole('button', { name: 'Add identifier' }).click();
    await checkPage('Prove eastfield.example');
    const record = await page.getByText(/TXT {2}"leakwatch-verification=/).textContent();
    const [, name, value] = /^(\S+)\. {2}TXT {2}"(.+)"$/.exec(record ?? '') ?? [];
    expect(name).toBe('eastfield.example');
    dns.setTxt(name!, [value!]);
    await page.getByRole('button', { name: 'Check now' }).click();
    await checkPage('Eastfield Academy');
    expect(await page.getByText('eastfield.example is proven by DNS').isVisible()).toBe(true);
    const identifierRow = page.getByRole('row').filter({ hasText: 'email-domain' });
    expect(await identifierRow.getByRole('cell').nth(2).textContent()).toMatch(/^Proven \(dns, \d{4}-\d{2}-\d{2}\)$/);

    await page.getByRole('link', { name: 'Meetings' }).click();
    await checkPage('Meetings of Eastfield Academy');
    const bad = join(files.dir, 'timetable-bad.csv');
    writeFileSync(bad, 'platform,meeting_id,owner_email,title\nzoom,84512397260,maths@eastfield.example,Year 9 Maths\nzoom,12,art@eastfield.example,Art\n');
    await page.getByLabel('CSV file').setInputFiles(bad);
    await page.getByRole('button', { name: 'Import' }).click();
    await checkPage('Meetings of Eastfield Academy');
    expect(await page.getByText('nothing imported').isVisible()).toBe(true);
    expect(await page.getByRole('listitem').filter({ hasText: /row 3/ }).textContent()).toContain('meeting_id');
    expect(await page.getByText('No meetings registered yet.').isVisible()).toBe(true);
    expect(count(store.db, 'meetings')).toBe(0);

    const good = join(files.dir, 'timetable.csv');
    writeFileSync(good, 'platform,meeting_id,owner_email,title\nzoom,84512397260,maths@eastfield.example,Year 9 Maths\nzoom,84512397261,art@eastfield.example,Year 10 Art\n');
    await page.getByLabel('CSV file').setInputFiles(good);
    await page.getByRole('button', { name: 'Import' }).click();
    await checkPage('Meetings of Eastfield Academy');
    expect(await page.getByText('2 meeting(s) added, 0 updated.').isVisible()).toBe(true);
    const meetings = page.getByRole('table').getByRole('row');
    expect(await meetings.filter({ hasText: 'Year 9 Maths' }).getByRole('cell').nth(1).textContent()).toBe('84512397260');
    expect(await meetings.filter({ hasText: 'Year 10 Art' }).getByRole('cell').nth(3).textContent()).toBe('art@eastfield.example');

    const post = { id: 't3_maths', text: 'who wants to raid year 9 maths lol https://eastfield.zoom.us/j/84512397260', url: 'https://www.reddit.com/r/x/t3_maths/', author: 'student7', createdAt: new Date().toISOString() };
    const ingested = await ingestJsonLines(Readable.from([`${JSON.stringify(post)}\n`]), store.matcher, { source: 'reddit' });
    expect(ingested).toMatchObject({ posts: 1, leaks: 1 });

    await page.getByRole('link', { name: 'Leaks' }).click();
    await checkPage('Leaks of Eastfield Academy');
    expect(await page.getByText('1 leak(s)').isVisible()).toBe(true);
    const leakRow = page.getByRole('row').filter({ hasText: 'Year 9 Maths' });
    expect(await leakRow.getByRole('cell').nth(2).textContent()).not.toBe('resolved');
    await leakRow.getByRole('link', { name: 'Zoom “Year 9 Maths”' }).click();
    await checkPage(/^Zoom meeting “Year 9 Maths”/);
    expect(await page.getByRole('blockquote').textContent()).toContain('who wants to raid year 9 maths');
    expect(await page.getByText('Organiser: maths@eastfield.example').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Resolved: I rotated it' }).click();
    await checkPage(/^Zoom meeting “Year 9 Maths”/);
    expect(await page.getByText(/status resolved;/).isVisible()).toBe(true);
    const history = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'What' }) });
    const resolution = history.getByRole('row').filter({ hasText: /→ resolved/ });
    expect(await resolution.getByRole('cell').nth(1).textContent()).toBe(`web:${ADMIN}`);

    await page.getByRole('link', { name: 'Leaks of Eastfield Academy' }).click();
    await checkPage('Leaks of Eastfield Academy');
    expect(await page.getByRole('row').filter({ hasText: 'Year 9 Maths' }).getByRole('cell').nth(2).textContent()).toBe('resolved');

    expect(problems, problems.join('\n\n')).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);
