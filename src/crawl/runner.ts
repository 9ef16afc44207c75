import type { Config, Secrets, SourceName } from '../config/schema.js';
import { extractRefs } from '../extract/index.js';
import type { Logger } from '../logger.js';
import type { Matcher } from '../match/matcher.js';
import { capText } from '../match/post-cap.js';
import { postText } from '../extract/reply.js';
import { metrics } from '../metrics.js';
import type { Db } from '../store/database.js';
import { describeHolder, type LeaseHolder, leaseHolder, withLease } from '../store/leases.js';
import { statement } from '../store/statements.js';
import type { Crawler } from './crawler.js';
import { ParseError } from './errors.js';
import type { HttpClient } from './http-client.js';
import { briefCrawlError, crawlErrorKind, loggedErrors } from './error-log.js';
import { nothingToCrawl } from './nothing-to-crawl.js';
import { searchQueries } from './queries.js';
import { walkUnderway } from './walk.js';

export interface CrawlSummary {
  source: SourceName;
  /**
   * `nothing-to-crawl`: enabled, but nothing is configured for it (no feeds, boards, queries…); no run is recorded.
   * `skipped`: another process is crawling the source (it holds the source's crawl lease); nothing was read.
   */
  status: 'succeeded' | 'failed' | 'nothing-to-crawl' | 'skipped';
  pages: number;
  posts: number;
  references: number;
  /** Leaks opened or re-opened. */
  leaks: number;
  queued: number;
  error: string | null;
  /** The failure was the source's answer not having the expected shape. */
  parseError: boolean;
  /** What kind of failure: `retryable`, `rate-limited`, `blocked`, `parse`, `database` or `other`; null unless failed. */
  errorKind: string | null;
  /** Why there was nothing to crawl, when the status says so. */
  nothingToCrawl: string | null;
  dryRun: boolean;
  /** When skipped: who holds the source's crawl lease, and until when. */
  heldBy: string | null;
  /**
   * The run succeeded, read posts, and left a walk part-way (it reached its
   * page cap with more waiting): `leakwatch run` runs the crawl again at
   * once instead of waiting for the next scheduled time.
   */
  backlog: boolean;
}

export interface RunCrawlOptions {
  db: Db;
  matcher: Matcher;
  crawler: Crawler;
  config: Config;
  secrets: Secrets;
  http: HttpClient;
  log: Logger;
  signal?: AbortSignal;
  /** Read and count, write nothing (no posts, no cursor, no run record). */
  dryRun?: boolean;
  onPage?: (summary: CrawlSummary) => void;
  now?: () => Date;
  /** Who leases the source's crawl. Default: a holder of its own. */
  holder?: LeaseHolder;
}

/**
 * One crawl of one source: each page's posts, references, leaks, queued
 * alerts and the scope's cursor commit in one transaction; the run and its
 * outcome are recorded for `leakwatch sources`. A failing page rolls back
 * whole, so its cursor is not advanced and the next run reads it again.
 *
 * The run is leased (`crawl:SOURCE`) for as long as it lasts: while another
 * process — a second daemon, a `leakwatch crawl --once` — crawls the source,
 * this one skips it, and a run that loses its lease stops after its page. A
 * dry run writes nothing, its lease neither.
 */
export async function runCrawl(options: RunCrawlOptions): Promise<CrawlSummary> {
  const { db, crawler, config, log } = options;
  const now = options.now ?? (() => new Date());
  const source = crawler.name;
  const sourceConfig = config.sources[source];
  const queries = 'queries' in sourceConfig ? searchQueries(sourceConfig.queries, db) : [];
  const nothing = nothingToCrawl(source, config.sources, queries, options.secrets);
  if (nothing !== null) {
    log.info({ source, reason: nothing }, `${source}: nothing to crawl`);
    return { ...emptySummary(source, options.dryRun ?? false), status: 'nothing-to-crawl', nothingToCrawl: nothing };
  }
  if (options.dryRun) return crawl(options, queries, options.signal ?? new AbortController().signal);
  const leased = await withLease(
    { db, name: `crawl:${source}`, holder: options.holder ?? leaseHolder(), ttlMs: config.leases.ttlMs, log: log.child({ source }), signal: options.signal, clock: now },
    async (signal) => {
      // Runs still open were left by a process that stopped mid-run: nobody else can be running them while this lease is held.
      statement(db, "UPDATE crawl_runs SET status = 'failed', finished_at = ?, error = ?, error_kind = 'interrupted' WHERE source = ? AND status = 'running'").run(
        now().toISOString(),
        'interrupted: the process running it stopped before the run finished',
        source,
      );
      return crawl(options, queries, signal);
    },
  );
  if (leased.ran) return leased.value;
  const heldBy = `${describeHolder(leased.heldBy)}, until ${leased.heldBy.expiresAt}`;
  log.info({ source, heldBy }, `${source} not crawled: another process is crawling it (${heldBy})`);
  return { ...emptySummary(source, false), status: 'skipped', heldBy };
}

function emptySummary(source: SourceName, dryRun: boolean): CrawlSummary {
  return { source, status: 'succeeded', pages: 0, posts: 0, references: 0, leaks: 0, queued: 0, error: null, parseError: false, errorKind: null, nothingToCrawl: null, dryRun, heldBy: null, backlog: false };
}

async function crawl(options: RunCrawlOptions, queries: string[], signal: AbortSignal): Promise<CrawlSummary> {
  const { db, crawler, config, log } = options;
  const now = options.now ?? (() => new Date());
  const source = crawler.name;
  const sourceConfig = config.sources[source];
  const summary = emptySummary(source, options.dryRun ?? false);
  const started = Date.now();
  let maskedWhole = 0;
  const runId = summary.dryRun
    ? null
    : (statement(db, "INSERT INTO crawl_runs (source, started_at, status) VALUES (?, ?, 'running') RETURNING id").pluck().get(source, now().toISOString()) as number);
  const cursors = new Map(
    (statement(db, 'SELECT scope, cursor FROM crawl_cursors WHERE source = ?').raw().all(source) as [string, string][]).map(([scope, cursor]) => [scope, cursor]),
  );
  /** The scopes whose cursor this run moved: a walk left part-way in one of them is a backlog. */
  const written = new Set<string>();
  // Errors the crawl expects (network, rate limit, refusal, markup drift) are logged without their stack.
  const logged = loggedErrors();
  const runLog = log.child({ source, run: runId }, { serializers: { err: briefCrawlError(logged) } });
  const writeCursor = statement(
    db,
    'INSERT INTO crawl_cursors (source, scope, cursor, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (source, scope) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at',
  );

  try {
    const pages = crawler.crawl({
      config: sourceConfig as never,
      secrets: options.secrets,
      http: options.http,
      cursor: (scope) => cursors.get(scope) ?? null,
      queries,
      minIntervalMs: sourceConfig.requestIntervalMs,
      signal,
      log: runLog,
    });
    for await (const page of pages) {
      if (summary.dryRun) {
        summary.references += page.posts.reduce((n, post) => n + extractRefs(capText(postText(post), config.ingest.maxPostBytes)).length, 0);
      } else {
        const counts = options.matcher.ingestPage(page.posts, {
          now: now(),
          alsoInTransaction: (tx) => {
            if (page.cursor !== null) {
              writeCursor.run(source, page.scope, page.cursor, now().toISOString());
              cursors.set(page.scope, page.cursor);
              written.add(page.scope);
            }
            if (runId !== null) statement(tx, 'UPDATE crawl_runs SET pages = pages + 1, posts = posts + ? WHERE id = ?').run(page.posts.length, runId);
          },
        });
        summary.references += counts.references;
        summary.leaks += counts.leaks;
        summary.queued += counts.queued;
        maskedWhole += counts.maskedWhole;
        if (counts.maskedWhole > 0) runLog.warn({ secrets: counts.maskedWhole }, 'secrets were still found after masking by position; their whole references were masked');
      }
      summary.pages++;
      summary.posts += page.posts.length;
      options.onPage?.(summary);
      if (signal.aborted) break;
    }
  } catch (error) {
    summary.status = 'failed';
    summary.error = error instanceof Error ? error.message : String(error);
    summary.parseError = error instanceof ParseError;
    summary.errorKind = crawlErrorKind(error);
    options.http.forgetValidators();
    // Logged once: an error a crawler logged already (its only feed failed; each failed instance) is not repeated.
    const seen = error instanceof Error && (logged.has(error) || (error.cause instanceof Error && logged.has(error.cause)));
    if (seen) runLog.warn({ kind: summary.errorKind }, 'crawl failed (the error is logged above)');
    else runLog.warn({ kind: summary.errorKind, err: error }, 'crawl failed');
  }
  if (!summary.dryRun) metrics.crawled({ ...summary, maskedWhole, durationMs: Date.now() - started });
  summary.backlog = summary.status === 'succeeded' && summary.posts > 0 && !signal.aborted && [...written].some((scope) => walkUnderway(cursors.get(scope) ?? null));

  if (runId !== null) {
    statement(db, 'UPDATE crawl_runs SET finished_at = ?, status = ?, refs = ?, leaks = ?, error = ?, error_kind = ? WHERE id = ?').run(
      now().toISOString(),
      summary.status,
      summary.references,
      summary.leaks,
      summary.error,
      summary.errorKind,
      runId,
    );
  }
  return summary;
}

export interface SourceHealth {
  source: string;
  lastSuccess: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  consecutiveFailures: number;
  /** Several failures in a row were the answer's shape: the site probably changed its markup or API. */
  warning: string | null;
}

/** Per source: last success, last error, failures since the last success (from the recorded runs). */
export function sourceHealth(db: Db, sources: readonly string[]): SourceHealth[] {
  return sources.map((source) => {
    const lastSuccess = statement(db, "SELECT max(finished_at) FROM crawl_runs WHERE source = ? AND status = 'succeeded'").pluck().get(source) as string | null;
    const lastError = statement(db, "SELECT error, finished_at FROM crawl_runs WHERE source = ? AND status = 'failed' ORDER BY id DESC LIMIT 1").get(source) as
      | { error: string; finished_at: string }
      | undefined;
    const failures = statement(
      db,
      "SELECT error_kind FROM crawl_runs WHERE source = ? AND status = 'failed' AND id > coalesce((SELECT max(id) FROM crawl_runs WHERE source = ? AND status = 'succeeded'), 0) ORDER BY id DESC",
    )
      .pluck()
      .all(source, source) as (string | null)[];
    const parseFailures = failures.filter((kind) => kind === 'parse').length;
    return {
      source,
      lastSuccess,
      lastError: lastError?.error ?? null,
      lastErrorAt: lastError?.finished_at ?? null,
      consecutiveFailures: failures.length,
      warning: parseFailures >= 3 ? `${parseFailures} runs in a row could not read ${source}'s answers: its markup or API has probably changed` : null,
    };
  });
}
