/**
 * What `/healthz` answers: per source whether it is crawled and when it last
 * succeeded, the outbox backlog, and whether the database answers. The
 * report is built per request from SQLite (a handful of indexed lookups);
 * the slow check of the whole file (`PRAGMA quick_check`) is the one the
 * daemon ran at start-up.
 */
import type { Config, Secrets, SourceName } from '../config/schema.js';
import { SOURCE_NAMES } from '../config/schema.js';
import { nothingToCrawl } from '../crawl/nothing-to-crawl.js';
import { searchQueries } from '../crawl/queries.js';
import { cronIntervalMs } from '../schedule/cron-interval.js';
import type { Db, QuickCheck } from '../store/database.js';
import { statement } from '../store/statements.js';

/** A source's default staleness: this many of its cron intervals without a success. */
const STALE_INTERVALS = 3;
const MINUTE_MS = 60_000;

export interface HealthOptions {
  db: Db;
  config: Pick<Config, 'sources' | 'health'>;
  secrets: Secrets;
  /** When the daemon started: a source is not stale before it has had its chance to run. */
  startedAt: Date;
  /** The check the daemon ran at start-up; null when none ran. */
  quickCheck: QuickCheck | null;
  clock?: () => Date;
}

/**
 * `disabled`; `nothing-to-crawl` (enabled, but nothing is configured for it);
 * `never-run`; or the state of its latest run: `running`, `succeeded`, `failed`.
 */
export type SourceState = 'disabled' | 'nothing-to-crawl' | 'never-run' | 'running' | 'succeeded' | 'failed';

export interface SourceHealthReport {
  enabled: boolean;
  state: SourceState;
  /** When its latest run started. */
  lastRunAt: string | null;
  /** When a run last succeeded. */
  lastSuccessAt: string | null;
  /** The error kind of the latest run when it failed (`retryable`, `rate-limited`, `blocked`, `parse`, `other`). */
  lastErrorKind: string | null;
  staleAfterMinutes: number | null;
  /** Crawled, and without a success for longer than `staleAfterMinutes` (counted from start-up at the earliest). */
  stale: boolean;
}

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  checkedAt: string;
  /** Why the status is `unhealthy`, one line each; empty when ok. */
  problems: string[];
  sources: Record<SourceName, SourceHealthReport>;
  outbox: {
    /** Messages due now and not sent yet. */
    due: number;
    /** How long the oldest of them has been due; null when none is. */
    oldestDueAgeSeconds: number | null;
    /** Messages not sent yet, due or not (waiting for a retry, a digest slot, the daily cap…). */
    pending: number;
    maxAgeMinutes: number;
    /** A message has been due for longer than `maxAgeMinutes`: nothing is sending. */
    backingUp: boolean;
  };
  database: {
    /** The database answered now and the start-up check found nothing wrong. */
    ok: boolean;
    /** Why a query failed now, or null. */
    error: string | null;
    quickCheck: { ok: boolean; result: string; at: string } | null;
  };
}

interface RunRow {
  status: 'running' | 'succeeded' | 'failed';
  started_at: string;
  error_kind: string | null;
}

/** Builds the `/healthz` report for a running daemon. */
export class HealthCheck {
  readonly #options: HealthOptions;
  readonly #clock: () => Date;
  readonly #staleAfterMinutes: Record<SourceName, number | null>;

  constructor(options: HealthOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    const { health, sources } = options.config;
    this.#staleAfterMinutes = Object.fromEntries(
      SOURCE_NAMES.map((name) => {
        const configured = health.sourceStaleAfterMinutes[name] ?? health.staleAfterMinutes;
        if (configured !== null) return [name, configured];
        const interval = cronIntervalMs(sources[name].cron);
        return [name, interval === null ? null : Math.ceil((STALE_INTERVALS * interval) / MINUTE_MS)];
      }),
    ) as Record<SourceName, number | null>;
  }

  report(): HealthReport {
    const now = this.#clock();
    const { db, quickCheck } = this.#options;
    const problems: string[] = [];
    const report: HealthReport = {
      status: 'ok',
      checkedAt: now.toISOString(),
      problems,
      sources: {} as HealthReport['sources'],
      outbox: { due: 0, oldestDueAgeSeconds: null, pending: 0, maxAgeMinutes: this.#options.config.health.outboxMaxAgeMinutes, backingUp: false },
      database: { ok: true, error: null, quickCheck: quickCheck && { ok: quickCheck.ok, result: quickCheck.result, at: quickCheck.at } },
    };
    try {
      statement(db, 'SELECT 1').pluck().get();
      for (const name of SOURCE_NAMES) report.sources[name] = this.#source(name, now);
      report.outbox = this.#outbox(now);
    } catch (error) {
      report.database.ok = false;
      report.database.error = (error as Error).message;
    }
    for (const [name, source] of Object.entries(report.sources)) {
      if (source.stale) problems.push(`${name}: no successful crawl for more than ${source.staleAfterMinutes} minutes${source.lastErrorKind ? ` (last run failed: ${source.lastErrorKind})` : ''}`);
    }
    if (report.outbox.backingUp) problems.push(`outbox: a message has been due for ${Math.floor(report.outbox.oldestDueAgeSeconds! / 60)} minutes (more than ${report.outbox.maxAgeMinutes})`);
    if (report.database.error !== null) problems.push(`database: ${report.database.error}`);
    if (quickCheck && !quickCheck.ok) {
      report.database.ok = false;
      problems.push(`database: the start-up quick check found: ${quickCheck.result}`);
    }
    if (problems.length > 0) report.status = 'unhealthy';
    return report;
  }

  #source(name: SourceName, now: Date): SourceHealthReport {
    const { db, config, secrets, startedAt } = this.#options;
    const source = config.sources[name];
    const latest = statement(db, 'SELECT status, started_at, error_kind FROM crawl_runs WHERE source = ? ORDER BY started_at DESC, id DESC LIMIT 1').get(name) as RunRow | undefined;
    const lastSuccessAt = statement(db, "SELECT finished_at FROM crawl_runs WHERE source = ? AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1").pluck().get(name) as
      | string
      | undefined;
    const staleAfterMinutes = this.#staleAfterMinutes[name];
    let state: SourceState = latest?.status ?? 'never-run';
    if (!source.enabled) state = 'disabled';
    else if (nothingToCrawl(name, config.sources, 'queries' in source ? searchQueries(source.queries, db) : [], secrets) !== null) state = 'nothing-to-crawl';
    const crawled = state !== 'disabled' && state !== 'nothing-to-crawl';
    // Counted from start-up at the earliest: after a restart every source first gets its chance to run.
    const since = Math.max(lastSuccessAt ? Date.parse(lastSuccessAt) : 0, startedAt.getTime());
    return {
      enabled: source.enabled,
      state,
      lastRunAt: latest?.started_at ?? null,
      lastSuccessAt: lastSuccessAt ?? null,
      lastErrorKind: latest?.status === 'failed' ? (latest.error_kind ?? 'other') : null,
      staleAfterMinutes,
      stale: crawled && staleAfterMinutes !== null && now.getTime() - since > staleAfterMinutes * MINUTE_MS,
    };
  }

  #outbox(now: Date): HealthReport['outbox'] {
    const maxAgeMinutes = this.#options.config.health.outboxMaxAgeMinutes;
    const row = statement(
      this.#options.db,
      "SELECT count(*) AS pending, sum(next_attempt_at <= @now) AS due, min(CASE WHEN next_attempt_at <= @now THEN next_attempt_at END) AS oldest FROM outbox WHERE status IN ('pending', 'sending')",
    ).get({ now: now.toISOString() }) as { pending: number; due: number | null; oldest: string | null };
    const oldestDueAgeSeconds = row.oldest === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(row.oldest)) / 1000));
    return {
      due: row.due ?? 0,
      oldestDueAgeSeconds,
      pending: row.pending,
      maxAgeMinutes,
      backingUp: oldestDueAgeSeconds !== null && oldestDueAgeSeconds > maxAgeMinutes * 60,
    };
  }
}
