/**
 * An organisation's own webhooks: a JSON POST for each of its alerts, to an
 * address its admins give (Slack-compatible `text`). Each webhook is signed
 * with its own key, HMAC-SHA256(LEAKWATCH_WEBHOOK_SECRET, salt): the key is
 * shown when the webhook is added (and when a new one is asked for), the
 * database keeps only the salt, and one organisation's key says nothing of
 * another's. The address is checked as every URL a user gives
 * (`src/net/url-guard.ts`), when added and again when each call connects.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { InputError, NotFoundError } from '../errors.js';
import { redactUrl } from '../net/redact.js';
import { checkUserUrl, type UrlGuardOptions } from '../net/url-guard.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { getOrganisation } from './organisations.js';

/** An organisation may have this many webhooks. */
export const MAX_WEBHOOKS = 10;

export interface OrgWebhook {
  id: number;
  orgId: number;
  url: string;
  createdAt: string;
  createdBy: string;
}

interface WebhookRow {
  id: number;
  org_id: number;
  url: string;
  salt: string;
  created_at: string;
  created_by: string;
}

const toWebhook = (row: WebhookRow): OrgWebhook => ({ id: row.id, orgId: row.org_id, url: row.url, createdAt: row.created_at, createdBy: row.created_by });

/** The key one webhook's calls are signed with. */
export function webhookKey(installationSecret: string, salt: string): string {
  return createHmac('sha256', installationSecret).update(`leakwatch webhook key\0${salt}`).digest('base64url');
}

function requireSecret(secret: string | undefined): string {
  if (!secret) throw new InputError('webhooks cannot be added: LEAKWATCH_WEBHOOK_SECRET is not set on this installation, and webhooks are only sent signed (ask its operator)');
  return secret;
}

export function listWebhooks(db: Db, orgId: number): OrgWebhook[] {
  return (statement(db, 'SELECT * FROM org_webhooks WHERE org_id = ? ORDER BY id').all(orgId) as WebhookRow[]).map(toWebhook);
}

/** One organisation's webhook; another organisation's is not found. */
export function getWebhook(db: Db, orgId: number, id: number): OrgWebhook {
  const row = statement(db, 'SELECT * FROM org_webhooks WHERE id = ? AND org_id = ?').get(id, orgId) as WebhookRow | undefined;
  if (row === undefined) throw new NotFoundError(`organisation ${orgId} has no webhook ${id}`);
  return toWebhook(row);
}

/** The key a webhook's calls are signed with now, or null when it is gone. */
export function signingKeyOf(db: Db, id: number, installationSecret: string): string | null {
  const salt = statement(db, 'SELECT salt FROM org_webhooks WHERE id = ?').pluck().get(id) as string | undefined;
  return salt === undefined ? null : webhookKey(installationSecret, salt);
}

export interface AddedWebhook {
  webhook: OrgWebhook;
  /** The signing key: shown once. */
  key: string;
}

/** Adds a webhook (the URL checked as any the user gives), returning its signing key. */
export function addWebhook(db: Db, input: { orgId: number; url: string }, guard: UrlGuardOptions, installationSecret: string | undefined, actor: string, now: Date = new Date()): AddedWebhook {
  const secret = requireSecret(installationSecret);
  getOrganisation(db, input.orgId);
  const raw = input.url.trim();
  if (raw.length > 2000) throw new InputError('webhook URL: longer than 2,000 characters');
  let url: URL;
  try {
    url = checkUserUrl(raw, guard);
  } catch (error) {
    throw new InputError(`webhook URL: ${(error as Error).message}`);
  }
  if (url.hash) throw new InputError('webhook URL: a #fragment is never sent; leave it out');
  const salt = randomBytes(16).toString('base64url');
  return db.transaction(() => {
    const count = statement(db, 'SELECT count(*) FROM org_webhooks WHERE org_id = ?').pluck().get(input.orgId) as number;
    if (count >= MAX_WEBHOOKS) throw new InputError(`an organisation has at most ${MAX_WEBHOOKS} webhooks; remove one first`);
    const id = statement(db, 'INSERT INTO org_webhooks (org_id, url, salt, created_at, created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id')
      .pluck()
      .get(input.orgId, url.href, salt, now.toISOString(), actor) as number | undefined;
    if (id === undefined) throw new InputError(`webhook URL: ${redactUrl(url)} is a webhook of this organisation already`);
    // The URL of a webhook is often a secret of its own (Slack's are): the audit log names its host only.
    audit(db, { actor, orgId: input.orgId, action: 'webhook.added', subject: redactUrl(url), detail: { id }, at: now });
    return { webhook: getWebhook(db, input.orgId, id), key: webhookKey(secret, salt) };
  })();
}

/** A new signing key for a webhook: the old one stops working at once. */
export function rekeyWebhook(db: Db, input: { orgId: number; id: number }, installationSecret: string | undefined, actor: string, now: Date = new Date()): AddedWebhook {
  const secret = requireSecret(installationSecret);
  const webhook = getWebhook(db, input.orgId, input.id);
  const salt = randomBytes(16).toString('base64url');
  db.transaction(() => {
    statement(db, 'UPDATE org_webhooks SET salt = ? WHERE id = ? AND org_id = ?').run(salt, webhook.id, input.orgId);
    audit(db, { actor, orgId: input.orgId, action: 'webhook.rekeyed', subject: redactUrl(webhook.url), detail: { id: webhook.id }, at: now });
  })();
  return { webhook, key: webhookKey(secret, salt) };
}

/** Removes a webhook; calls queued for it are cancelled when their turn comes. */
export function removeWebhook(db: Db, input: { orgId: number; id: number }, actor: string, now: Date = new Date()): OrgWebhook {
  const webhook = getWebhook(db, input.orgId, input.id);
  db.transaction(() => {
    statement(db, 'DELETE FROM org_webhooks WHERE id = ? AND org_id = ?').run(webhook.id, input.orgId);
    audit(db, { actor, orgId: input.orgId, action: 'webhook.removed', subject: redactUrl(webhook.url), detail: { id: webhook.id }, at: now });
  })();
  return webhook;
}
