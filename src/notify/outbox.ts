import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';

export type OutboxChannel = 'email' | 'webhook';

export interface OutboxMessage {
  /** Makes queuing idempotent: a second message with the same key is dropped. */
  dedupeKey: string;
  channel: OutboxChannel;
  recipient: string;
  /** What the message is: 'alert', 'digest', 'escalation', 'verification', … */
  kind: string;
  leakId?: number | null;
  /** What the channel needs to render the message. */
  payload: unknown;
  /** When it may be sent; defaults to now. */
  notBefore?: Date;
}

/**
 * Queues a message unless one with the same dedupe key exists. Returns whether
 * it was queued. The Message-ID is fixed here, so a message re-sent after a
 * crash is recognisably the same message.
 */
export function enqueue(db: Db, message: OutboxMessage, now: Date = new Date()): boolean {
  const messageId = `<${randomUUID()}@leakwatch>`;
  const { changes } = statement(db, 
      `INSERT INTO outbox (dedupe_key, channel, recipient, kind, leak_id, payload, message_id, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .run(
      message.dedupeKey,
      message.channel,
      message.recipient,
      message.kind,
      message.leakId ?? null,
      JSON.stringify(message.payload),
      messageId,
      (message.notBefore ?? now).toISOString(),
      now.toISOString(),
    );
  return changes > 0;
}
