/**
 * Signed links in emails: `/a/<token>` (resolve, acknowledge, ignore a leak),
 * `/manage/<token>` and `/unsubscribe/<token>`. A token is
 * `base64url(JSON claims) . base64url(HMAC-SHA256(key, first part))`; it
 * names its action, leak, organisation and recipient, expires, and — for the
 * leak actions — works once (its nonce is recorded in `used_links`).
 *
 * The key is `LEAKWATCH_LINK_SECRET` when set, otherwise a random key kept in
 * the database, so links survive restarts either way.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/database.js';
import { installationKey } from '../store/settings.js';
import { statement } from '../store/statements.js';

export type LeakAction = 'resolve' | 'acknowledge' | 'ignore';
export type LinkAction = LeakAction | 'rotate' | 'manage' | 'unsubscribe';
export const LEAK_ACTIONS: readonly LeakAction[] = ['resolve', 'acknowledge', 'ignore'];

export interface LinkClaims {
  action: LinkAction;
  orgId: number;
  /** The leak acted on; null for manage and unsubscribe links. */
  leakId: number | null;
  recipient: string;
  /** Random; a leak action's nonce is recorded when used. */
  nonce: string;
  /** Expiry, seconds since the epoch. */
  expires: number;
}

/** Manage and unsubscribe links outlive action links: an old email's unsubscribe link must still work. */
export const RECIPIENT_LINK_DAYS = 90;

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'used' };

/** The key links are signed with. */
export function linkKey(db: Db, secret: string | undefined): Buffer {
  return secret !== undefined && secret.length > 0 ? Buffer.from(secret, 'utf8') : installationKey(db, 'link-signing');
}

function mac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function signLink(key: Buffer, claims: Omit<LinkClaims, 'nonce'> & { nonce?: string }): string {
  const body = Buffer.from(JSON.stringify({ ...claims, nonce: claims.nonce ?? randomBytes(16).toString('base64url') })).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** Checks a token's signature and expiry (not whether it was used: see {@link useLink}). */
export function verifyLink(key: Buffer, token: string, now: Date): LinkCheck {
  const [body, signature, extra] = token.split('.');
  if (body === undefined || signature === undefined || extra !== undefined || !/^[\w-]+$/.test(body) || !/^[\w-]+$/.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  // Compared as issued text, not as decoded bytes: base64url's last character
  // carries spare bits, so decoding would accept several spellings of one signature.
  const expected = Buffer.from(mac(key, body).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.expires !== 'number' || typeof claims.orgId !== 'number' || typeof claims.recipient !== 'string' || typeof claims.nonce !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** Whether a leak action's link was used already. */
export function linkUsed(db: Db, claims: LinkClaims): boolean {
  return statement(db, 'SELECT 1 FROM used_links WHERE nonce = ?').pluck().get(claims.nonce) === 1;
}

/** Records a link as used; false when it already was (two clicks racing: only one acts). */
export function useLink(db: Db, claims: LinkClaims, now: Date): boolean {
  const { changes } = statement(db, 'INSERT INTO used_links (nonce, action, used_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING').run(
    claims.nonce,
    claims.action,
    now.toISOString(),
    new Date(claims.expires * 1000).toISOString(),
  );
  return changes > 0;
}

/** Forgets used links past their expiry (they are refused as expired anyway). */
export function purgeUsedLinks(db: Db, now: Date): number {
  return statement(db, 'DELETE FROM used_links WHERE expires_at < ?').run(now.toISOString()).changes;
}

/** Builds the links of one message. */
export class LinkMaker {
  readonly #key: Buffer;
  readonly #base: string;
  readonly #ttlMs: number;

  constructor(key: Buffer, publicUrl: string, ttlHours: number) {
    this.#key = key;
    this.#base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
    this.#ttlMs = ttlHours * 3_600_000;
  }

  /** Resolve, acknowledge and ignore links for one leak and recipient. */
  leak(orgId: number, leakId: number, recipient: string, now: Date): Record<LeakAction, string> {
    const expires = Math.floor((now.getTime() + this.#ttlMs) / 1000);
    const one = (action: LeakAction) => new URL(`a/${signLink(this.#key, { action, orgId, leakId, recipient, expires })}`, this.#base).href;
    return { resolve: one('resolve'), acknowledge: one('acknowledge'), ignore: one('ignore') };
  }

  /** "Rotate it for me" for one leak and recipient: single-use, like the other leak actions. */
  rotate(orgId: number, leakId: number, recipient: string, now: Date): string {
    const expires = Math.floor((now.getTime() + this.#ttlMs) / 1000);
    return new URL(`r/${signLink(this.#key, { action: 'rotate', orgId, leakId, recipient, expires })}`, this.#base).href;
  }

  /** The recipient's manage and unsubscribe links. */
  recipient(orgId: number, recipient: string, now: Date): { manage: string; unsubscribe: string } {
    const expires = Math.floor((now.getTime() + RECIPIENT_LINK_DAYS * 86_400_000) / 1000);
    const one = (action: 'manage' | 'unsubscribe') => new URL(`${action}/${signLink(this.#key, { action, orgId, leakId: null, recipient, expires })}`, this.#base).href;
    return { manage: one('manage'), unsubscribe: one('unsubscribe') };
  }
}
