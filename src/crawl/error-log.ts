/**
 * How a crawl's errors are logged. The kinds of `errors.ts` are what a crawl
 * expects — the network failed, the site asked us to wait, refused us, or
 * changed its markup — and their stack says nothing the message does not:
 * they are logged as one short object with their kind. So is the database
 * failing (`SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_BUSY`…): its code says what
 * an operator must fix, and it repeats on every run until they do. Anything
 * else is a bug and keeps its stack.
 */
import { pino } from 'pino';
import { BlockedError, ParseError, RateLimitedError, RetryableError } from './errors.js';

/** What kind of failure an error is, as `crawl_runs.error_kind` records it. */
export function crawlErrorKind(error: unknown): 'parse' | 'rate-limited' | 'blocked' | 'retryable' | 'database' | 'other' {
  if (error instanceof ParseError) return 'parse';
  if (isDatabaseError(error)) return 'database';
  if (error instanceof RateLimitedError) return 'rate-limited';
  if (error instanceof BlockedError) return 'blocked';
  if (error instanceof RetryableError) return 'retryable';
  return 'other';
}

/** The errors a crawl's log lines carried, so the run's outcome does not log the same one twice. */
export function loggedErrors(): WeakSet<object> {
  return new WeakSet();
}

/** A pino serializer for `err`: expected crawl errors without their stack; each error logged is remembered in `logged`. */
export function briefCrawlError(logged: WeakSet<object>): (error: unknown) => unknown {
  return function serializeCrawlError(error: unknown): unknown {
    if (!(error instanceof Error)) return error;
    logged.add(error);
    const kind = crawlErrorKind(error);
    if (kind === 'other') return pino.stdSerializers.err(error);
    if (kind === 'database') return { type: error.name, kind, code: (error as Error & { code: string }).code, message: error.message };
    const status = (error as { status?: number | null }).status;
    const retryAt = error instanceof RateLimitedError ? error.retryAt.toISOString() : undefined;
    return { type: error.name, kind, message: error.message, ...(status != null ? { status } : {}), ...(retryAt ? { retryAt } : {}) };
  };
}

/** better-sqlite3's errors carry SQLite's result code (`SQLITE_FULL`, `SQLITE_CORRUPT`…). */
function isDatabaseError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === 'SqliteError' && typeof (error as { code?: unknown }).code === 'string';
}
