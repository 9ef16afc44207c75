import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { linkKey } from '../../src/notify/links.js';
import { createApp } from '../../src/web/app.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import type { HealthCheck } from '../../src/web/health.js';
import type { UrlGuardOptions } from '../../src/net/url-guard.js';
import type { DashboardConnections } from '../../src/web/dashboard-connections.js';
import type { NotifyDefaults } from '../../src/registry/org-settings.js';
import { FakeClock } from './notify.js';
import { type TestStore, VERIFICATION } from './store.js';

export const DEFAULTS = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8')) as Config;

export const PUBLIC_URL = 'https://leakwatch.test';

/** The shipped `web.*` settings with an https public address, and test overrides. */
export function webSettings(overrides: Partial<Config['web']> = {}): Config['web'] {
  return { ...DEFAULTS.web, publicUrl: PUBLIC_URL, ...overrides };
}

export interface TestWeb {
  app: Hono;
  clock: FakeClock;
}

/** The whole app with the dashboard, on the store's database, at a clock the test moves. */
export function dashboardApp(
  store: TestStore,
  options: { web?: Partial<Config['web']>; dnsServers?: string[]; clock?: FakeClock; health?: HealthCheck; webhookSecret?: string; urlGuard?: UrlGuardOptions; notify?: NotifyDefaults; connections?: DashboardConnections } = {},
): TestWeb {
  const clock = options.clock ?? new FakeClock('2026-09-01T12:00:00.000Z');
  const settings = webSettings(options.web);
  const app = createApp({
    db: store.db,
    linkKey: linkKey(store.db, undefined),
    onVerified: store.registration.onVerified,
    log: createLogger({ level: 'silent' }),
    clock: clock.read,
    health: options.health,
    dashboard: {
      settings,
      verification: { ...VERIFICATION, publicUrl: settings.publicUrl, dnsServers: options.dnsServers, dnsTimeoutMs: 1000 },
      registration: store.registration,
      urlGuard: options.urlGuard,
      notify: options.notify,
      webhooks: { secret: options.webhookSecret, timeoutMs: 2000, userAgent: 'leakwatch-test' },
      connections: options.connections,
    },
  });
  return { app, clock };
}

/** The app with the dashboard served on loopback, port 0, as `leakwatch run` serves it. */
export function servedDashboard(store: TestStore, publicUrl: string, options: { dnsServers?: string[]; connections?: DashboardConnections } = {}): Promise<WebServer> {
  const settings = webSettings({ publicUrl });
  return startWebServer({
    db: store.db,
    linkKey: linkKey(store.db, undefined),
    onVerified: store.registration.onVerified,
    log: createLogger({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    app: {
      dashboard: {
        settings,
        verification: { ...VERIFICATION, publicUrl, ...(options.dnsServers ? { dnsServers: options.dnsServers, dnsTimeoutMs: 1000 } : {}) },
        registration: store.registration,
        connections: options.connections,
      },
    },
  });
}

/** A browser's cookies for one site, as `Set-Cookie` left them (attributes ignored but Max-Age=0). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('=').trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A browser on the app: keeps cookies, posts forms, finds the CSRF token of the last page. */
export class Browser {
  readonly jar = new CookieJar();
  readonly #app: Hono;
  /** The client address the app sees (`env.incoming.socket.remoteAddress`). */
  ip: string;
  lastBody = '';

  constructor(app: Hono, ip = '192.0.2.10') {
    this.#app = app;
    this.ip = ip;
  }

  async get(path: string): Promise<{ status: number; body: string; response: Response }> {
    return this.#send(path, { method: 'GET' });
  }

  /** Posts a URL-encoded form; `csrf: true` adds the token of the last page fetched. */
  async post(path: string, form: Record<string, string> = {}, options: { csrf?: boolean } = {}): Promise<{ status: number; body: string; response: Response }> {
    const fields = options.csrf === false ? form : { csrf: this.csrf(), ...form };
    return this.#send(path, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async send(path: string, init: RequestInit): Promise<{ status: number; body: string; response: Response }> {
    return this.#send(path, init);
  }

  /** The CSRF token in the last page's forms ('' when none). */
  csrf(): string {
    return /name="csrf" value="([^"]+)"/.exec(this.lastBody)?.[1] ?? '';
  }

  async #send(path: string, init: RequestInit): Promise<{ status: number; body: string; response: Response }> {
    const headers = new Headers(init.headers);
    if (this.jar.cookies.size > 0) headers.set('cookie', this.jar.header());
    const response = await this.#app.request(path, { ...init, headers }, { incoming: { socket: { remoteAddress: this.ip } } });
    this.jar.store(response);
    const body = await response.text();
    if (response.headers.get('content-type')?.startsWith('text/html')) this.lastBody = body;
    return { status: response.status, body, response };
  }
}

/** The link of the newest sign-in email queued to `email`, relative to the app. */
export function signInLinkFor(store: TestStore, email: string): string {
  const payload = store.db.prepare("SELECT payload FROM outbox WHERE kind = 'sign-in' AND recipient = ? ORDER BY id DESC LIMIT 1").pluck().get(email) as string | undefined;
  if (payload === undefined) throw new Error(`no sign-in email queued to ${email}`);
  return (JSON.parse(payload) as { link: string }).link.replace(PUBLIC_URL, '');
}

/** Signs `email` in through the real flow (ask, mailed link, button) and returns the browser. */
export async function signedIn(web: TestWeb, store: TestStore, email: string, ip?: string): Promise<Browser> {
  const browser = new Browser(web.app, ip);
  const asked = await browser.post('/sign-in', { email }, { csrf: false });
  if (asked.status !== 200) throw new Error(`sign-in of ${email} answered ${asked.status}`);
  const link = signInLinkFor(store, email);
  await browser.get(link);
  const done = await browser.post(link, { nonce: /name="nonce" value="([^"]+)"/.exec(browser.lastBody)![1]! }, { csrf: false });
  if (done.status !== 303) throw new Error(`sign-in link of ${email} answered ${done.status}`);
  await browser.get('/');
  return browser;
}
