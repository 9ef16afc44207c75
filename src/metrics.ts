/**
 * leakwatch's Prometheus metrics, on a registry of its own (prom-client's
 * global one stays empty, so a library that registers there cannot leak into
 * `/metrics`). Counters are counted where the work happens — the crawl
 * runner, the outbox worker, the web endpoint — and the outbox gauges are
 * read from SQLite when `/metrics` is scraped.
 *
 * Labels are few and bounded: `source` (a source name), `kind` (an error kind
 * or an enrichment), `channel` (email, webhook) and `status_class` (2xx…).
 * Never an organisation, a URL, an address or a meeting id: each label value
 * would be a time series of its own, and those are what leakwatch keeps out
 * of dumps and logs.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './store/database.js';
import { statement } from './store/statements.js';

/** The label values of `channel`. */
const CHANNELS = ['email', 'webhook'] as const;
/** Enrichment steps to come (DESIGN.md §1); their counters exist now so dashboards can be built. */
const ENRICHMENTS = ['short-link', 'ocr'] as const;

/** What one crawl reported, as the runner's summary has it. */
export interface CrawlObservation {
  source: string;
  posts: number;
  references: number;
  leaks: number;
  queued: number;
  maskedWhole: number;
  /** The error kind when the crawl failed (`retryable`, `parse`, …), else null. */
  errorKind: string | null;
  durationMs: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #postsRead = this.#counter('leakwatch_posts_read_total', 'Posts read by crawls', ['source']);
  readonly #references = this.#counter('leakwatch_references_total', 'Meeting references found in crawled posts', ['source']);
  readonly #leaksOpened = this.#counter('leakwatch_leaks_opened_total', 'Leaks opened or re-opened by crawled posts', ['source']);
  readonly #alertsQueued = this.#counter('leakwatch_alerts_queued_total', 'Outbox messages queued by crawled posts', ['source']);
  readonly #maskingFallbacks = this.#counter(
    'leakwatch_masking_fallbacks_total',
    'Secrets still found by the second scan after masking by position, so masked with their whole reference',
    ['source'],
  );
  readonly #crawlDuration = new Histogram({
    name: 'leakwatch_crawl_duration_seconds',
    help: 'How long one crawl of a source took, failed ones included',
    labelNames: ['source'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  readonly #crawlErrors = this.#counter('leakwatch_crawl_errors_total', 'Crawls that failed, by error kind', ['source', 'kind']);
  readonly #sent = this.#counter('leakwatch_messages_sent_total', 'Outbox messages delivered', ['channel']);
  readonly #failed = this.#counter('leakwatch_messages_failed_total', 'Failed delivery attempts (retried or dead)', ['channel']);
  readonly #dead = this.#counter('leakwatch_messages_dead_total', 'Outbox messages given up on (marked dead)', ['channel']);
  readonly #httpResponses = this.#counter('leakwatch_http_responses_total', 'Responses of the web endpoint, by status class', ['status_class']);
  readonly #enrichments = this.#counter('leakwatch_enrichments_total', 'Links expanded and images read before extraction', ['kind']);
  readonly #enrichmentErrors = this.#counter('leakwatch_enrichment_errors_total', 'Enrichment steps that failed', ['kind']);
  readonly #outboxDepth = this.#gauge('leakwatch_outbox_depth', 'Messages not sent yet (pending or being sent), due or not', ['channel']);
  readonly #outboxDue = this.#gauge('leakwatch_outbox_due', 'Messages due now and not sent yet', ['channel']);
  readonly #outboxOldestDue = this.#gauge('leakwatch_outbox_oldest_due_age_seconds', 'How long the oldest message due has been waiting (0 when none)', ['channel']);
  readonly #lastSuccess = this.#gauge('leakwatch_source_last_success_timestamp_seconds', 'When each source last crawled successfully (Unix time)', ['source']);
  #processMetrics = false;

  constructor() {
    for (const channel of CHANNELS) {
      for (const counter of [this.#sent, this.#failed, this.#dead]) counter.labels(channel).inc(0);
    }
    for (const kind of ENRICHMENTS) {
      this.#enrichments.labels(kind).inc(0);
      this.#enrichmentErrors.labels(kind).inc(0);
    }
  }

  /** Counts one crawl. */
  crawled(crawl: CrawlObservation): void {
    const { source } = crawl;
    this.#postsRead.labels(source).inc(crawl.posts);
    this.#references.labels(source).inc(crawl.references);
    this.#leaksOpened.labels(source).inc(crawl.leaks);
    this.#alertsQueued.labels(source).inc(crawl.queued);
    this.#maskingFallbacks.labels(source).inc(crawl.maskedWhole);
    this.#crawlDuration.labels(source).observe(crawl.durationMs / 1000);
    if (crawl.errorKind !== null) this.#crawlErrors.labels(source, crawl.errorKind).inc();
  }

  messageSent(channel: string): void {
    this.#sent.labels(channel).inc();
  }

  /** A failed attempt; `dead` when the message will not be tried again. */
  messageFailed(channel: string, dead: boolean): void {
    this.#failed.labels(channel).inc();
    if (dead) this.#dead.labels(channel).inc();
  }

  httpResponse(status: number): void {
    this.#httpResponses.labels(`${Math.trunc(status / 100)}xx`).inc();
  }

  /** A link expanded or an image read (`kind`: `short-link`, `ocr`); `failed` when it did not work. */
  enriched(kind: (typeof ENRICHMENTS)[number], failed = false): void {
    (failed ? this.#enrichmentErrors : this.#enrichments).labels(kind).inc();
  }

  /** Adds the process's own metrics (CPU, memory, event loop lag; prom-client's defaults) to the registry, once. */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text, with the outbox gauges read from `db` now. */
  async scrape(db: Db, now: Date = new Date()): Promise<string> {
    const rows = statement(
      db,
      `SELECT channel, count(*) AS depth, sum(next_attempt_at <= @now) AS due, min(CASE WHEN next_attempt_at <= @now THEN next_attempt_at END) AS oldest
       FROM outbox WHERE status IN ('pending', 'sending') GROUP BY channel`,
    ).all({ now: now.toISOString() }) as { channel: string; depth: number; due: number; oldest: string | null }[];
    for (const channel of CHANNELS) {
      const row = rows.find((r) => r.channel === channel);
      this.#outboxDepth.labels(channel).set(row?.depth ?? 0);
      this.#outboxDue.labels(channel).set(row?.due ?? 0);
      this.#outboxOldestDue.labels(channel).set(row?.oldest ? Math.max(0, (now.getTime() - Date.parse(row.oldest)) / 1000) : 0);
    }
    const successes = statement(db, "SELECT source, max(finished_at) AS at FROM crawl_runs WHERE status = 'succeeded' GROUP BY source").all() as { source: string; at: string }[];
    for (const { source, at } of successes) this.#lastSuccess.labels(source).set(Date.parse(at) / 1000);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #gauge(name: string, help: string, labelNames: string[]): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

/** The process's metrics: what `/metrics` of `leakwatch run` serves. */
export const metrics = new Metrics();
