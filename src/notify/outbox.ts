/**
 * The outbox: every message leakwatch owes someone is a row, queued in the
 * same transaction as whatever caused it, sent by the worker (`worker.ts`)
 * and never lost. The dedupe key makes queuing idempotent; the Message-ID is
 * fixed when the row is queued, so a message re-sent after a crash is the
 * same message to the receiving server and to the reader's mail client.
 */
import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';

export type OutboxChannel = 'email' | 'webhook';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'cancelled';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'dead', 'cancelled'];

/** What a message is; the worker renders each kind differently. */
export type OutboxKind = 'alert' | 'digest' | 'escalation' | 'verification' | 'test';

export interface OutboxMessage {
  /** Makes queuing idempotent: a second message with the same key is dropped. */
  dedupeKey: string;
  channel: OutboxChannel;
  /** An email address, or a webhook URL. */
  recipient: string;
  kind: OutboxKind;
  leakId?: number | null;
  orgId?: number | null;
  /** What rendering the message needs beyond what the database holds. */
  payload: unknown;
  /** When it may be sent; defaults to now. */
  notBefore?: Date;
}

/** A row as the worker and `outbox list` see it. */
export interface OutboxRow {
  id: number;
  dedupeKey: string;
  channel: OutboxChannel;
  recipient: string;
  kind: OutboxKind;
  leakId: number | null;
  orgId: number | null;
  payload: unknown;
  messageId: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastError: string | null;
  subject: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface RawRow {
  id: number;
  dedupe_key: string;
  channel: OutboxChannel;
  recipient: string;
  kind: OutboxKind;
  leak_id: number | null;
  org_id: number | null;
  payload: string;
  message_id: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_error: string | null;
  subject: string | null;
  created_at: string;
  sent_at: string | null;
}

function fromRaw(row: RawRow): OutboxRow {
  return {
    id: row.id,
    dedupeKey: row.dedupe_key,
    channel: row.channel,
    recipient: row.recipient,
    kind: row.kind,
    leakId: row.leak_id,
    orgId: row.org_id,
    payload: JSON.parse(row.payload) as unknown,
    messageId: row.message_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    subject: row.subject,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/**
 * Queues a message unless one with the same dedupe key exists. Returns whether
 * it was queued.
 */
export function enqueue(db: Db, message: OutboxMessage, now: Date = new Date()): boolean {
  const { changes } = statement(
    db,
    `INSERT INTO outbox (dedupe_key, channel, recipient, kind, leak_id, org_id, payload, message_id, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
  ).run(
    message.dedupeKey,
    message.channel,
    message.recipient,
    message.kind,
    message.leakId ?? null,
    message.orgId ?? null,
    JSON.stringify(message.payload),
    `<${randomUUID()}@leakwatch>`,
    (message.notBefore ?? now).toISOString(),
    now.toISOString(),
  );
  return changes > 0;
}

/**
 * Takes up to `limit` messages that are due: pending ones whose time has come,
 * and ones left 'sending' past their lease (a send interrupted by a crash).
 * Each is leased until `leaseUntil`; another worker will not take it before then.
 */
export function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number): OutboxRow[] {
  return db.transaction(() => {
    const rows = statement(
      db,
      `SELECT * FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    ).all(now.toISOString(), limit) as RawRow[];
    const lease = statement(db, "UPDATE outbox SET status = 'sending', next_attempt_at = ?, last_attempt_at = ? WHERE id = ?");
    for (const row of rows) {
      lease.run(leaseUntil.toISOString(), now.toISOString(), row.id);
      row.status = 'sending';
    }
    return rows.map(fromRaw);
  })();
}

/** Leases the given messages, if still unsent, whatever their time (`notify test` sends its samples at once). */
export function claimIds(db: Db, ids: readonly number[], now: Date, leaseUntil: Date): OutboxRow[] {
  return db.transaction(() => {
    const claimed: OutboxRow[] = [];
    for (const id of ids) {
      const row = statement(db, "SELECT * FROM outbox WHERE id = ? AND status IN ('pending', 'sending')").get(id) as RawRow | undefined;
      if (row === undefined) continue;
      statement(db, "UPDATE outbox SET status = 'sending', next_attempt_at = ?, last_attempt_at = ? WHERE id = ?").run(leaseUntil.toISOString(), now.toISOString(), id);
      claimed.push(fromRaw({ ...row, status: 'sending' }));
    }
    return claimed;
  })();
}

/** The earliest time a message is due, or null when none waits. */
export function nextDue(db: Db): Date | null {
  const at = statement(db, "SELECT min(next_attempt_at) FROM outbox WHERE status IN ('pending', 'sending')").pluck().get() as string | null;
  return at === null ? null : new Date(at);
}

export function markSent(db: Db, id: number, now: Date, subject: string | null): void {
  statement(db, "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, subject = coalesce(?, subject) WHERE id = ?").run(
    now.toISOString(),
    subject,
    id,
  );
}

/** A failed attempt: tried again at `retryAt`, or marked dead when `retryAt` is null. */
export function markFailed(db: Db, id: number, error: string, retryAt: Date | null, subject: string | null): void {
  statement(
    db,
    `UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt_at = coalesce(?, next_attempt_at), last_error = ?, subject = coalesce(?, subject)
     WHERE id = ?`,
  ).run(retryAt === null ? 'dead' : 'pending', retryAt?.toISOString() ?? null, error.slice(0, 2000), subject, id);
}

/** Not sent and never will be (nothing new for a digest, an escalation no longer needed). */
export function markCancelled(db: Db, id: number, why: string): void {
  statement(db, "UPDATE outbox SET status = 'cancelled', last_error = ? WHERE id = ?").run(why, id);
}

/** Put back without counting an attempt (e.g. the recipient's daily cap is reached). */
export function postpone(db: Db, id: number, until: Date, why: string): void {
  statement(db, "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?").run(until.toISOString(), why, id);
}

/** Replaces a row's payload, e.g. to drop a verification token once its email is sent. */
export function replacePayload(db: Db, id: number, payload: unknown): void {
  statement(db, 'UPDATE outbox SET payload = ? WHERE id = ?').run(JSON.stringify(payload), id);
}

export interface OutboxFilter {
  status?: OutboxStatus | undefined;
  orgId?: number | undefined;
  limit?: number | undefined;
}

/** Messages, newest first. */
export function listOutbox(db: Db, filter: OutboxFilter = {}): OutboxRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.status !== undefined) {
    where.push('status = ?');
    args.push(filter.status);
  }
  if (filter.orgId !== undefined) {
    where.push('org_id = ?');
    args.push(filter.orgId);
  }
  const sql = `SELECT * FROM outbox ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (db.prepare(sql).all(...args, filter.limit ?? 1000) as RawRow[]).map(fromRaw);
}

export function getOutboxRow(db: Db, id: number): OutboxRow | null {
  const row = statement(db, 'SELECT * FROM outbox WHERE id = ?').get(id) as RawRow | undefined;
  return row === undefined ? null : fromRaw(row);
}

/**
 * Queues a dead (or cancelled) message again, now, with a fresh set of
 * attempts and the same Message-ID.
 */
export function retryMessage(db: Db, id: number, now: Date = new Date()): OutboxRow {
  const row = getOutboxRow(db, id);
  if (row === null) throw new InputError(`no outbox message ${id}`);
  if (row.status !== 'dead' && row.status !== 'cancelled') {
    throw new InputError(`outbox message ${id} is ${row.status}; only dead or cancelled messages can be retried`);
  }
  statement(db, "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ?").run(now.toISOString(), id);
  return getOutboxRow(db, id)!;
}

/** Messages sent to `recipient` since `since` that count toward the daily cap, and the oldest of their send times. */
export function sentSince(db: Db, recipient: string, since: Date): { count: number; oldest: string | null } {
  const row = statement(
    db,
    "SELECT count(*) AS count, min(sent_at) AS oldest FROM outbox WHERE recipient = ? AND status = 'sent' AND sent_at > ? AND kind IN ('alert', 'digest', 'escalation')",
  ).get(recipient, since.toISOString()) as { count: number; oldest: string | null };
  return row;
}
