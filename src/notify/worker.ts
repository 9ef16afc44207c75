/**
 * The outbox worker: sends what is due, retries what may pass with
 * exponential backoff and jitter, marks the rest dead, and never sends a
 * message twice on purpose. A row is leased when its send starts (not when
 * it joins the worker's queue) and the lease is renewed while it is sent, so
 * another worker — a second daemon on the same database, `outbox flush` —
 * takes only what nobody is sending; a row whose lease ran out (the process
 * died mid-send) goes again with the same Message-ID, so the receiving side
 * sees one message, not two different ones.
 *
 * `leakwatch run` keeps one running (`start`/`stop`); `leakwatch outbox
 * flush` calls `flush` once.
 */
import { redactUrl, redactUrlsIn } from '../net/redact.js';
import PQueue from 'p-queue';
import type { Config, Secrets } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { FailureStreak, type FailureBackoff } from '../schedule/failure-streak.js';
import type { Db } from '../store/database.js';
import { Heartbeat, type LeaseHolder, leaseHolder } from '../store/leases.js';
import { errorLine, sqliteErrorOf } from '../store/sqlite-errors.js';
import { statement } from '../store/statements.js';
import { compose, type Composed, orgWebhookOf } from './compose.js';
import { signingKeyOf } from '../registry/webhooks.js';
import { LinkMaker, linkKey } from './links.js';
import {
  dueIds,
  enqueue,
  leaseMessage,
  markCancelled,
  markFailed,
  markSent,
  nextDue,
  type OutboxMessage,
  type OutboxRow,
  postpone,
  renewMessageLease,
  replacePayload,
  sentSince,
} from './outbox.js';
import { classifySmtpError, type FailureVerdict, type MailTransport, smtpTransport } from './smtp.js';
import { classifyWebhookError, postWebhook } from './webhook.js';

export interface NotifierOptions {
  db: Db;
  config: Pick<Config, 'notify' | 'mail' | 'web' | 'http' | 'leases'>;
  secrets: Secrets;
  log: Logger;
  /** Defaults to SMTP at `LEAKWATCH_SMTP_URL` or `mail.smtpUrl`; null when neither is set (email then waits). */
  mailer?: MailTransport | null;
  clock?: () => Date;
  /** In [0, 1): the jitter of retry delays. */
  random?: () => number;
  /** How `start`'s loop waits after a failure it cannot handle (the database): doubling from 1 s up to 60 s by default. */
  errorBackoff?: FailureBackoff;
  /** Who leases the messages this worker sends. Default: a holder of its own. */
  holder?: LeaseHolder;
}

export interface FlushSummary {
  sent: number;
  /** Failed, and queued again for later. */
  retrying: number;
  dead: number;
  cancelled: number;
  /** Held back without an attempt: the channel is not configured, or the recipient reached the daily cap. */
  waiting: number;
}

export type Outcome = keyof FlushSummary;

/** What became of a message a worker meant to send: an outcome, or skipped (another worker leased it first, or the batch stopped). */
type Attempt = Outcome | 'skipped';

/** A batch of sends stops at the first failure of the database: the messages after it are not even leased. */
interface Batch {
  failure: { error: unknown } | null;
}

/** A message the server took whose row could not be marked sent. */
interface Unmarked {
  row: OutboxRow;
  subject: string;
  sentAt: Date;
  /** Keeps its lease while it waits to be marked, so no other worker sends it again. */
  heartbeat: Heartbeat;
}

/** Thrown by a delivery that went out but could not be recorded. */
class SentNotMarked extends Error {
  constructor(
    readonly subject: string,
    readonly sentAt: Date,
    options: ErrorOptions,
  ) {
    super('sent, but not marked sent', options);
  }
}

/** Kinds the daily cap applies to (a verification email or a test is never held back). */
const CAPPED = new Set(['alert', 'digest', 'escalation']);
const DAY_MS = 86_400_000;
/** Kinds whose payload carries a link that works as a credential (a verification or sign-in link). */
const CREDENTIALS = new Set(['verification', 'sign-in']);

/** The delay before attempt `attempts + 1`: base × 2^(attempts − 1), capped, the upper half of it random ("equal jitter"). */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number, random: number): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + (full / 2) * random);
}

export class Notifier {
  readonly #db: Db;
  readonly #config: NotifierOptions['config'];
  readonly #secrets: Secrets;
  readonly #log: Logger;
  readonly #mailer: MailTransport | null;
  readonly #ownsMailer: boolean;
  readonly #clock: () => Date;
  readonly #random: () => number;
  readonly #errorBackoff: FailureBackoff;
  readonly #holder: LeaseHolder;
  readonly #links: LinkMaker;
  readonly #queue: PQueue;
  readonly #warned = new Set<string>();
  /** Capped messages being sent now, per recipient: counted against the cap with those already sent. */
  readonly #inFlight = new Map<string, number>();
  /**
   * Sent while the database refused to record it, by row id: never sent again
   * by this worker, and marked sent as soon as the database takes writes.
   */
  readonly #unmarked = new Map<number, Unmarked>();
  #running: Promise<void> | null = null;
  #stopping = false;
  /** Ends the loop's current wait. */
  #interrupt: (() => void) | null = null;
  /** The loop waits out a failure: a wake-up must not cut its backoff short. */
  #backingOff = false;

  constructor(options: NotifierOptions) {
    this.#db = options.db;
    this.#config = options.config;
    this.#secrets = options.secrets;
    this.#log = options.log.child({ component: 'notifier' });
    this.#clock = options.clock ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#errorBackoff = options.errorBackoff ?? {};
    this.#holder = options.holder ?? leaseHolder();
    const smtpUrl = options.secrets.smtpUrl ?? options.config.mail.smtpUrl;
    if (options.mailer !== undefined) {
      this.#mailer = options.mailer;
      this.#ownsMailer = false;
    } else {
      this.#mailer = smtpUrl ? smtpTransport(smtpUrl, { maxConnections: options.config.notify.concurrency, timeoutMs: Math.min(60_000, options.config.notify.sendTimeoutMs / 2) }) : null;
      this.#ownsMailer = true;
    }
    this.#links = new LinkMaker(linkKey(this.#db, options.secrets.linkSecret), options.config.web.publicUrl, options.config.notify.linkTtlHours);
    this.#queue = new PQueue({ concurrency: options.config.notify.concurrency });
  }

  /** Whose leases this worker's sends are under. */
  get holder(): LeaseHolder {
    return this.#holder;
  }

  /**
   * Sends everything due now; messages that fail again, or must wait, are
   * left for later. Throws the first database error it meets (after the sends
   * already under way end), having sent nothing it could not lease.
   */
  async flush(): Promise<FlushSummary> {
    const summary: FlushSummary = { sent: 0, retrying: 0, dead: 0, cancelled: 0, waiting: 0 };
    this.#markUnmarked();
    const size = this.#config.notify.concurrency * 8;
    for (;;) {
      if (this.#stopping) break;
      const ids = dueIds(this.#db, this.#clock(), size).filter((id) => !this.#unmarked.has(id));
      if (ids.length === 0) break;
      const batch: Batch = { failure: null };
      const attempts = await Promise.all(ids.map((id) => this.#queue.add(() => this.#attempt(id, batch))));
      for (const attempt of attempts) if (attempt !== 'skipped') summary[attempt]++;
      if (batch.failure !== null) throw batch.failure.error;
    }
    return summary;
  }

  /**
   * Queues the given messages and sends them at once, whatever their time
   * (`notify test` sends its samples so); returns each one's row and outcome.
   * They are leased as they are queued, so no other worker sends them first.
   */
  async sendNow(messages: readonly OutboxMessage[]): Promise<{ id: number; outcome: Outcome | 'skipped' }[]> {
    const now = this.#clock();
    const ids = this.#db
      .transaction(() =>
        messages.map((message) => {
          enqueue(this.#db, message, now);
          const id = statement(this.#db, 'SELECT id FROM outbox WHERE dedupe_key = ?').pluck().get(message.dedupeKey) as number;
          leaseMessage(this.#db, id, this.#holder.id, now, this.#leaseUntil(), { anyTime: true });
          return id;
        }),
      )
      .immediate();
    const batch: Batch = { failure: null };
    const outcomes = await Promise.all(ids.map(async (id) => ({ id, outcome: await this.#queue.add(() => this.#attempt(id, batch, { anyTime: true })) })));
    if (batch.failure !== null) throw batch.failure.error;
    return outcomes;
  }

  /** Closes the SMTP pool (when this notifier opened it). */
  close(): void {
    this.#forgetUnmarked();
    if (this.#ownsMailer) this.#mailer?.close();
  }

  /** Runs `flush` whenever something is due, until {@link stop}. */
  start(): void {
    if (this.#running !== null) return;
    this.#stopping = false;
    this.#running = this.#loop();
  }

  /** Looks for due messages now instead of at the next poll (unless the worker is backing off after a failure). */
  wake(): void {
    if (!this.#backingOff) this.#interrupt?.();
  }

  /** Finishes the sends in flight, stops, and closes the SMTP pool. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#interrupt?.();
    await this.#running;
    this.#running = null;
    await this.#queue.onIdle();
    this.#forgetUnmarked();
    if (this.#ownsMailer) this.#mailer?.close();
  }

  /**
   * Nothing in here may end the process: a failure (a full disk, a damaged
   * index) is logged once per streak and the next try waits longer each time.
   */
  async #loop(): Promise<void> {
    const streak = new FailureStreak(this.#log, 'outbox worker', this.#errorBackoff);
    while (!this.#stopping) {
      let waitMs: number;
      try {
        const summary = await this.flush();
        if (summary.sent + summary.retrying + summary.dead + summary.cancelled > 0) this.#log.info(summary, 'outbox flushed');
        waitMs = this.#untilDue();
        streak.succeeded();
      } catch (error) {
        waitMs = streak.failed(error);
      }
      if (this.#stopping) break;
      this.#backingOff = streak.failing;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#interrupt = null;
      this.#backingOff = false;
    }
    streak.end();
  }

  /** How long until the next message is due, at most one poll interval. */
  #untilDue(): number {
    const due = nextDue(this.#db);
    const poll = this.#config.notify.pollIntervalMs;
    return due === null ? poll : Math.max(10, Math.min(poll, due.getTime() - this.#clock().getTime()));
  }

  #leaseUntil(): Date {
    return new Date(this.#clock().getTime() + this.#config.leases.ttlMs);
  }

  /**
   * Leases a message as its send starts (nothing is sent unless the lease is
   * written), renews the lease while it is sent, and delivers it.
   */
  async #attempt(id: number, batch: Batch, options: { anyTime?: boolean } = {}): Promise<Attempt> {
    if (this.#stopping || batch.failure !== null) return 'skipped';
    let row: OutboxRow | null;
    try {
      row = leaseMessage(this.#db, id, this.#holder.id, this.#clock(), this.#leaseUntil(), options);
    } catch (error) {
      batch.failure ??= { error };
      return 'skipped';
    }
    if (row === null) return 'skipped';
    const heartbeat = new Heartbeat({
      everyMs: Math.max(1, Math.floor(this.#config.leases.ttlMs / 3)),
      renew: () => renewMessageLease(this.#db, id, this.#holder.id, this.#leaseUntil()),
      log: this.#log.child({ id, kind: row.kind }),
      what: `the send lease of outbox message ${id}`,
    });
    let leaseKept = false;
    try {
      return await this.#deliver(row);
    } catch (error) {
      if (error instanceof SentNotMarked) {
        this.#unmarked.set(row.id, { row, subject: error.subject, sentAt: error.sentAt, heartbeat });
        leaseKept = true;
        this.#log.warn(
          { id: row.id, kind: row.kind, messageId: row.messageId, error: errorLine(error.cause) },
          'sent, but could not be marked sent: the database refused the write; this worker will not send it again and marks it sent once the database takes writes',
        );
      }
      batch.failure ??= { error: error instanceof SentNotMarked ? error.cause : error };
      return 'skipped';
    } finally {
      if (!leaseKept) heartbeat.stop();
    }
  }

  /** Marks sent what went out while the database refused writes; throws while it still refuses. */
  #markUnmarked(): void {
    for (const [id, unmarked] of this.#unmarked) {
      this.#sent(unmarked.row, unmarked.subject, unmarked.sentAt);
      unmarked.heartbeat.stop();
      this.#unmarked.delete(id);
      this.#log.info({ id, messageId: unmarked.row.messageId, sentAt: unmarked.sentAt.toISOString() }, 'marked sent now that the database takes writes again');
    }
  }

  /** On the way out: one last try to mark what went out; what still cannot be marked is said so, and goes again when its lease runs out. */
  #forgetUnmarked(): void {
    if (this.#unmarked.size === 0) return;
    try {
      this.#markUnmarked();
    } catch (error) {
      const messageIds = [...this.#unmarked.values()].map((u) => u.row.messageId);
      this.#log.error(
        { messageIds, error: errorLine(error) },
        `${messageIds.length} message(s) went out but could not be marked sent before stopping; once their leases run out they go again, with the same Message-ID`,
      );
      for (const unmarked of this.#unmarked.values()) unmarked.heartbeat.stop();
      this.#unmarked.clear();
    }
  }

  /** Warns once per cause, not once per message. */
  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#log.warn(message);
  }

  async #deliver(row: OutboxRow): Promise<Outcome> {
    const now = this.#clock();
    let composed: Composed;
    try {
      composed = compose({ db: this.#db, links: this.#links, now }, row);
    } catch (error) {
      // A database that cannot be read is not a message that cannot be rendered.
      if (sqliteErrorOf(error) !== null) throw error;
      return this.#failed(row, { retry: true, reason: `could not render: ${(error as Error).message}` }, null);
    }
    if ('cancel' in composed) {
      markCancelled(this.#db, row.id, this.#holder.id, composed.cancel);
      this.#log.debug({ id: row.id, kind: row.kind, why: composed.cancel }, 'message no longer owed');
      return 'cancelled';
    }
    const later = new Date(now.getTime() + this.#config.notify.pollIntervalMs);
    if (composed.channel === 'email') {
      if (this.#mailer === null) {
        this.#warnOnce('smtp', 'emails are waiting in the outbox: no SMTP server is configured (LEAKWATCH_SMTP_URL or mail.smtpUrl)');
        postpone(this.#db, row.id, this.#holder.id, later, 'no SMTP server configured');
        return 'waiting';
      }
      const capped = this.#capped(row, now);
      if (capped !== null) {
        postpone(this.#db, row.id, this.#holder.id, capped.until, `daily cap of ${capped.cap} messages to ${row.recipient} reached`);
        return 'waiting';
      }
      const counted = CAPPED.has(row.kind);
      if (counted) this.#inFlight.set(row.recipient, (this.#inFlight.get(row.recipient) ?? 0) + 1);
      try {
        await this.#mailer.send({
          from: this.#config.mail.from,
          replyTo: this.#config.mail.replyTo,
          to: row.recipient,
          subject: composed.subject,
          text: composed.email.text,
          html: composed.email.html,
          messageId: row.messageId,
          headers: composed.headers,
        });
      } catch (error) {
        return this.#failed(row, classifySmtpError(error), composed.subject);
      } finally {
        if (counted) this.#inFlight.set(row.recipient, this.#inFlight.get(row.recipient)! - 1);
      }
      this.#recordSent(row, composed.subject);
      return 'sent';
    } else {
      const installationSecret = this.#secrets.webhookSecret;
      const webhookId = orgWebhookOf(row);
      // An organisation's own webhook is signed with its own key, derived from the installation's secret.
      const secret = installationSecret && webhookId !== null ? signingKeyOf(this.#db, webhookId, installationSecret) : installationSecret;
      if (installationSecret && secret === null) {
        markCancelled(this.#db, row.id, this.#holder.id, 'the organisation removed this webhook');
        return 'cancelled';
      }
      if (!secret) {
        this.#warnOnce('webhook', 'webhook calls are waiting in the outbox: LEAKWATCH_WEBHOOK_SECRET is not set, and webhooks are only sent signed');
        postpone(this.#db, row.id, this.#holder.id, later, 'LEAKWATCH_WEBHOOK_SECRET is not set');
        return 'waiting';
      }
      try {
        await postWebhook(row.recipient, composed.body, {
          secret,
          timeoutMs: this.#config.http.timeoutMs,
          allowPrivateHosts: this.#config.http.allowPrivateHosts,
          allowHosts: this.#config.http.allowHosts,
          dnsServers: this.#config.http.dnsServers,
          userAgent: this.#config.http.userAgent,
          delivery: row.messageId,
          now,
        });
      } catch (error) {
        return this.#failed(row, classifyWebhookError(error), composed.subject);
      }
      this.#recordSent(row, composed.subject);
      return 'sent';
    }
  }

  /** After a send: marks it, or throws SentNotMarked when the database refuses. */
  #recordSent(row: OutboxRow, subject: string): void {
    const sentAt = this.#clock();
    try {
      this.#sent(row, subject, sentAt);
    } catch (error) {
      throw new SentNotMarked(subject, sentAt, { cause: error });
    }
  }

  /**
   * When a capped message may go, or null when it may go now. Critical alerts
   * are never held back. The cap is the organisation's own daily cap when its
   * admins set one, `notify.dailyCap` otherwise.
   */
  #capped(row: OutboxRow, now: Date): { until: Date; cap: number } | null {
    if (!CAPPED.has(row.kind)) return null;
    if (row.leakId !== null && statement(this.#db, 'SELECT severity FROM leaks WHERE id = ?').pluck().get(row.leakId) === 'critical') return null;
    const own = row.orgId === null ? null : (statement(this.#db, 'SELECT daily_cap FROM org_settings WHERE org_id = ?').pluck().get(row.orgId) as number | null | undefined);
    const cap = own ?? this.#config.notify.dailyCap;
    const { count, oldest } = sentSince(this.#db, row.recipient, new Date(now.getTime() - DAY_MS));
    if (count + (this.#inFlight.get(row.recipient) ?? 0) < cap) return null;
    // Sends still in flight have no time yet: wait for them as if sent now.
    return { until: new Date((oldest === null ? now.getTime() : Date.parse(oldest)) + DAY_MS + 1000), cap };
  }

  #failed(row: OutboxRow, verdict: FailureVerdict, subject: string | null): Outcome {
    const attempts = row.attempts + 1;
    // A webhook's URL is often its own secret: whatever the error says of it, only its host is kept.
    if (row.channel === 'webhook') verdict = { ...verdict, reason: redactUrlsIn(verdict.reason, [row.recipient]) };
    const { maxAttempts, backoffBaseMs, backoffMaxMs } = this.#config.notify;
    const retry = verdict.retry && attempts < maxAttempts;
    const retryAt = retry ? new Date(this.#clock().getTime() + backoffDelay(attempts, backoffBaseMs, backoffMaxMs, this.#random())) : null;
    markFailed(this.#db, row.id, this.#holder.id, verdict.reason, retryAt, subject);
    metrics.messageFailed(row.channel, retryAt === null);
    const fields = { id: row.id, kind: row.kind, channel: row.channel, attempts, error: verdict.reason };
    if (retryAt !== null) this.#log.warn({ ...fields, retryAt: retryAt.toISOString() }, 'send failed; will retry');
    else this.#log.error(fields, verdict.retry ? 'send failed on its last attempt; marked dead' : 'send failed permanently; marked dead');
    return retry ? 'retrying' : 'dead';
  }

  /** Marks a row sent, and what follows from it, in one transaction. */
  #sent(row: OutboxRow, subject: string, now: Date): void {
    this.#db.transaction(() => {
      markSent(this.#db, row.id, now, subject);
      if (CREDENTIALS.has(row.kind)) {
        // The link is a credential: once mailed, the outbox keeps no copy of it.
        replacePayload(this.#db, row.id, { ...(row.payload as object), link: null });
      }
      if ((row.kind === 'alert' || row.kind === 'escalation') && row.leakId !== null) {
        const to = row.channel === 'webhook' ? redactUrl(row.recipient) : row.recipient;
        const opened = statement(this.#db, "UPDATE leaks SET status = 'notified' WHERE id = ? AND status = 'open'").run(row.leakId).changes > 0;
        statement(this.#db, 'INSERT INTO leak_events (leak_id, at, actor, event, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          row.leakId,
          now.toISOString(),
          'notifier',
          row.kind === 'alert' ? 'alerted' : 'escalated',
          opened ? 'open' : null,
          opened ? 'notified' : null,
          JSON.stringify({ channel: row.channel, to, messageId: row.messageId }),
        );
      }
    })();
    metrics.messageSent(row.channel);
  }
}
