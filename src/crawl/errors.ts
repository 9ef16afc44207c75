/**
 * The few errors that decide what a crawl does next (as Crawlee's do): retry
 * soon, wait for the site, give up on this request, or tell the operator the
 * site's markup changed. Causes are kept with `{ cause }`.
 */

/** A network failure or a 5xx answer: worth retrying after a short, jittered wait. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  readonly status: number | null;
  constructor(message: string, status: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** The site asked us to slow down (429, or 503 with Retry-After): the host cools down until `retryAt`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly retryAt: Date;
  constructor(message: string, retryAt: Date, options?: ErrorOptions) {
    super(message, options);
    this.retryAt = retryAt;
  }
}

/** We may not or cannot fetch this: robots.txt disallows it, a 4xx other than 429, or a private address. */
export class BlockedError extends Error {
  override name = 'BlockedError';
  readonly status: number | null;
  constructor(message: string, status: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** The answer arrived but is not what the source's shape says: its markup or API changed. */
export class ParseError extends Error {
  override name = 'ParseError';
}
