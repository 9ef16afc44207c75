/**
 * Everything `leakwatch run` serves on its one port, as a Hono app that does
 * not listen (`server.ts` serves it; tests call `app.request()`):
 *
 * | path | what |
 * | --- | --- |
 * | `/a/`, `/unsubscribe/`, `/manage/`, `/verify/` | the pages behind email buttons (`email-links.ts`) |
 * | `GET`/`HEAD /healthz` | JSON health report (`health.ts`); 503 when a source is stale, the outbox backs up or the database fails |
 * | `GET /metrics` | Prometheus metrics (`../metrics.ts`) |
 * | `/static/app.css` | the one stylesheet |
 * | `/sign-in`, `/`, `/orgs/…`, `/leaks/…` | the dashboard (`sign-in.ts`, `dashboard.ts`), with `dashboard` set |
 * | `/api/v1/…`, `/api/openapi.json` | the JSON API (`../api/app.ts`), with `dashboard` set |
 *
 * Nothing a client sends may end the process: every error of a request is
 * answered (4xx for what the client got wrong, a 500 page otherwise) and
 * logged here.
 */
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createApiApp } from '../api/app.js';
import type { Logger } from '../logger.js';
import { metrics as processMetrics, type Metrics } from '../metrics.js';
import type { OnVerified } from '../registry/identifiers.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { clientAddress } from './client-address.js';
import { dashboardRoutes } from './dashboard.js';
import type { DashboardOptions } from './dashboard-deps.js';
import { emailLinkRoutes, type Rotate } from './email-links.js';
import { type ZoomWebhookDeps, zoomWebhookRoutes } from '../connect/zoom-webhooks.js';
import type { HealthCheck, HealthReport } from './health.js';
import { page } from './layout.js';
import { securityHeaders } from './security-headers.js';
import { signInRoutes } from './sign-in.js';

export interface AppDeps {
  db: Db;
  /** The key action links are signed with (`linkKey`). */
  linkKey: Buffer;
  onVerified: OnVerified;
  log: Logger;
  /** Default: the system clock. */
  clock?: () => Date;
  /** What `/healthz` reports. Without it, only whether the database answers. */
  health?: HealthCheck;
  /** What `/metrics` serves. Default: the process's ({@link processMetrics}). */
  metrics?: Metrics;
  /** The address people reach leakwatch at (`web.publicUrl`): HSTS is sent when it is https. Default: the dashboard's `settings.publicUrl`, else none (no HSTS). */
  publicUrl?: string;
  /** The dashboard (sign-in, pages). Default: none, only the email-link pages, health and metrics. */
  dashboard?: DashboardOptions;
  /** Rotates a leak's meeting through its platform connection ("Rotate it for me"). Default: none, the button's page says so. */
  rotate?: Rotate;
  /** Zoom's event notifications for connected accounts (`/hooks/zoom/ID`). Default: none (404). */
  zoomWebhooks?: Omit<ZoomWebhookDeps, 'db' | 'log' | 'clock'>;
}

/** A form body larger than this is refused with 413 (the forms of these pages are a few fields). */
export const MAX_FORM_BYTES = 8 * 1024;
/** The limit of a meeting list uploaded to import. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
const UPLOADS = /^\/orgs\/[^/]+\/meetings\/import$/;

function tooLarge(c: Context): Response {
  return c.html(page('Too much data', '<p>The form sent more than this page accepts. Nothing was changed.</p>'), 413);
}

const STYLESHEET = readFileSync(new URL('./static/app.css', import.meta.url), 'utf8');

/** The app; nothing listens until `server.ts` serves it. */
export function createApp(deps: AppDeps): Hono {
  const { db, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const meter = deps.metrics ?? processMetrics;
  const app = new Hono();

  const publicUrl = deps.publicUrl ?? deps.dashboard?.settings.publicUrl;
  app.use(securityHeaders({ https: publicUrl?.startsWith('https:') ?? false }));
  const formLimit = bodyLimit({ maxSize: MAX_FORM_BYTES, onError: tooLarge });
  const uploadLimit = bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: tooLarge });
  app.use(function limitBody(c, next) {
    // The API sets its own limits.
    if (c.req.path.startsWith('/api/')) return next();
    return (UPLOADS.test(c.req.path) ? uploadLimit : formLimit)(c, next);
  });

  // A GET route answers HEAD too, without the body.
  app.get('/healthz', function healthz(c) {
    const report = deps.health?.report() ?? databaseOnly(db, clock());
    const body = `${JSON.stringify(report, null, 2)}\n`;
    return c.body(body, report.status === 'ok' ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  app.get('/metrics', async function scrapeMetrics(c) {
    const text = await meter.scrape(db, clock());
    return c.body(text, 200, { 'content-type': meter.contentType });
  });

  app.get('/static/app.css', function stylesheet(c) {
    return c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  });

  // Browsers ask for it on every site; there is none, and a 404 would be logged in every console.
  app.get('/favicon.ico', function noFavicon(c) {
    return c.body(null, 204, { 'cache-control': 'public, max-age=86400' });
  });

  app.route('/', emailLinkRoutes({ db, linkKey: deps.linkKey, onVerified: deps.onVerified, log, clock, rotate: deps.rotate }));
  if (deps.zoomWebhooks) app.route('/', zoomWebhookRoutes({ ...deps.zoomWebhooks, db, log: log.child({ component: 'zoom-webhooks' }), clock }).routes);
  if (deps.dashboard) {
    const dashboard = { ...deps.dashboard, db, log, clock, health: deps.health };
    app.route('/', signInRoutes(dashboard));
    app.route('/', dashboardRoutes(dashboard));
  }

  // The JSON API beside the dashboard: bearer tokens, its own body limit and problem documents; the security headers above apply.
  if (deps.dashboard) {
    const { settings, verification, registration } = deps.dashboard;
    const api = createApiApp({
      db,
      log: log.child({ component: 'api' }),
      clock,
      registration,
      verification,
      clientAddress: (c) => clientAddress(c as never, settings.trustProxy),
      perToken: settings.rateLimits.apiTokenRequests,
      perAddress: settings.rateLimits.apiAddressRequests,
    });
    app.route('/api', api);
  }

  app.notFound(function notFound(c) {
    if (!['GET', 'HEAD', 'POST'].includes(c.req.method)) {
      return c.html(page('Not allowed', '<p>Only GET and POST.</p>'), 405, { allow: 'GET, POST' });
    }
    return c.html(page('Not found', '<p>There is nothing here.</p>'), 404);
  });

  app.onError(function failed(error, c) {
    if (error instanceof HTTPException && error.status < 500) return badRequest(c, error.status);
    log.error({ err: error, method: c.req.method }, 'web request failed');
    return c.html(page('Something went wrong', '<p>Nothing was changed. Try again later.</p>'), 500);
  });

  return app;
}

/** The answer to a request the client got wrong before any route could read it. */
export function badRequest(c: Context, status: number): Response {
  return c.html(page('Bad request', '<p>This request is not one leakwatch can read.</p>'), status as 400);
}

/** The report of an app made without a {@link HealthCheck}: whether the database answers. */
function databaseOnly(db: Db, now: Date): Pick<HealthReport, 'status' | 'checkedAt' | 'problems' | 'database'> {
  try {
    statement(db, 'SELECT 1').pluck().get();
    return { status: 'ok', checkedAt: now.toISOString(), problems: [], database: { ok: true, error: null, quickCheck: null } };
  } catch (error) {
    const message = (error as Error).message;
    return { status: 'unhealthy', checkedAt: now.toISOString(), problems: [`database: ${message}`], database: { ok: false, error: message, quickCheck: null } };
  }
}
