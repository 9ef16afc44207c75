/**
 * Token buckets kept in the process's memory: each key (an API token, a
 * client address) may spend `burst` requests at once and earns
 * `perSecond` back over time. One process serves the API (DESIGN.md §9):
 * nothing is shared between processes.
 */

export interface BucketOptions {
  /** Requests a key may make at once. */
  burst: number;
  /** Requests a key earns back per second. */
  perSecond: number;
}

export type Spend = { allowed: true } | { allowed: false; retryAfterSecs: number };

/** Buckets kept before full ones (keys that have been quiet long enough) are dropped. */
const MAX_KEYS = 10_000;

export class TokenBuckets {
  readonly #options: BucketOptions;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: BucketOptions) {
    if (!(options.burst >= 1) || !(options.perSecond > 0)) {
      throw new RangeError(`Expected a burst of at least 1 and perSecond above 0, got burst ${options.burst} and perSecond ${options.perSecond}`);
    }
    this.#options = options;
  }

  /** Spends one request of `key` at `nowMs`, or says how many seconds until one is earned. */
  spend(key: string, nowMs: number): Spend {
    const { burst, perSecond } = this.#options;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * perSecond);
    bucket.at = nowMs;
    if (!this.#buckets.has(key)) {
      if (this.#buckets.size >= MAX_KEYS) this.#forgetFull(nowMs);
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSecs: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }

  /** Drops the buckets that have refilled: forgetting them changes nothing. */
  #forgetFull(nowMs: number): void {
    const { burst, perSecond } = this.#options;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond >= burst) this.#buckets.delete(key);
    }
    // Every key is busy: the oldest go, which at worst gives them a fresh burst.
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size < MAX_KEYS) break;
      this.#buckets.delete(key);
    }
  }
}
