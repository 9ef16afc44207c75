/**
 * How a crawl's errors are logged. The kinds of `errors.ts` are what a crawl
 * expects — the network failed, the site asked us to wait, refused us, or
 * changed its markup — and their stack says nothing the message does not:
 * they are logged as one short object with their kind. Anything else is a
 * bug and keeps its stack.
 */
import { pino } from 'pino';
import { BlockedError, ParseError, RateLimitedError, RetryableError } from './errors.js';

/** What kind of failure an error is, as `crawl_runs.error_kind` records it. */
export function crawlErrorKind(error: unknown): 'parse' | 'rate-limited' | 'blocked' | 'retryable' | 'other' {
  if (error instanceof ParseError) return 'parse';
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
    const status = (error as { status?: number | null }).status;
    const retryAt = error instanceof RateLimitedError ? error.retryAt.toISOString() : undefined;
    return { type: error.name, kind, message: error.message, ...(status != null ? { status } : {}), ...(retryAt ? { retryAt } : {}) };
  };
}
