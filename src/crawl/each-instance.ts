import type { CrawlContext, CrawlPage } from './crawler.js';
import { BlockedError, ParseError, RateLimitedError, RetryableError } from './errors.js';

/**
 * Reads each instance in turn; one that fails does not stop the others (the
 * pages already read stay committed), and the run then fails naming it.
 */
export async function* eachInstance(context: CrawlContext<{ instances: string[] }>, crawlInstance: (base: URL, index: number) => AsyncIterable<CrawlPage>): AsyncGenerator<CrawlPage> {
  const failures: { host: string; error: unknown }[] = [];
  for (const [index, instance] of context.config.instances.entries()) {
    const base = new URL(instance);
    try {
      yield* crawlInstance(base, index);
    } catch (error) {
      if (context.signal.aborted) throw error;
      context.log.warn({ err: error, instance: base.host }, 'instance failed; reading the others');
      failures.push({ host: base.host, error });
    }
    if (context.signal.aborted) return;
  }
  if (failures.length > 0) throw instancesFailed(failures);
}

/** The first failure's kind (it decides the retry and the parse warning), with every failed instance named. */
export function instancesFailed(failures: { host: string; error: unknown }[]): Error {
  const message = failures
    .map(({ host, error }) => {
      const text = error instanceof Error ? error.message : String(error);
      return text.includes(host) ? text : `${host}: ${text}`;
    })
    .join('; ');
  const first = failures[0]!.error;
  if (failures.length === 1 && first instanceof Error && first.message === message) return first;
  const options = { cause: first };
  if (first instanceof ParseError) return new ParseError(message, options);
  if (first instanceof RateLimitedError) return new RateLimitedError(message, first.retryAt, options);
  if (first instanceof BlockedError) return new BlockedError(message, first.status, options);
  if (first instanceof RetryableError) return new RetryableError(message, first.status, options);
  return new Error(message, options);
}
