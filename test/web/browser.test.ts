/**
 * The dashboard in real Chromium: signing in by the mailed link, creating an
 * organisation, proving its domain, the stylesheet applied under the
 * Content-Security-Policy with nothing refused, no script run from what a
 * person typed, and a phone-sized screen without sideways scrolling.
 */
import { chromium, type Browser } from 'playwright';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/crawl/browser.js';
import type { WebServer } from '../../src/web/server.js';
import { tempStore, type TestStore } from '../support/store.js';
import { servedDashboard, signInLinkFor } from '../support/web.js';

const PUBLIC = 'http://leakwatch.test';
let browser: Browser;
let store: TestStore;
let web: WebServer;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => browser.close());
beforeEach(async () => {
  store = tempStore();
  web = await servedDashboard(store, PUBLIC);
});
afterEach(async () => {
  await web.close();
  store.cleanup();
});

it('signs in by the mailed link, creates an organisation and shows its DNS record, styled and with nothing refused or run', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    await page.goto(`${web.url}/sign-in`);
    await page.getByLabel('Your email address').fill('head@eastfield.example');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your email');

    await page.goto(`${web.url}${signInLinkFor(store, 'head@eastfield.example').replace(PUBLIC, '')}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your organisations');

    await page.getByRole('link', { name: 'Create an organisation' }).click();
    const name = 'Eastfield <script>alert(1)</script><img src=x onerror=alert(2)>';
    await page.getByLabel('Name of the organisation').fill(name);
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(name);

    await page.getByLabel('Kind').selectOption('email-domain');
    await page.getByLabel('Value').fill('eastfield.example');
    await page.getByRole('button', { name: 'Add identifier' }).click();
    await expect.poll(() => page.locator('code').first().textContent()).toMatch(/^eastfield\.example\. {2}TXT {2}"leakwatch-verification=[\w-]{43}"$/);

    // Evaluated in the page (strings: this project's TypeScript has no DOM types).
    expect(await page.evaluate('getComputedStyle(document.body).fontFamily')).toContain('Arial');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(243, 244, 246)');
    await page.goto(`${web.url}/`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
