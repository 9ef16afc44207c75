import type { Browser, BrowserContext, Page, Request, Route } from 'playwright';
import { guardedFetch, ResponseTooLargeError } from '../net/guarded-fetch.js';
import { BlockedUrlError, checkUserUrl, type UrlGuardOptions } from '../net/url-guard.js';
import { BlockedError, RetryableError } from './errors.js';
import { SinkholeProxy } from './sinkhole-proxy.js';

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
  /** `host:port` pairs loaded even though private (`http.allowHosts`). Default none. */
  allowHosts: readonly string[];
  /** DNS servers names are resolved with (`http.dnsServers`). Default none: the system's resolver. */
  dnsServers: readonly string[];
  /** Longest one page may take to load (`http.timeoutMs`). Default 15000. */
  timeoutMs: number;
  /** Largest response to any one request of the page, after decompression (`http.maxResponseBytes`). Default 10 MiB. */
  maxResponseBytes: number;
  /** Redirects followed for the page and for each of its requests (`http.maxRedirects`). Default 5. */
  maxRedirects: number;
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
 * Added to every response handed to Chromium (a second policy only narrows
 * the page's own): fetch, XHR, EventSource and beacons may use http(s),
 * which comes through the route, and data: and blob:, which stay inside
 * Chromium, but not ws: or wss:, which the route never sees. Workers take it
 * from their script's response or, when made from a blob:, from the page.
 */
const CONNECT_POLICY = 'connect-src http: https: data: blob:';

/**
 * Chromium's network settings besides {@link CHROMIUM_ARGS}: every
 * connection it opens itself goes to the {@link SinkholeProxy}, loopback
 * included (Chromium bypasses a proxy for loopback unless told not to), and
 * WebRTC may not send UDP around it.
 */
function networkArgs(proxyUrl: string): string[] {
  return [`--proxy-server=${proxyUrl}`, '--proxy-bypass-list=<-loopback>', '--force-webrtc-ip-handling-policy=disable_non_proxied_udp'];
}

/**
 * Renders pages in the system Chromium for sources whose posts appear only
 * after JavaScript runs. One Chromium at a time, started on the first page
 * and replaced after `maxPagesPerBrowser` pages; a fresh context per page,
 * closed whatever happens. Render one page at a time.
 *
 * Chromium never reaches the network itself. Every request it makes (the
 * page, frames, subresources, fetch and XHR) is answered by `context.route`
 * from a request leakwatch makes with {@link guardedFetch}: the URL is
 * checked, the name resolved and its addresses checked once, by us, at
 * connection time, and the response capped in size and time. Redirects are
 * followed by us, each hop checked the same way (the page's own by
 * navigating to the new URL). data: and blob: stay inside Chromium; every
 * other scheme is refused. WebSockets are refused three times over:
 * `context.routeWebSocket` answers the page's without a server,
 * {@link CONNECT_POLICY} forbids them to workers too, and whatever still
 * leaves Chromium outside the route lands on the {@link SinkholeProxy}.
 */
export class HeadlessBrowser {
  #options: Required<Omit<HeadlessBrowserOptions, 'userAgent'>> & { userAgent?: string };
  #browser: Promise<Browser> | null = null;
  #sinkhole: SinkholeProxy | null = null;
  #pages = 0;

  constructor(options: HeadlessBrowserOptions = {}) {
    this.#options = {
      allowPrivateHosts: false,
      allowHosts: [],
      dnsServers: [],
      timeoutMs: 15_000,
      maxResponseBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
      maxPagesPerBrowser: 100,
      quietMs: 500,
      executablePath: CHROMIUM_PATH,
      ...withoutUndefined(options),
    };
  }

  /** Loads `rawUrl`, waits for scripts to render, and reads its text and links. Throws the errors of `errors.ts`. */
  async render(rawUrl: string, { signal }: { signal?: AbortSignal } = {}): Promise<RenderedPage> {
    const url = this.#check(rawUrl);
    signal?.throwIfAborted();
    const browser = await this.#acquire();
    const context = await browser.newContext({ userAgent: this.#options.userAgent, serviceWorkers: 'block', acceptDownloads: false });
    // Ends the page's requests still under way when the page is done with, however it ends.
    const requests = new AbortController();
    const abort = () => void context.close().catch(() => undefined);
    signal?.addEventListener('abort', abort, { once: true });
    // page.evaluate has no timeout of its own: a page whose scripts never yield would hold the crawl for ever.
    const limitMs = this.#options.timeoutMs + MAX_SETTLE_MS + 5_000;
    let overran = false;
    const watchdog = setTimeout(() => {
      overran = true;
      abort();
    }, limitMs);
    const navigations = new Navigations();
    try {
      await this.#routeEverything(context, navigations, requests.signal, limitMs);
      const page = await context.newPage();
      const deadline = Date.now() + this.#options.timeoutMs;
      const status = await this.#load(page, url, navigations, deadline, signal);
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
      requests.abort();
      await context.close().catch(() => undefined);
    }
  }

  /** Closes Chromium; the next page starts a new one. */
  async close(): Promise<void> {
    const browser = this.#browser;
    const sinkhole = this.#sinkhole;
    this.#browser = null;
    this.#sinkhole = null;
    this.#pages = 0;
    if (browser) await (await browser.catch(() => null))?.close();
    await sinkhole?.close();
  }

  get #guardOptions(): UrlGuardOptions {
    const { allowPrivateHosts, allowHosts, dnsServers } = this.#options;
    return { allowPrivateHosts, allowHosts, dnsServers };
  }

  #check(rawUrl: string): URL {
    try {
      return checkUserUrl(rawUrl, this.#guardOptions);
    } catch (error) {
      throw new BlockedError((error as Error).message, null, { cause: error });
    }
  }

  async #acquire(): Promise<Browser> {
    if (this.#pages >= this.#options.maxPagesPerBrowser) await this.close();
    // A Chromium that crashed is replaced rather than asked for contexts it cannot give.
    if (this.#browser && !(await this.#browser.catch(() => null))?.isConnected()) await this.close();
    this.#pages++;
    this.#browser ??= this.#launch();
    return this.#browser;
  }

  async #launch(): Promise<Browser> {
    try {
      this.#sinkhole ??= await SinkholeProxy.start();
      // Playwright is loaded on first use: only the rendered-page crawler needs it, and it is large.
      const { chromium } = await import('playwright');
      return await chromium.launch({ executablePath: this.#options.executablePath, args: [...CHROMIUM_ARGS, ...networkArgs(this.#sinkhole.url)] });
    } catch (error) {
      this.#browser = null;
      throw new Error(`could not start Chromium at ${this.#options.executablePath}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }

  /** Puts every request and WebSocket of the context's pages under the guard (see the class comment). */
  async #routeEverything(context: BrowserContext, navigations: Navigations, signal: AbortSignal, timeoutMs: number): Promise<void> {
    await context.routeWebSocket(/./, (socket) => socket.close({ code: 1008, reason: 'leakwatch does not open WebSockets from rendered pages' }));
    await context.route('**/*', (route) => this.#fulfil(route, navigations, signal, timeoutMs));
  }

  /**
   * Answers one of Chromium's requests from our own guarded requests. A
   * request gets as long as the whole page, not `timeoutMs` of its own: a
   * slow script is the page's timeout to report, and none outlives its page.
   *
   * Redirects: Playwright does not route the request Chromium makes after a
   * 3xx (it would go to the sinkhole proxy and fail), so they are followed
   * here, each hop checked, up to `maxRedirects`. The page itself is the
   * exception: its redirect is handed to {@link HeadlessBrowser.#load}, which
   * navigates to the new URL, so that the page has its real address and
   * relative links resolve against it.
   */
  async #fulfil(route: Route, navigations: Navigations, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const request = route.request();
    const requested = request.url();
    const scheme = schemeOf(requested);
    if (scheme === 'data:' || scheme === 'blob:') return route.continue().catch(() => undefined);
    const page = mainFramePage(request);
    const refuse = (reason: string) => {
      if (page) navigations.refused(page, reason);
      return route.abort('blockedbyclient').catch(() => undefined);
    };
    if (scheme !== 'http:' && scheme !== 'https:') return refuse(`${requested}: only http and https URLs are fetched, not ${scheme ?? 'a relative URL'}`);

    let current = requested;
    let method = request.method();
    let body = request.postDataBuffer();
    let headers = request.headers();
    let response;
    for (let redirects = 0; ; redirects++) {
      try {
        response = await guardedFetch(current, { guard: this.#guardOptions, method, headers, body, timeoutMs, maxResponseBytes: this.#options.maxResponseBytes, signal });
      } catch (error) {
        if (error instanceof BlockedUrlError || error instanceof ResponseTooLargeError) return refuse((error as Error).message);
        return route.abort((error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 'timedout' : 'failed').catch(() => undefined);
      }
      const location = response.headers.location;
      if (response.status < 300 || response.status >= 400 || !location) break;
      let next: string;
      try {
        next = checkUserUrl(new URL(location, current).href, this.#guardOptions).href;
      } catch (error) {
        return refuse(`${current} redirects to ${location}: ${(error as Error).message}`);
      }
      if (page) {
        navigations.redirected(page, next);
        return route.abort('aborted').catch(() => undefined);
      }
      if (redirects >= this.#options.maxRedirects) return refuse(`${requested}: more than ${this.#options.maxRedirects} redirects`);
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
      }
      // Chromium's cookies were for the first origin; another origin does not get them.
      if (new URL(next).origin !== new URL(current).origin) headers = withoutCredentials(headers);
      current = next;
    }
    const policy = response.headers['content-security-policy'];
    const answer = { ...response.headers, 'content-security-policy': policy ? `${policy}, ${CONNECT_POLICY}` : CONNECT_POLICY };
    return route.fulfill({ status: response.status, headers: answer, body: response.body }).catch(() => undefined);
  }

  /** Navigates to the page, following its redirects (see {@link HeadlessBrowser.#fulfil}); the status of the page it ends on. */
  async #load(page: Page, url: URL, navigations: Navigations, deadline: number, signal?: AbortSignal): Promise<number | null> {
    const { timeoutMs, maxRedirects } = this.#options;
    let response;
    let target = url.href;
    for (let redirects = 0; ; redirects++) {
      try {
        response = await page.goto(target, { waitUntil: 'load', timeout: Math.max(1, deadline - Date.now()) });
        break;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const outcome = navigations.take(page);
        if (outcome?.refusal) throw new BlockedError(outcome.refusal, null, { cause: error });
        if (outcome?.redirect) {
          if (redirects >= maxRedirects) throw new BlockedError(`${url.href}: more than ${maxRedirects} redirects`, null, { cause: error });
          target = outcome.redirect;
          continue;
        }
        if (error instanceof Error && error.name === 'TimeoutError') throw new RetryableError(`${url.href}: page did not load within ${timeoutMs} ms`, null, { cause: error });
        throw new RetryableError(`${url.href}: ${(error as Error).message.split('\n')[0]}`, null, { cause: error });
      }
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

/**
 * What became of the last navigation of each page that the route did not
 * answer: refused by the guard (the page then fails as blocked, with the
 * guard's reason, not as a network error), or redirected (`#load` goes on to
 * the new URL).
 */
class Navigations {
  #outcomes = new Map<Page, { refusal?: string; redirect?: string }>();

  refused(page: Page, reason: string): void {
    this.#outcomes.set(page, { refusal: reason });
  }

  redirected(page: Page, url: string): void {
    this.#outcomes.set(page, { redirect: url });
  }

  /** The outcome, forgotten once read. */
  take(page: Page): { refusal?: string; redirect?: string } | undefined {
    const outcome = this.#outcomes.get(page);
    this.#outcomes.delete(page);
    return outcome;
  }
}

/** The page whose top-level document `request` is, or null for every other request (frames, subresources, workers'). */
function mainFramePage(request: Request): Page | null {
  if (!request.isNavigationRequest()) return null;
  try {
    const frame = request.frame();
    return frame.parentFrame() === null ? frame.page() : null;
  } catch {
    // A service worker's request has no frame (service workers are blocked anyway).
    return null;
  }
}

/** `http:`, `data:`…, lower case; undefined when the URL has no scheme. */
function schemeOf(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !['cookie', 'authorization'].includes(name.toLowerCase())));
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
