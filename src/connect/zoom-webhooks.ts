/**
 * Zoom's event notifications for a connected account, at
 * `POST /hooks/zoom/<connection id>` (the "Event notification endpoint URL"
 * of the school's Zoom app; Zoom needs it public, over https):
 *
 * - every request is signed: `x-zm-signature: v0=<hex HMAC-SHA256 of
 *   "v0:<x-zm-request-timestamp>:<body>">` with the app's Secret Token;
 *   a bad or missing signature, or a timestamp more than five minutes
 *   away, is refused (401) and nothing is read;
 * - `endpoint.url_validation` is answered `{plainToken, encryptedToken}`
 *   (the HMAC of the plain token), as Zoom checks the URL;
 * - `meeting.created` / `meeting.updated`: the meeting is read again from
 *   the API (a notification of an update carries only what changed, and
 *   never trusts a passcode in it), and registered or refreshed;
 * - `meeting.deleted`: the connection's meeting of that id is removed.
 *
 * Zoom wants an answer within three seconds: the work is done after the
 * 200, in order per connection; what fails is logged, and the next
 * scheduled sync mends it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Registration } from '../match/registration.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { connectionCredential } from './connections.js';
import { providerFor } from './providers.js';
import { open, seal } from './secret-box.js';
import { type ConnectionSessions, storeUpstreamMeeting } from './sync.js';

/** Notifications older or newer than this are refused (replays). */
const MAX_SKEW_MS = 5 * 60_000;
/** A notification body larger than this is refused: Zoom's are a few kilobytes (the app's form limit, 8 KiB, applies first). */
const MAX_BODY_BYTES = 8 * 1024;
const ACTOR = 'zoom-webhook';

/** The AES binding of a connection's webhook secret: apart from its client secret's, so neither opens as the other. */
function binding(row: { org_id: number; account_id: string }) {
  return { orgId: row.org_id, provider: 'zoom-webhook', accountId: row.account_id };
}

/** Stores (or, with null, forgets) the Secret Token of a Zoom connection's app, sealed. */
export function setZoomWebhookSecret(db: Db, connectionId: number, secret: string | null, key: Buffer, actor: string, now: Date = new Date()): void {
  const row = statement(db, 'SELECT org_id, provider, account_id FROM connections WHERE id = ?').get(connectionId) as { org_id: number; provider: string; account_id: string } | undefined;
  if (!row) throw new InputError(`no connection ${connectionId}`);
  if (row.provider !== 'zoom') throw new InputError(`connection ${connectionId} is a ${row.provider} connection; only Zoom sends these notifications`);
  const trimmed = secret?.trim() ?? null;
  if (trimmed !== null && trimmed.length < 16) throw new InputError("the Secret Token is shorter than Zoom's (copy it from the app's Features page, Event Subscriptions)");
  db.transaction(() => {
    statement(db, 'UPDATE connections SET sealed_webhook_secret = ? WHERE id = ?').run(trimmed === null ? null : seal(key, trimmed, binding(row)), connectionId);
    audit(db, { actor, orgId: row.org_id, action: trimmed === null ? 'connection.webhook-secret-removed' : 'connection.webhook-secret-set', subject: `zoom ${row.account_id}`, detail: { id: connectionId }, at: now });
  })();
}

export interface ZoomWebhookDeps {
  db: Db;
  /** `LEAKWATCH_SECRET_KEY`; null: notifications are refused (nothing can be verified). */
  key: Buffer | null;
  registration: Registration;
  sessions: ConnectionSessions;
  log: Logger;
  clock?: () => Date;
}

const sign = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

interface Notification {
  event?: unknown;
  payload?: { account_id?: unknown; plainToken?: unknown; object?: { id?: unknown } };
}

/** The notification route, and a promise of every notification accepted so far being handled (for shutdown and tests). */
export function zoomWebhookRoutes(deps: ZoomWebhookDeps): { routes: Hono; settled: () => Promise<void> } {
  const { db, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const app = new Hono();
  /** Per connection, the work of its notifications, one after another. */
  const queues = new Map<number, Promise<void>>();

  app.post('/hooks/zoom/:id', async function zoomNotification(c) {
    const id = /^[1-9]\d{0,9}$/.test(c.req.param('id')) ? Number(c.req.param('id')) : null;
    const row = id === null ? undefined : (statement(db, "SELECT id, org_id, account_id, sealed_webhook_secret FROM connections WHERE id = ? AND provider = 'zoom'").get(id) as
      | { id: number; org_id: number; account_id: string; sealed_webhook_secret: string | null }
      | undefined);
    // Unknown, not Zoom, or not set up: the same 404, so nothing tells which.
    if (!row || row.sealed_webhook_secret === null || deps.key === null) return c.json({ error: 'not found' }, 404);
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_BODY_BYTES) return c.json({ error: 'too large' }, 413);
    const body = await c.req.text();
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) return c.json({ error: 'too large' }, 413);
    let secret: string;
    try {
      secret = open(deps.key, row.sealed_webhook_secret, binding(row));
    } catch (error) {
      log.error({ connection: row.id, err: (error as Error).message }, 'the Zoom webhook secret of a connection does not open');
      return c.json({ error: 'not found' }, 404);
    }
    const timestamp = c.req.header('x-zm-request-timestamp') ?? '';
    const signature = c.req.header('x-zm-signature') ?? '';
    const at = /^\d{10}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN;
    if (!Number.isFinite(at) || Math.abs(clock().getTime() - at) > MAX_SKEW_MS || !sameText(signature, `v0=${sign(secret, `v0:${timestamp}:${body}`)}`)) {
      log.warn({ connection: row.id }, 'a Zoom notification with a bad signature or timestamp was refused');
      return c.json({ error: 'bad signature' }, 401);
    }
    let note: Notification;
    try {
      note = JSON.parse(body) as Notification;
    } catch {
      return c.json({ error: 'not JSON' }, 400);
    }
    if (note.event === 'endpoint.url_validation') {
      const plain = note.payload?.plainToken;
      if (typeof plain !== 'string' || plain.length === 0 || plain.length > 200) return c.json({ error: 'no plainToken' }, 400);
      return c.json({ plainToken: plain, encryptedToken: sign(secret, plain) });
    }
    if (typeof note.payload?.account_id === 'string' && note.payload.account_id !== row.account_id) {
      log.warn({ connection: row.id }, 'a Zoom notification for another account was ignored');
      return c.json({ ok: true });
    }
    const meetingId = note.payload?.object?.id;
    const upstreamId = typeof meetingId === 'number' || typeof meetingId === 'string' ? String(meetingId) : null;
    if (!['meeting.created', 'meeting.updated', 'meeting.deleted'].includes(String(note.event)) || upstreamId === null || !/^\d{9,12}$/.test(upstreamId)) {
      return c.json({ ok: true, ignored: true });
    }
    const work = () => handle(row, String(note.event), upstreamId).catch((error: unknown) => log.warn({ connection: row.id, event: note.event, error: (error as Error).message }, 'a Zoom notification could not be applied; the next sync will'));
    queues.set(row.id, (queues.get(row.id) ?? Promise.resolve()).then(work));
    return c.json({ ok: true });
  });

  async function handle(row: { id: number; org_id: number }, event: string, upstreamId: string): Promise<void> {
    if (event === 'meeting.deleted') {
      const removed = statement(db, 'DELETE FROM meetings WHERE connection_id = ? AND origin_uid = ?').run(row.id, upstreamId).changes;
      if (removed > 0) audit(db, { actor: ACTOR, orgId: row.org_id, action: 'meeting.removed', subject: `zoom ${upstreamId}`, detail: { connection: row.id, upstream: 'deleted' }, at: clock() });
      log.info({ connection: row.id, meeting: upstreamId, removed }, 'Zoom meeting deleted upstream');
      return;
    }
    const session = deps.sessions.for(row.id, providerFor('zoom'), connectionCredential(db, row.id, deps.key!));
    const meeting = await session.meeting!(upstreamId);
    if (meeting === null) {
      statement(db, 'DELETE FROM meetings WHERE connection_id = ? AND origin_uid = ?').run(row.id, upstreamId);
      return;
    }
    const stored = db.transaction(() => storeUpstreamMeeting(db, { id: row.id, orgId: row.org_id }, meeting, deps.registration, ACTOR, clock(), ''))();
    log.info({ connection: row.id, meeting: upstreamId, created: stored.created }, 'Zoom meeting kept in step from a notification');
  }

  return { routes: app, settled: () => Promise.all(queues.values()).then(() => undefined) };
}
