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
export type OutboxKind = 'alert' | 'digest' | 'escalation' | 'verification' | 'sign-in' | 'invitation' | 'test' | 'connection-failed' | 'rotated';

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
  /** Whose send lease a 'sending' row is under (`PID@HOST/TOKEN`); null otherwise. */
  leaseHolder: string | null;
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
  lease_holder: string | null;
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
    leaseHolder: row.status === 'sending' ? row.lease_holder : null,
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
 * Up to `limit` messages due now, oldest first: pending ones whose time has
 * come, and 'sending' ones whose lease ran out (their worker died or stalled
 * mid-send). Nothing is leased: each is leased by {@link leaseMessage} when
 * its send starts, so a message waiting in a worker's queue is free for
 * another worker to take.
 */
export function dueIds(db: Db, now: Date, limit: number): number[] {
  return statement(db, "SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?")
    .pluck()
    .all(now.toISOString(), limit) as number[];
}

/**
 * Leases one message for its send, until `until`, if it is still due (or,
 * with `anyTime`, pending whatever its time) or already this holder's; returns
 * it, or null when it is not to be sent by this holder now (sent meanwhile,
 * or leased by another worker). One statement: of two workers, one gets it.
 */
export function leaseMessage(db: Db, id: number, holder: string, now: Date, until: Date, options: { anyTime?: boolean } = {}): OutboxRow | null {
  const at = now.toISOString();
  const row = statement(
    db,
    `UPDATE outbox SET status = 'sending', lease_holder = ?, next_attempt_at = ?, last_attempt_at = ?
     WHERE id = ? AND CASE status WHEN 'pending' THEN ? OR next_attempt_at <= ? WHEN 'sending' THEN next_attempt_at <= ? OR lease_holder = ? ELSE 0 END
     RETURNING *`,
  ).get(holder, until.toISOString(), at, id, options.anyTime ? 1 : 0, at, at, holder) as RawRow | undefined;
  return row === undefined ? null : fromRaw(row);
}

/** Extends this holder's send lease; false when the message is no longer leased by it. */
export function renewMessageLease(db: Db, id: number, holder: string, until: Date): boolean {
  return statement(db, "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'sending' AND lease_holder = ?").run(until.toISOString(), id, holder).changes > 0;
}

/** Messages whose send lease another holder has, per holder: how many and when their leases run out. */
export function leasedElsewhere(db: Db, holder: string, now: Date): { holder: string | null; messages: number; firstExpiry: string; lastExpiry: string }[] {
  return (
    statement(
      db,
      `SELECT lease_holder AS holder, count(*) AS messages, min(next_attempt_at) AS firstExpiry, max(next_attempt_at) AS lastExpiry
       FROM outbox WHERE status = 'sending' AND next_attempt_at > ? AND lease_holder IS NOT ? GROUP BY lease_holder ORDER BY min(next_attempt_at)`,
    ).all(now.toISOString(), holder) as { holder: string | null; messages: number; firstExpiry: string; lastExpiry: string }[]
  );
}

/** The earliest time a message is due, or null when none waits. */
export function nextDue(db: Db): Date | null {
  const at = statement(db, "SELECT min(next_attempt_at) FROM outbox WHERE status IN ('pending', 'sending')").pluck().get() as string | null;
  return at === null ? null : new Date(at);
}

/** The message went: whoever's lease it was under, it is sent. */
export function markSent(db: Db, id: number, now: Date, subject: string | null): void {
  statement(db, "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, subject = coalesce(?, subject), lease_holder = NULL WHERE id = ?").run(
    now.toISOString(),
    subject,
    id,
  );
}

/*
 * The ends of an attempt that sent nothing change a row only while `holder`
 * still leases it: a worker whose lease ran out must not undo the send of
 * the worker that took the row over. Each returns whether it did.
 */

/** A failed attempt: tried again at `retryAt`, or marked dead when `retryAt` is null. */
export function markFailed(db: Db, id: number, holder: string, error: string, retryAt: Date | null, subject: string | null): boolean {
  return (
    statement(
      db,
      `UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt_at = coalesce(?, next_attempt_at), last_error = ?, subject = coalesce(?, subject), lease_holder = NULL
       WHERE id = ? AND status = 'sending' AND lease_holder = ?`,
    ).run(retryAt === null ? 'dead' : 'pending', retryAt?.toISOString() ?? null, error.slice(0, 2000), subject, id, holder).changes > 0
  );
}

/** Not sent and never will be (nothing new for a digest, an escalation no longer needed). */
export function markCancelled(db: Db, id: number, holder: string, why: string): boolean {
  return statement(db, "UPDATE outbox SET status = 'cancelled', last_error = ?, lease_holder = NULL WHERE id = ? AND status = 'sending' AND lease_holder = ?").run(why, id, holder).changes > 0;
}

/** Put back without counting an attempt (e.g. the recipient's daily cap is reached). */
export function postpone(db: Db, id: number, holder: string, until: Date, why: string): boolean {
  return (
    statement(db, "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, lease_holder = NULL WHERE id = ? AND status = 'sending' AND lease_holder = ?").run(
      until.toISOString(),
      why,
      id,
      holder,
    ).changes > 0
  );
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
