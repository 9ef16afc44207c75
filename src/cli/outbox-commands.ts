/**
 * `leakwatch outbox list|retry|flush` and `leakwatch notify test`: the
 * operator's view of the messages leakwatch owes people.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import { getOutboxRow, leasedElsewhere, listOutbox, OUTBOX_STATUSES, type OutboxMessage, type OutboxRow, type OutboxStatus, retryMessage } from '../notify/outbox.js';
import type { FlushSummary, Notifier, Outcome } from '../notify/worker.js';
import { redactUrl } from '../net/redact.js';
import { normaliseEmail } from '../registry/email-address.js';
import { describeHolder, holderInfo } from '../store/leases.js';
import { type CommandContext, openStore, printJson } from './context.js';

/** A webhook URL often is its own secret (Slack's are): shown only up to its host. */
function shownRecipient(row: Pick<OutboxRow, 'channel' | 'recipient'>): string {
  return row.channel === 'webhook' ? redactUrl(row.recipient) : row.recipient;
}

function listed(row: OutboxRow) {
  return {
    id: row.id,
    channel: row.channel,
    recipient: shownRecipient(row),
    status: row.status,
    attempts: row.attempts,
    kind: row.kind,
    leakId: row.leakId,
    orgId: row.orgId,
    subject: row.subject,
    nextAttemptAt: row.status === 'pending' || row.status === 'sending' ? row.nextAttemptAt : null,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    /** A 'sending' message's lease holder (`PID@HOST/TOKEN`); its lease runs until `nextAttemptAt`. */
    leaseHolder: row.leaseHolder,
  };
}

function idOf(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`ID must be a message number from \`outbox list\`, got "${value}"`);
  return id;
}

export function outboxListCommand(context: CommandContext, options: { status?: string; org?: string; limit?: string }): number {
  if (options.status !== undefined && !OUTBOX_STATUSES.includes(options.status as OutboxStatus)) {
    throw new UsageError(`--status must be one of ${OUTBOX_STATUSES.join(', ')}, got "${options.status}"`);
  }
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive number, got "${options.limit}"`);
  const db = openStore(context);
  try {
    const rows = listOutbox(db, { status: options.status as OutboxStatus | undefined, orgId: options.org === undefined ? undefined : idOf(options.org), limit }).map(listed);
    if (context.options.json) {
      printJson(context.io, rows);
      return 0;
    }
    const lines = rows.map(
      (r) =>
        `${String(r.id).padEnd(6)} ${r.status.padEnd(9)} ${r.kind.padEnd(12)} ${r.channel.padEnd(7)} ${r.recipient}  attempts ${r.attempts}` +
        `${r.status === 'sending' ? `, leased by ${describeHolder(holderInfo(r.leaseHolder))} until ${r.nextAttemptAt}` : r.nextAttemptAt ? `, next ${r.nextAttemptAt}` : ''}` +
        `${r.sentAt ? `, sent ${r.sentAt}` : ''}${r.lastError ? `\n       ${r.lastError}` : ''}`,
    );
    context.io.stdout.write(`${(lines.length ? lines : ['the outbox is empty']).join('\n')}\n`);
    return 0;
  } finally {
    db.close();
  }
}

export function outboxRetryCommand(context: CommandContext, id: string): number {
  const db = openStore(context);
  try {
    const row = retryMessage(db, idOf(id));
    if (context.options.json) printJson(context.io, listed(row));
    else context.io.stdout.write(`message ${row.id} queued again (same Message-ID); \`leakwatch outbox flush\` or a running \`leakwatch run\` sends it\n`);
    return 0;
  } finally {
    db.close();
  }
}

async function withNotifier<T>(context: CommandContext, work: (notifier: Notifier, db: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const db = openStore(context);
  const { Notifier } = await import('../notify/worker.js');
  const notifier = new Notifier({ db, config: context.config, secrets: context.secrets, log: context.log });
  try {
    return await work(notifier, db);
  } finally {
    notifier.close();
    db.close();
  }
}

/**
 * Sends everything due now and exits: 0 when nothing failed, 1 when a message
 * failed (it is retried later or dead). Messages another process is sending
 * (or was, when it died) are not due until their leases run out: it says
 * whose they are and when.
 */
export function outboxFlushCommand(context: CommandContext): Promise<number> {
  return withNotifier(context, async (notifier, db) => {
    const summary: FlushSummary = await notifier.flush();
    const now = Date.now();
    const leased = leasedElsewhere(db, notifier.holder.id, new Date(now)).map((group) => {
      const { id: _id, ...holder } = holderInfo(group.holder);
      return { messages: group.messages, holder, expiresAt: group.lastExpiry, expiresInMs: Date.parse(group.lastExpiry) - now, firstExpiresAt: group.firstExpiry };
    });
    if (context.options.json) printJson(context.io, { ...summary, leased });
    else {
      const lines = [
        `sent ${summary.sent}, failed and queued again ${summary.retrying}, dead ${summary.dead}, no longer needed ${summary.cancelled}, waiting ${summary.waiting}`,
        ...leased.map((group) => {
          const what = group.messages === 1 ? '1 message' : `${group.messages} messages`;
          const when = `${group.messages === 1 ? 'its lease expires' : 'the last of their leases expires'} in ${(group.expiresInMs / 1000).toFixed(1)} s (at ${group.expiresAt})`;
          const who = describeHolder({ id: null, ...group.holder });
          return group.holder.running === false
            ? `waiting for ${what} leased by ${who}: ${group.messages === 1 ? 'it goes' : 'they go'} again when ${when}`
            : `waiting for ${what} leased by ${who}, which may be sending ${group.messages === 1 ? 'it' : 'them'} now; if it has stopped, ${group.messages === 1 ? 'it goes' : 'they go'} again when ${when}`;
        }),
      ];
      context.io.stdout.write(`${lines.join('\n')}\n`);
    }
    return summary.retrying + summary.dead > 0 ? 1 : 0;
  });
}

/** What became of a sample, as `notify test` reports it. */
function testOutcome(row: OutboxRow, attempt: Outcome | 'skipped'): { outcome: 'sent' | 'failed' | 'not sent'; text: string } {
  if (row.status === 'sent') return { outcome: 'sent', text: 'sent' };
  const why = row.lastError ? ` (${row.lastError})` : '';
  if (row.status === 'dead') return { outcome: 'failed', text: `failed, refused for good${why}` };
  if (attempt === 'retrying') return { outcome: 'failed', text: `failed, not retried: a test is sent once${why}` };
  if (row.status === 'cancelled') return { outcome: 'not sent', text: `not sent${why}` };
  return { outcome: 'not sent', text: `not sent: ${row.status} by another process${why}` };
}

/**
 * Sends a sample alert by email to `--to` and to every configured webhook, at
 * once, and says what became of each: sent, failed (and why; a sample is never
 * retried), or not sent (a channel not configured). Exit 1 unless all went.
 */
export function notifyTestCommand(context: CommandContext, options: { to: string }): Promise<number> {
  const to = normaliseEmail(options.to);
  return withNotifier(context, async (notifier, db) => {
    const run = randomUUID();
    const samples: OutboxMessage[] = [
      { dedupeKey: `test:${run}:email:${to}`, channel: 'email', recipient: to, kind: 'test', payload: {} },
      ...context.config.notify.webhooks.map((webhook): OutboxMessage => ({ dedupeKey: `test:${run}:webhook:${webhook.url}`, channel: 'webhook', recipient: webhook.url, kind: 'test', payload: {} })),
    ];
    const sent = await notifier.sendNow(samples);
    // A sample that could not go stays out of the real outbox's way: it is not retried, by this or any worker.
    db.prepare(
      "UPDATE outbox SET status = 'cancelled', lease_holder = NULL WHERE kind = 'test' AND dedupe_key LIKE ? AND (status = 'pending' OR (status = 'sending' AND lease_holder = ?))",
    ).run(`test:${run}:%`, notifier.holder.id);
    const results = sent.map(({ id, outcome: attempt }) => {
      const row = getOutboxRow(db, id)!;
      const { outcome, text } = testOutcome(row, attempt);
      return { channel: row.channel, recipient: shownRecipient(row), outcome, status: row.status, attempts: row.attempts, error: row.status === 'sent' ? null : row.lastError, text };
    });
    if (context.options.json) printJson(context.io, results.map(({ text: _text, ...result }) => result));
    else for (const r of results) context.io.stdout.write(`${r.channel} ${r.recipient}: ${r.text}\n`);
    return results.every((r) => r.outcome === 'sent') ? 0 : 1;
  });
}
