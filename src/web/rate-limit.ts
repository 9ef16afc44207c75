/**
 * Requests allowed per fixed window and key (an address, a client IP),
 * counted in this process's memory, as `web.rateLimits` describes. A
 * restart forgets the counts: these limits slow abuse down, they are not
 * accounting.
 */
export interface RateLimit {
  max: number;
  windowMinutes: number;
}

/** Either allowed, or refused with how long until the window ends. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSecs: number };

/** Keys kept before the expired windows are swept out. */
const SWEEP_AT = 10_000;

export class FixedWindowLimiter {
  readonly #limit: RateLimit;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  /** Counts one request of `key` at `now`. */
  take(key: string, now: Date): RateDecision {
    const windowMs = this.#limit.windowMinutes * 60_000;
    const at = now.getTime();
    let window = this.#windows.get(key);
    if (window === undefined || at - window.start >= windowMs) {
      if (this.#windows.size >= SWEEP_AT) this.#sweep(at, windowMs);
      window = { start: at, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit.max) return { ok: false, retryAfterSecs: Math.max(1, Math.ceil((window.start + windowMs - at) / 1000)) };
    window.count++;
    return { ok: true };
  }

  #sweep(at: number, windowMs: number): void {
    for (const [key, window] of this.#windows) if (at - window.start >= windowMs) this.#windows.delete(key);
  }
}
