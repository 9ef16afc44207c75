import type { Logger } from '../logger.js';
import { errorLine, sqliteErrorOf } from '../store/sqlite-errors.js';

export interface FailureBackoff {
  /** The wait after the first failure of a streak, doubled after each further one. Default 1000. */
  baseMs?: number;
  /** The longest wait between two tries. Default 60000. */
  maxMs?: number;
}

/**
 * The failures in a row of a background loop (the outbox worker, a lease's
 * heartbeat): how long to wait before the next try, doubling up to a cap,
 * and the log — one line when a streak starts, one when it ends, with how
 * many tries failed; nothing per try and no stack traces, so a disk that
 * stays full for an hour is two lines, not thousands.
 */
export class FailureStreak {
  readonly #log: Logger;
  readonly #what: string;
  readonly #baseMs: number;
  readonly #maxMs: number;
  #failures = 0;
  #since = 0;

  /** `what` names the loop in the log lines ("outbox worker"). */
  constructor(log: Logger, what: string, backoff: FailureBackoff = {}) {
    this.#log = log;
    this.#what = what;
    this.#baseMs = backoff.baseMs ?? 1000;
    this.#maxMs = backoff.maxMs ?? 60_000;
  }

  /** Whether the last try failed. */
  get failing(): boolean {
    return this.#failures > 0;
  }

  /** Counts a failed try and returns how long to wait before the next one. */
  failed(error: unknown): number {
    this.#failures++;
    const waitMs = Math.min(this.#maxMs, this.#baseMs * 2 ** (this.#failures - 1));
    if (this.#failures === 1) {
      this.#since = Date.now();
      const line = errorLine(error);
      this.#log.error(
        { error: line, code: sqliteErrorOf(error)?.code ?? (error as { code?: unknown })?.code, retryInMs: waitMs },
        `${this.#what} failed: ${line}; trying again with backoff (at most every ${this.#maxMs} ms), and logging again when it works`,
      );
    }
    return waitMs;
  }

  /** A try worked: ends a streak, saying how long it lasted. */
  succeeded(): void {
    if (this.#failures === 0) return;
    this.#log.info({ failures: this.#failures, forMs: Date.now() - this.#since }, `${this.#what} recovered after ${this.#failures} failed tries`);
    this.#failures = 0;
  }

  /** The loop stops: says so when it stops in the middle of a streak. */
  end(): void {
    if (this.#failures === 0) return;
    this.#log.warn({ failures: this.#failures, forMs: Date.now() - this.#since }, `${this.#what} stopped while failing (${this.#failures} failed tries in a row)`);
    this.#failures = 0;
  }
}
