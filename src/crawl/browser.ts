import type { Browser, Page, Route } from 'playwright';
import { BlockedError, RetryableError } from './errors.js';
import { checkUserUrl } from '../net/url-guard.js';

/** The system Chromium (DESIGN.md §6): Playwright's own browsers are never downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** What the configuration's `http` section decides for rendered pages too. */
export interface BrowserSettings {
  /** Render pages on loopback, private and link-local addresses (`http.allowPrivateHosts`). Default false. */
  allowPrivateHosts: boolean;
  /** Longest one page may take to load (`http.timeoutMs`). Default 15000. */
  timeoutMs: number;
}

export interface HeadlessBrowserOptions extends Partial<BrowserSettings> {
  /** Sent with every request; default Chromium's own. */
  userAgent?: string;
  /** Pages one Chromium renders before it is closed and a fresh one started (its memory creeps). Default 100. */
  maxPagesPerBrowser?: number;
  /** After the load event, the DOM must stay unchanged this long before the page is read (scripts that render late). Default 500. */
  quietMs?: number;
  /** Default {@link CHROMIUM_PATH}. */
  executablePath?: string;
}

export interface RenderedPage {
  /** Where the page ended up after redirects. */
  url: string;
  status: number | null;
  /** `document.body.innerText` once scripts have rendered. */
  text: string;
  /** Every `a[href]` after rendering, resolved against the page. */
  links: string[];
}

/** The longest the wait for late rendering may take, whatever the timeout left. */
const MAX_SETTLE_MS = 5_000;

/**
 * Renders pages in the system Chromium for sources whose posts appear only
 * after JavaScript runs. One Chromium at a time, started on the first page
 * and replaced after `maxPagesPerBrowser` pages; a fresh context per page,
 * closed whatever happens. Every URL the page requests is checked like a
 * user-supplied one (no literal private addresses unless allowed). Render
 * one page at a time.
 */
export class HeadlessBrowser {
  #options: Required<Omit<HeadlessBrowserOptions, 'userAgent'>> & { userAgent?: string };
  #browser: Promise<Browser> | null = null;
  #pages = 0;

  constructor(options: HeadlessBrowserOptions = {}) {
    this.#options = { allowPrivateHosts: false, timeoutMs: 15_000, maxPagesPerBrowser: 100, quietMs: 500, executablePath: CHROMIUM_PATH, ...withoutUndefined(options) };
  }

  /** Loads `rawUrl`, waits for scripts to render, and reads its text and links. Throws the errors of `errors.ts`. */
  async render(rawUrl: string, { signal }: { signal?: AbortSignal } = {}): Promise<RenderedPage> {
    const url = this.#check(rawUrl);
    signal?.throwIfAborted();
    const browser = await this.#acquire();
    const context = await browser.newContext({ userAgent: this.#options.userAgent, serviceWorkers: 'block', acceptDownloads: false });
    const abort = () => void context.close().catch(() => undefined);
    signal?.addEventListener('abort', abort, { once: true });
    // page.evaluate has no timeout of its own: a page whose scripts never yield would hold the crawl for ever.
    const limitMs = this.#options.timeoutMs + MAX_SETTLE_MS + 5_000;
    let overran = false;
    const watchdog = setTimeout(() => {
      overran = true;
      abort();
    }, limitMs);
    try {
      await context.route('**/*', (route) => this.#guard(route));
      const page = await context.newPage();
      const deadline = Date.now() + this.#options.timeoutMs;
      const status = await this.#load(page, url, signal);
      this.#check(page.url());
      await this.#settle(page, deadline);
      const { text, links } = (await page.evaluate(READ_PAGE)) as { text: string; links: string[] };
      return { url: page.url(), status, text: text.trim(), links: [...new Set(links)] };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (overran) throw new RetryableError(`${url.href}: page did not finish rendering within ${limitMs} ms`, null, { cause: error });
      throw error;
    } finally {
      clearTimeout(watchdog);
      signal?.removeEventListener('abort', abort);
      await context.close().catch(() => undefined);
    }
  }

  /** Closes Chromium; the next page starts a new one. */
  async close(): Promise<void> {
    const browser = this.#browser;
    this.#browser = null;
    this.#pages = 0;
    if (browser) await (await browser.catch(() => null))?.close();
  }

  #check(rawUrl: string): URL {
    try {
      return checkUserUrl(rawUrl, this.#options);
    } catch (error) {
      throw new BlockedError((error as Error).message, null, { cause: error });
    }
  }

  async #acquire(): Promise<Browser> {
    if (this.#pages >= this.#options.maxPagesPerBrowser) await this.close();
    // A Chromium that crashed is replaced rather than asked for contexts it cannot give.
    if (this.#browser && !(await this.#browser.catch(() => null))?.isConnected()) await this.close();
    this.#pages++;
    // Playwright is loaded on first use: only the rendered-page crawler needs it, and it is large.
    this.#browser ??= import('playwright')
      .then(({ chromium }) => chromium.launch({ executablePath: this.#options.executablePath, args: CHROMIUM_ARGS }))
      .catch((error: Error) => {
        this.#browser = null;
        throw new Error(`could not start Chromium at ${this.#options.executablePath}: ${error.message.split('\n')[0]}`, { cause: error });
      });
    return this.#browser;
  }

  /**
   * Every request of the page (subresources, fetches, frames) is checked as a
   * user-supplied URL: a literal private address or localhost is refused. A
   * name that resolves to one is not caught here, since Chromium resolves
   * names itself, nor is the target of a redirect, which Playwright does not
   * route; `render` refuses a page that ends up on one.
   */
  async #guard(route: Route): Promise<void> {
    const requested = route.request().url();
    try {
      if (/^https?:/i.test(requested)) checkUserUrl(requested, this.#options);
    } catch {
      return route.abort('blockedbyclient').catch(() => undefined);
    }
    return route.continue().catch(() => undefined);
  }

  async #load(page: Page, url: URL, signal?: AbortSignal): Promise<number | null> {
    const { timeoutMs } = this.#options;
    let response;
    try {
      response = await page.goto(url.href, { waitUntil: 'load', timeout: timeoutMs });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof Error && error.name === 'TimeoutError') throw new RetryableError(`${url.href}: page did not load within ${timeoutMs} ms`, null, { cause: error });
      throw new RetryableError(`${url.href}: ${(error as Error).message.split('\n')[0]}`, null, { cause: error });
    }
    const status = response?.status() ?? null;
    if (status !== null && (status >= 500 || status === 429)) throw new RetryableError(`${url.href}: HTTP ${status}`, status);
    if (status !== null && status >= 400) throw new BlockedError(`${url.href}: HTTP ${status}`, status);
    return status;
  }

  /** Network idle, then a DOM that has stopped changing: both bounded, since some pages never stop. */
  async #settle(page: Page, deadline: number): Promise<void> {
    const budget = () => Math.max(0, Math.min(MAX_SETTLE_MS, deadline - Date.now()));
    await page.waitForLoadState('networkidle', { timeout: budget() || 1 }).catch(() => undefined);
    const quietMs = this.#options.quietMs;
    const maxMs = budget();
    await page.evaluate(`new Promise((resolve) => {
      let timer;
      const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, ${quietMs}); });
      const cap = setTimeout(done, ${maxMs});
      function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(); }
      observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      timer = setTimeout(done, ${quietMs});
    })`);
  }
}

/** Runs in the page: what a visitor sees, and where every link goes. */
const READ_PAGE = `(() => ({
  text: document.body ? document.body.innerText : (document.documentElement ? document.documentElement.textContent || '' : ''),
  links: Array.from(document.querySelectorAll('a[href]'), (a) => {
    try { return new URL(a.getAttribute('href'), document.baseURI).href; } catch { return ''; }
  }).filter(Boolean),
}))()`;

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
