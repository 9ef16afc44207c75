/**
 * The small web endpoint `leakwatch run` serves for the links in emails:
 *
 * | path | what |
 * | --- | --- |
 * | `GET /a/<token>` | a page asking to confirm resolve / acknowledge / ignore |
 * | `POST /a/<token>` | does it, once (the link's nonce is recorded) |
 * | `GET`/`POST /unsubscribe/<token>` | unsubscribe (the POST is RFC 8058 one-click) |
 * | `GET`/`POST /manage/<token>` | the recipient's leaks at the organisation; unsubscribe or subscribe again |
 * | `GET`/`POST /verify/<token>` | confirms control of a domain (identifier verification by email) |
 * | `GET`/`HEAD /healthz` | JSON health report (`health.ts`); 503 when a source is stale, the outbox backs up or the database fails |
 * | `GET /metrics` | Prometheus metrics (`../metrics.ts`) |
 *
 * A GET never changes anything: mail scanners (Outlook Safe Links and the
 * like) fetch every link in an email, so each action needs a button press,
 * a POST. Pages are escaped, framed by nobody, cached by nobody, and tell the
 * browser not to send the tokenised URL on as a Referer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { changeLeakStatus, type LeakStatus } from '../match/lifecycle.js';
import { isUnsubscribed } from '../notify/compose.js';
import { escapeHtml } from '../notify/html.js';
import { metrics as processMetrics, type Metrics } from '../metrics.js';
import { type LeakAction, LEAK_ACTIONS, type LinkClaims, linkUsed, useLink, verifyLink } from '../notify/links.js';
import { platformName } from '../notify/rotation.js';
import { maskMeetingId } from '../notify/templates.js';
import { confirmVerificationToken, type OnVerified } from '../registry/identifiers.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import type { HealthCheck, HealthReport } from './health.js';

export interface WebServerOptions {
  db: Db;
  /** The key action links are signed with (`linkKey`). */
  linkKey: Buffer;
  onVerified: OnVerified;
  log: Logger;
  host: string;
  port: number;
  clock?: () => Date;
  /** What `/healthz` reports. Without it, only whether the database answers. */
  health?: HealthCheck;
  /** What `/metrics` serves. Default: the process's ({@link processMetrics}). */
  metrics?: Metrics;
}

export interface WebServer {
  /** `http://host:port` as bound (port 0 becomes the real port). */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024;

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const ACTION_WORDS: Record<LeakAction, { title: string; button: string; done: string; to: LeakStatus }> = {
  resolve: { title: 'Mark this leak as resolved', button: 'I rotated it', done: 'Marked as resolved. Thank you: if the meeting is posted again, you will hear from us.', to: 'resolved' },
  acknowledge: { title: 'Acknowledge this leak', button: 'Acknowledge', done: 'Acknowledged. Your admins will not be alerted about it; remember to rotate the meeting.', to: 'acknowledged' },
  ignore: { title: 'Not ours, or public on purpose', button: 'Not ours / public on purpose', done: 'Marked as ignored. No more emails about this leak.', to: 'ignored' },
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · leakwatch</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2937;background:#f3f4f6;margin:0;padding:32px 16px">
<main style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px 32px;box-shadow:0 1px 3px rgba(0,0,0,.1)">
<p style="margin:0 0 18px;font-size:13px;letter-spacing:.08em;text-transform:uppercase;color:#6b7280">leakwatch</p>
<h1 style="font-size:22px;margin:0 0 16px">${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

const BUTTON = 'display:inline-block;border:0;border-radius:6px;padding:11px 20px;font-size:15px;background:#1d4ed8;color:#ffffff;cursor:pointer';

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, HEADERS).end(html);
}

function refusal(response: ServerResponse, reason: 'malformed' | 'bad-signature' | 'expired' | 'used'): void {
  const text = {
    malformed: [400, 'This link is not valid', 'The link is incomplete or damaged. Open it from the email again, or copy the whole address.'],
    'bad-signature': [403, 'This link is not valid', 'The link was changed or was not made by this leakwatch. Nothing was done.'],
    expired: [410, 'This link has expired', 'For safety, the links in our emails work for a limited time. Nothing was done; newer emails carry fresh links, or ask your IT admin.'],
    used: [409, 'This link was used already', 'Each link works once, and this one has done its job. Nothing more was done.'],
  } as const;
  const [status, title, body] = text[reason];
  send(response, status, page(title, `<p>${escapeHtml(body)}</p>`));
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new InputError('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

interface LeakSummary {
  id: number;
  org_name: string;
  platform: string;
  meeting_id: string;
  title: string | null;
  status: LeakStatus;
  severity: string;
  meeting_ref: number | null;
}

function leakSummary(db: Db, claims: LinkClaims): LeakSummary | undefined {
  return statement(
    db,
    `SELECT l.id, o.name AS org_name, l.platform, l.meeting_id, m.title, l.status, l.severity, l.meeting_ref
     FROM leaks l JOIN organisations o ON o.id = l.org_id LEFT JOIN meetings m ON m.id = l.meeting_ref
     WHERE l.id = ? AND l.org_id = ?`,
  ).get(claims.leakId, claims.orgId) as LeakSummary | undefined;
}

function describe(leak: LeakSummary): string {
  const meeting = leak.title ? `“${leak.title}” (${maskMeetingId(leak.meeting_id)})` : maskMeetingId(leak.meeting_id);
  return `${platformName(leak.platform)} meeting ${meeting} of ${leak.org_name}`;
}

/** Starts the endpoint; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { db, log } = options;
  const clock = options.clock ?? (() => new Date());
  const meter = options.metrics ?? processMetrics;
  meter.collectProcessMetrics();

  function checked(response: ServerResponse, token: string, actions: readonly string[]): LinkClaims | null {
    const check = verifyLink(options.linkKey, token, clock());
    if (!check.ok) {
      refusal(response, check.reason);
      return null;
    }
    if (!actions.includes(check.claims.action)) {
      refusal(response, 'malformed');
      return null;
    }
    return check.claims;
  }

  async function leakAction(request: IncomingMessage, response: ServerResponse, token: string): Promise<void> {
    const claims = checked(response, token, LEAK_ACTIONS);
    if (claims === null) return;
    const words = ACTION_WORDS[claims.action as LeakAction];
    const leak = leakSummary(db, claims);
    if (leak === undefined) return send(response, 404, page('Leak not found', '<p>This leak no longer exists. Nothing was done.</p>'));
    if (linkUsed(db, claims)) return refusal(response, 'used');
    if (request.method === 'GET') {
      const reason =
        claims.action === 'ignore'
          ? `<p><label><input type="radio" name="reason" value="not ours" checked> This meeting is not ours</label><br>
<label><input type="radio" name="reason" value="public on purpose"> It is public on purpose${leak.meeting_ref !== null ? ' (no alerts about this meeting again)' : ''}</label></p>`
          : '';
      return send(
        response,
        200,
        page(
          words.title,
          `<p>${escapeHtml(describe(leak))}: severity <strong>${escapeHtml(leak.severity)}</strong>, now <strong>${escapeHtml(leak.status)}</strong>.</p>
<form method="post">${reason}<button type="submit" style="${BUTTON}">${escapeHtml(words.button)}</button></form>
<p style="color:#6b7280;font-size:13px;margin-top:18px">This link works once.</p>`,
        ),
      );
    }
    const form = await readForm(request);
    const reason = claims.action === 'ignore' ? (form.get('reason') === 'public on purpose' ? 'public on purpose' : 'not ours') : undefined;
    const now = clock();
    const actor = `email:${claims.recipient}`;
    try {
      db.transaction(() => {
        if (!useLink(db, claims, now)) throw new UsedLink();
        changeLeakStatus(db, { orgId: claims.orgId, leakId: leak.id, to: words.to, actor, reason }, now);
        if (reason === 'public on purpose' && leak.meeting_ref !== null) {
          statement(db, 'UPDATE meetings SET public = 1 WHERE id = ? AND org_id = ?').run(leak.meeting_ref, claims.orgId);
          audit(db, { actor, orgId: claims.orgId, action: 'meeting.allow-listed', subject: `meeting ${leak.meeting_ref}`, detail: { leak: leak.id }, at: now });
        }
      })();
    } catch (error) {
      if (error instanceof UsedLink) return refusal(response, 'used');
      if (error instanceof InputError) return send(response, 409, page('Nothing to do', `<p>${escapeHtml(error.message)}.</p>`));
      throw error;
    }
    log.info({ leak: leak.id, action: claims.action, by: claims.recipient }, 'leak changed from an email link');
    send(response, 200, page('Done', `<p>${escapeHtml(describe(leak))}</p><p>${escapeHtml(words.done)}</p>`));
  }

  async function unsubscribe(request: IncomingMessage, response: ServerResponse, token: string): Promise<void> {
    const claims = checked(response, token, ['unsubscribe']);
    if (claims === null || orgGone(response, claims)) return;
    const org = orgName(claims.orgId);
    if (request.method === 'GET') {
      return send(
        response,
        200,
        page(
          'Unsubscribe',
          `<p>Stop leakwatch alerts and digests about ${escapeHtml(org)} to ${escapeHtml(claims.recipient)}?</p>
<p style="color:#6b7280;font-size:14px">Leaked links of your meetings will still be shown to your organisation's admins, who may contact you.</p>
<form method="post"><button type="submit" style="${BUTTON}">Unsubscribe</button></form>`,
        ),
      );
    }
    await readForm(request);
    setSubscribed(claims, false);
    send(response, 200, page('Unsubscribed', `<p>${escapeHtml(claims.recipient)} will get no more alerts or digests about ${escapeHtml(org)}.</p>`));
  }

  function orgName(orgId: number): string {
    return (statement(db, 'SELECT name FROM organisations WHERE id = ?').pluck().get(orgId) as string | undefined) ?? 'this organisation';
  }

  /** Links in a sample email (`leakwatch notify test`) or of a deleted organisation lead nowhere. */
  function orgGone(response: ServerResponse, claims: LinkClaims): boolean {
    if (statement(db, 'SELECT 1 FROM organisations WHERE id = ?').pluck().get(claims.orgId) === 1) return false;
    send(response, 404, page('Nothing to manage', '<p>This link belongs to a sample email or to an organisation that is no longer registered. Nothing was changed.</p>'));
    return true;
  }

  function setSubscribed(claims: LinkClaims, subscribed: boolean): void {
    const now = clock();
    db.transaction(() => {
      const changed = subscribed
        ? statement(db, 'DELETE FROM unsubscribes WHERE org_id = ? AND email = ?').run(claims.orgId, claims.recipient).changes
        : statement(db, 'INSERT INTO unsubscribes (org_id, email, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(claims.orgId, claims.recipient, now.toISOString()).changes;
      if (changed > 0) {
        audit(db, { actor: `email:${claims.recipient}`, orgId: claims.orgId, action: subscribed ? 'recipient.subscribed' : 'recipient.unsubscribed', subject: claims.recipient, at: now });
      }
    })();
  }

  async function manage(request: IncomingMessage, response: ServerResponse, token: string): Promise<void> {
    const claims = checked(response, token, ['manage']);
    if (claims === null || orgGone(response, claims)) return;
    if (request.method === 'POST') {
      const form = await readForm(request);
      setSubscribed(claims, form.get('subscribe') === 'yes');
    }
    const unsubscribed = isUnsubscribed(db, claims.orgId, claims.recipient);
    const leaks = statement(
      db,
      `SELECT l.id, o.name AS org_name, l.platform, l.meeting_id, m.title, l.status, l.severity, l.meeting_ref
       FROM leaks l JOIN organisations o ON o.id = l.org_id LEFT JOIN meetings m ON m.id = l.meeting_ref
       WHERE l.org_id = ? AND l.id IN (SELECT leak_id FROM outbox WHERE org_id = ? AND recipient = ? AND leak_id IS NOT NULL)
       ORDER BY l.last_seen DESC LIMIT 100`,
    ).all(claims.orgId, claims.orgId, claims.recipient) as LeakSummary[];
    const rows = leaks
      .map((l) => `<tr><td style="padding:6px 8px;border-top:1px solid #e5e7eb">${escapeHtml(platformName(l.platform))}</td><td style="padding:6px 8px;border-top:1px solid #e5e7eb">${escapeHtml(l.title ?? maskMeetingId(l.meeting_id))}</td><td style="padding:6px 8px;border-top:1px solid #e5e7eb">${escapeHtml(l.severity)}</td><td style="padding:6px 8px;border-top:1px solid #e5e7eb">${escapeHtml(l.status)}</td></tr>`)
      .join('');
    send(
      response,
      200,
      page(
        `Your alerts at ${orgName(claims.orgId)}`,
        `<p>${escapeHtml(claims.recipient)} is <strong>${unsubscribed ? 'unsubscribed from' : 'subscribed to'}</strong> alerts and digests.</p>
<form method="post"><input type="hidden" name="subscribe" value="${unsubscribed ? 'yes' : 'no'}"><button type="submit" style="${BUTTON}">${unsubscribed ? 'Subscribe again' : 'Unsubscribe'}</button></form>
<h2 style="font-size:17px;margin:24px 0 8px">Leaks we told you about</h2>
${leaks.length === 0 ? '<p>None.</p>' : `<table style="border-collapse:collapse;width:100%;font-size:14px"><tr><th align="left" style="padding:6px 8px">Platform</th><th align="left" style="padding:6px 8px">Meeting</th><th align="left" style="padding:6px 8px">Severity</th><th align="left" style="padding:6px 8px">Status</th></tr>${rows}</table>`}`,
      ),
    );
  }

  async function verify(request: IncomingMessage, response: ServerResponse, token: string): Promise<void> {
    if (request.method === 'GET') {
      return send(
        response,
        200,
        page('Confirm your domain', `<p>Confirm that your organisation controls this domain, so that leakwatch may alert its people about leaked meeting links.</p><form method="post"><button type="submit" style="${BUTTON}">Confirm</button></form>`),
      );
    }
    await readForm(request);
    try {
      const identifier = confirmVerificationToken(db, token, 'email-link', options.onVerified, clock());
      send(response, 200, page('Confirmed', `<p>${escapeHtml(identifier.value)} is verified. Its people can now receive leakwatch alerts.</p>`));
    } catch (error) {
      if (error instanceof InputError) return send(response, 410, page('This link does not work', `<p>${escapeHtml(error.message)}.</p>`));
      throw error;
    }
  }

  async function respond(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const [, route, token, extra] = path.split('/');
    if (path === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) return healthz(request, response);
    if (path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
      const text = await meter.scrape(db, clock());
      response.writeHead(200, { 'content-type': meter.contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      response.writeHead(405, { ...HEADERS, allow: 'GET, POST' }).end(page('Not allowed', '<p>Only GET and POST.</p>'));
      return;
    }
    if (token === undefined || token === '' || extra !== undefined) return send(response, 404, page('Not found', '<p>There is nothing here.</p>'));
    if (route === 'a') return leakAction(request, response, token);
    if (route === 'unsubscribe') return unsubscribe(request, response, token);
    if (route === 'manage') return manage(request, response, token);
    if (route === 'verify') return verify(request, response, token);
    send(response, 404, page('Not found', '<p>There is nothing here.</p>'));
  }

  function healthz(request: IncomingMessage, response: ServerResponse): void {
    const report = options.health?.report() ?? databaseOnly(db, clock());
    const body = `${JSON.stringify(report, null, 2)}\n`;
    response
      .writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
      .end(request.method === 'HEAD' ? undefined : body);
  }

  function failed(response: ServerResponse, error: unknown, status: number): void {
    log.error({ err: error, status }, 'web request failed');
    if (!response.headersSent) send(response, status, page('Something went wrong', '<p>Nothing was changed. Try again later.</p>'));
    else response.end();
  }

  // Nothing a client sends may end the process: every error of a request is answered and logged here.
  const server: Server = createServer(function handle(request, response) {
    response.once('finish', () => meter.httpResponse(response.statusCode));
    const path = requestPath(request.url);
    if (path === null) return send(response, 400, page('Bad request', '<p>The address of this request is not valid.</p>'));
    let pending: Promise<void>;
    try {
      pending = respond(request, response, path);
    } catch (error) {
      return failed(response, error, 500);
    }
    pending.catch((error: unknown) => failed(response, error, error instanceof InputError ? 413 : 500));
  });
  server.on('clientError', function clientError(error: NodeJS.ErrnoException, socket) {
    log.warn({ code: error.code, reason: error.message }, 'malformed HTTP request refused');
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      meter.httpResponse(Number(status.slice(0, 3)));
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The report of a server started without a {@link HealthCheck}: whether the database answers. */
function databaseOnly(db: Db, now: Date): Pick<HealthReport, 'status' | 'checkedAt' | 'problems' | 'database'> {
  try {
    statement(db, 'SELECT 1').pluck().get();
    return { status: 'ok', checkedAt: now.toISOString(), problems: [], database: { ok: true, error: null, quickCheck: null } };
  } catch (error) {
    const message = (error as Error).message;
    return { status: 'unhealthy', checkedAt: now.toISOString(), problems: [`database: ${message}`], database: { ok: false, error: message, quickCheck: null } };
  }
}

/**
 * The path of a request target, without query or fragment; null when the
 * target is not a path this server answers (`*`, `host:port`, a bad
 * absolute URL). Read by hand: `new URL()` throws on targets such as `//[`.
 */
export function requestPath(target: string | undefined): string | null {
  if (target === undefined) return null;
  let path = target;
  const absolute = /^https?:\/\/[^/?#]*/i.exec(path);
  if (absolute !== null) path = path.slice(absolute[0].length) || '/';
  if (!path.startsWith('/')) return null;
  const end = path.search(/[?#]/);
  return end < 0 ? path : path.slice(0, end);
}

class UsedLink extends Error {}
