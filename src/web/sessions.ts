/**
 * Sign-in links and sessions of the dashboard. Both are 256-bit secrets
 * handed to the person once (in an email, in a cookie); the database keeps
 * only their SHA-256 (`../store/secret-tokens.ts`), so a copy of it signs
 * nobody in.
 */
import { timingSafeEqual } from 'node:crypto';
import { enqueue } from '../notify/outbox.js';
import { normaliseEmail } from '../registry/email-address.js';
import { ensurePerson, getPerson, type Person } from '../registry/people.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { hashSecretToken, newSecretToken } from '../store/secret-tokens.js';
import { statement } from '../store/statements.js';

export interface SessionSettings {
  /** How long a mailed sign-in link works (`web.magicLinkTtlMinutes`). */
  magicLinkTtlMinutes: number;
  /** A session ends after this many minutes without a request (`web.sessionIdleMinutes`). */
  sessionIdleMinutes: number;
  /** A session ends this many days after sign-in (`web.sessionMaxDays`). */
  sessionMaxDays: number;
  /** Base of the mailed links (`web.publicUrl`). */
  publicUrl: string;
}

const MINUTE_MS = 60_000;
/** A session's last use is written at most this often: a page view is not a write each time. */
const TOUCH_EVERY_MS = MINUTE_MS;

/**
 * Queues a sign-in link to `email` (outbox kind `sign-in`) and stores its
 * hash. Done for any valid address, known or not: the answer to the person
 * asking is the same either way.
 */
export function mailSignInLink(db: Db, email: string, settings: SessionSettings, now: Date): { expiresAt: string } {
  const address = normaliseEmail(email);
  const token = newSecretToken();
  const hash = hashSecretToken(token);
  const expiresAt = new Date(now.getTime() + settings.magicLinkTtlMinutes * MINUTE_MS).toISOString();
  db.transaction(() => {
    statement(db, 'INSERT INTO sign_in_tokens (token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)').run(hash, address, now.toISOString(), expiresAt);
    enqueue(
      db,
      {
        dedupeKey: `sign-in:${hash}`,
        channel: 'email',
        recipient: address,
        kind: 'sign-in',
        payload: { link: new URL(`sign-in/${token}`, withSlash(settings.publicUrl)).href, expiresAt, ttlMinutes: settings.magicLinkTtlMinutes },
      },
      now,
    );
  })();
  return { expiresAt };
}

export type SignInLinkState = 'valid' | 'used' | 'expired' | 'unknown';

/** Whether a sign-in link would work now; changes nothing (a GET of the link asks this). */
export function signInLinkState(db: Db, token: string, now: Date): SignInLinkState {
  const row = statement(db, 'SELECT expires_at, used_at FROM sign_in_tokens WHERE token_hash = ?').get(hashSecretToken(token)) as { expires_at: string; used_at: string | null } | undefined;
  if (row === undefined) return 'unknown';
  if (row.used_at !== null) return 'used';
  return Date.parse(row.expires_at) <= now.getTime() ? 'expired' : 'valid';
}

/** A signed-in browser, as a request sees it. */
export interface Session {
  person: Person;
  /** What every POST form of a signed-in page must carry. */
  csrf: string;
  /** The cookie's value, to end this session. */
  id: string;
}

/**
 * Uses a sign-in link (once) and starts a session for its address, the
 * person created if new. Null when the link is unknown, used or expired.
 */
export function signIn(db: Db, token: string, settings: SessionSettings, now: Date): { session: Session; maxAgeSecs: number } | null {
  return db.transaction(() => {
    const email = statement(db, 'UPDATE sign_in_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email')
      .pluck()
      .get(now.toISOString(), hashSecretToken(token), now.toISOString()) as string | undefined;
    if (email === undefined) return null;
    const person = ensurePerson(db, email, now);
    statement(db, 'UPDATE people SET last_sign_in_at = ? WHERE id = ?').run(now.toISOString(), person.id);
    const id = newSecretToken();
    const csrf = newSecretToken();
    const maxAgeSecs = settings.sessionMaxDays * 86_400;
    statement(db, 'INSERT INTO sessions (id_hash, person_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      hashSecretToken(id),
      person.id,
      csrf,
      now.toISOString(),
      now.toISOString(),
      new Date(now.getTime() + maxAgeSecs * 1000).toISOString(),
    );
    audit(db, { actor: `web:${person.email}`, action: 'person.signed-in', subject: person.email, at: now });
    return { session: { person: { ...person, lastSignInAt: now.toISOString() }, csrf, id }, maxAgeSecs };
  })();
}

/**
 * The session a cookie names, or null when it names none, ended, went idle
 * for longer than `sessionIdleMinutes`, or passed its absolute end. A session
 * found dead is deleted.
 */
export function findSession(db: Db, id: string, settings: SessionSettings, now: Date): Session | null {
  const hash = hashSecretToken(id);
  const row = statement(db, 'SELECT person_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE id_hash = ?').get(hash) as
    | { person_id: number; csrf_token: string; last_seen_at: string; expires_at: string }
    | undefined;
  if (row === undefined) return null;
  const lastSeen = Date.parse(row.last_seen_at);
  if (Date.parse(row.expires_at) <= now.getTime() || lastSeen + settings.sessionIdleMinutes * MINUTE_MS <= now.getTime()) {
    statement(db, 'DELETE FROM sessions WHERE id_hash = ?').run(hash);
    return null;
  }
  const person = getPerson(db, row.person_id);
  if (person === null) return null;
  if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) statement(db, 'UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now.toISOString(), hash);
  return { person, csrf: row.csrf_token, id };
}

/** Ends one session (sign out). */
export function endSession(db: Db, id: string): void {
  statement(db, 'DELETE FROM sessions WHERE id_hash = ?').run(hashSecretToken(id));
}

/** Ends every session of a person (sign out everywhere); how many there were. */
export function endAllSessions(db: Db, personId: number): number {
  return statement(db, 'DELETE FROM sessions WHERE person_id = ?').run(personId).changes;
}

/** Whether a form's token is the session's, compared in constant time. */
export function csrfMatches(session: Session, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(session.csrf);
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Deletes what can never sign anyone in again: sign-in links past their end
 * (a day later, so "used already" and "expired" stay told apart for a
 * while), and sessions past their absolute end or idle for too long.
 */
export function purgeSignIns(db: Db, settings: Pick<SessionSettings, 'sessionIdleMinutes'>, now: Date): { signInLinks: number; sessions: number } {
  const signInLinks = statement(db, 'DELETE FROM sign_in_tokens WHERE expires_at < ?').run(new Date(now.getTime() - 86_400_000).toISOString()).changes;
  const sessions = statement(db, 'DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(
    now.toISOString(),
    new Date(now.getTime() - settings.sessionIdleMinutes * MINUTE_MS).toISOString(),
  ).changes;
  return { signInLinks, sessions };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
