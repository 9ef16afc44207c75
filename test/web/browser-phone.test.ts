/**
 * The dashboard's pages at a phone's width (390×844) in real Chromium, each
 * checked with axe: no serious or critical accessibility violation, and no
 * sideways scrolling. (The whole flow, at desktop width, is
 * browser-flow.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { connectionSessionsFrom } from '../../src/connect/sync.js';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser } from 'playwright';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/crawl/browser.js';
import { listLeaks } from '../../src/match/leaks.js';
import type { WebServer } from '../../src/web/server.js';
import { school, tempStore, type TestStore } from '../support/store.js';
import { DEFAULTS, servedDashboard, signInLinkFor } from '../support/web.js';

const PUBLIC = 'http://leakwatch.test';
let browser: Browser;
let store: TestStore;
let web: WebServer;
let orgId: number;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => browser.close());
beforeEach(async () => {
  store = tempStore();
  orgId = school(store, 'Westfield High', 'westfield.example');
  const now = new Date();
  store.registration.addMeeting({ orgId, platform: 'zoom', meetingId: '84512397260', ownerEmail: 'it@westfield.example', title: 'Maths 7B' }, 'test', now);
  store.matcher.ingestPage([{ source: 'reddit', sourceId: 'p1', url: 'https://www.reddit.com/r/x/comments/1', author: 'student', createdAt: now.toISOString(), text: 'raid maths https://zoom.us/j/84512397260 pw 1234' }], { now });
  // With a key, so the connections page shows its forms to check.
  web = await servedDashboard(store, PUBLIC, { connections: { key: randomBytes(32), sessions: connectionSessionsFrom(DEFAULTS) } });
});
afterEach(async () => {
  await web.close();
  store.cleanup();
});

it('every main page, at a phone’s width, has no serious accessibility violation and no sideways scrolling', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await page.goto(`${web.url}/sign-in`);
    await page.getByLabel('Email address').fill('it@westfield.example');
    await page.getByRole('button', { name: /send|sign in|email/i }).click();
    await page.goto(`${web.url}${signInLinkFor(store, 'it@westfield.example').replace(PUBLIC, '')}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your organisations');

    const leakId = listLeaks(store.db, { orgId })[0]!.id;
    const problems: string[] = [];
    const meetingId = store.db.prepare('SELECT id FROM meetings WHERE org_id = ?').pluck().get(orgId) as number;
    const pages = ['/', `/orgs/${orgId}`, `/orgs/${orgId}/meetings`, `/orgs/${orgId}/meetings/${meetingId}`, `/orgs/${orgId}/leaks`, `/leaks/${leakId}`, `/orgs/${orgId}/tokens`, `/orgs/${orgId}/settings`, `/orgs/${orgId}/connections`];
    for (const path of pages) {
      await page.goto(`${web.url}${path}`);
      const { violations } = await new AxeBuilder({ page }).analyze();
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        problems.push(`${path}: ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`);
      }
      const sideways = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      if (sideways > 0) {
        const widest = await page.evaluate(`[...document.querySelectorAll('body, body *')].filter((e) => e.scrollWidth > e.clientWidth + 1 && !(e.parentElement && e.parentElement.closest('.scroll'))).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ':' + e.scrollWidth + '/' + e.clientWidth).slice(0, 8).join(', ')`);
        problems.push(`${path}: scrolls sideways by ${sideways} px (${widest})`);
      }
    }
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);
