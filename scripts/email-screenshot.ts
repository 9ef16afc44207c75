/**
 * Renders the sample alert email (the one `leakwatch notify test` sends) in
 * Chromium and saves a screenshot for the README: `npm run docs:screenshot`.
 * Writes docs/alert-email.png.
 */
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/crawl/browser.js';
import { sampleLeak } from '../src/notify/compose.js';
import { LinkMaker } from '../src/notify/links.js';
import { renderAlertEmail } from '../src/notify/templates.js';

const now = new Date('2026-11-28T09:41:00Z');
const links = new LinkMaker(Buffer.from('sample-key-for-the-screenshot'), 'https://leakwatch.school.example', 168);
const email = renderAlertEmail({
  kind: 'alert',
  role: 'organiser',
  recipient: 'teacher@westfield.example',
  leak: sampleLeak(now),
  links: { ...links.leak(1, 1, 'teacher@westfield.example', now), ...links.recipient(1, 'teacher@westfield.example', now) },
});
const out = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 760, height: 900 }, deviceScaleFactor: 1 });
  // No network: the email must render from itself alone.
  await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
  await page.setContent(email.html, { waitUntil: 'load' });
  await page.screenshot({ path: out('alert-email.png'), fullPage: true });
  console.log(`subject: ${email.subject}`);
  console.log(`wrote ${out('alert-email.png')}`);
} finally {
  await browser.close();
}
