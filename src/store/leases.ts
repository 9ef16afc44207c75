/**
 * Work claimed by a worker: one lease rule for outbox messages, crawl runs
 * and the daemon's jobs. The work is leased when it starts, the lease is
 * renewed while the work runs (a heartbeat every third of its length) and
 * released when it ends. A lease nobody renewed past its expiry is free: its
 * holder died or stalled, and whoever asks next takes the work. So two
 * daemons on one database share the work without doing any of it twice, and
 * the work of a process that was killed is picked up after at most one lease.
 *
 * Named work (`crawl:reddit`, `housekeeping`) is leased in the `leases`
 * table; an outbox message in its own row (see `outbox.ts`), so that the due
 * query stays on one index. Either is taken by one compare-and-set statement,
 * with the same holders and the same heartbeat.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.js';
import { FailureStreak } from '../schedule/failure-streak.js';
import type { Db } from './database.js';
import { statement } from './statements.js';

/** Who holds a lease: a worker of one process on one machine. */
export interface LeaseHolder {
  /** `PID@HOST/TOKEN`, as stored. */
  readonly id: string;
  readonly pid: number;
  readonly host: string;
}

/** A new holder for a worker of this process (each worker its own: two workers in one process do not share leases). */
export function leaseHolder(): LeaseHolder {
  const host = hostname();
  return { id: `${process.pid}@${host}/${randomBytes(4).toString('hex')}`, pid: process.pid, host };
}

/** What can be told about a holder from its id. */
export interface HolderInfo {
  id: string | null;
  pid: number | null;
  host: string | null;
  /** Whether its process still runs; null when that cannot be checked from here (another machine, an unknown holder). */
  running: boolean | null;
}

const HOLDER_ID = /^(\d+)@(.+)\/[0-9a-f]+$/;

export function holderInfo(id: string | null): HolderInfo {
  const match = id === null ? null : HOLDER_ID.exec(id);
  if (match === null) return { id, pid: null, host: null, running: null };
  const pid = Number(match[1]);
  const host = match[2]!;
  return { id, pid, host, running: host === hostname() ? processRuns(pid) : null };
}

/** "pid 4242 on school-box, which is no longer running", for messages to the operator. */
export function describeHolder(info: HolderInfo): string {
  if (info.pid === null) return 'an earlier leakwatch (its process is not recorded)';
  const who = `pid ${info.pid} on ${info.host}`;
  if (info.running === false) return `${who}, which is no longer running`;
  if (info.running === true) return `${who} (running)`;
  return `${who} (another machine: whether it still runs cannot be checked from here)`;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lease another holder has. */
export interface HeldLease extends HolderInfo {
  expiresAt: string;
}

export type LeaseAttempt = { acquired: true } | { acquired: false; heldBy: HeldLease };

/**
 * Takes the lease `name` for `ttlMs` from `now`, if it is free, expired, or
 * already this holder's (then it is renewed). One statement: of two
 * processes asking at once, exactly one gets it.
 */
export function acquireLease(db: Db, name: string, holder: LeaseHolder, now: Date, ttlMs: number): LeaseAttempt {
  const at = now.toISOString();
  const taken = statement(
    db,
    `INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET
       acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
       holder = excluded.holder, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
     WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.renewed_at
     RETURNING holder`,
  ).get(name, holder.id, at, at, new Date(now.getTime() + ttlMs).toISOString());
  if (taken !== undefined) return { acquired: true };
  const held = statement(db, 'SELECT holder, expires_at FROM leases WHERE name = ?').get(name) as { holder: string; expires_at: string } | undefined;
  // Released between the two statements: free now, but another asker may be first; say who had it.
  if (held === undefined) return { acquired: false, heldBy: { ...holderInfo(null), expiresAt: at } };
  return { acquired: false, heldBy: { ...holderInfo(held.holder), expiresAt: held.expires_at } };
}

/** Extends this holder's lease; false when it is no longer this holder's (it expired and was taken). */
export function renewLease(db: Db, name: string, holder: LeaseHolder, now: Date, ttlMs: number): boolean {
  return (
    statement(db, 'UPDATE leases SET renewed_at = ?, expires_at = ? WHERE name = ? AND holder = ?').run(
      now.toISOString(),
      new Date(now.getTime() + ttlMs).toISOString(),
      name,
      holder.id,
    ).changes > 0
  );
}

/** Gives the lease up, if this holder still has it. */
export function releaseLease(db: Db, name: string, holder: LeaseHolder): void {
  statement(db, 'DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder.id);
}

export interface HeartbeatOptions {
  /** How often to renew. */
  everyMs: number;
  /** Renews the lease; returns false when the lease was lost (taken by another holder after it expired). */
  renew: () => boolean;
  /** Called once if the lease is lost. */
  onLost?: () => void;
  log: Logger;
  /** Names the lease in log lines ("lease crawl:reddit"). */
  what: string;
}

/**
 * Renews a lease every `everyMs` until stopped. A failed renewal (the
 * database refuses writes) is retried at the next beat and logged once per
 * streak; nothing it does can end the process.
 */
export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #streak: FailureStreak;
  readonly #timer: NodeJS.Timeout;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    this.#streak = new FailureStreak(options.log, `renewing ${options.what}`);
    this.#timer = setInterval(() => this.#beat(), options.everyMs);
    this.#timer.unref();
  }

  #beat(): void {
    try {
      if (this.#options.renew()) {
        this.#streak.succeeded();
        return;
      }
      this.stop();
      this.#options.log.warn({ lease: this.#options.what }, `${this.#options.what} was lost: it ran out before it could be renewed and another worker took it`);
      this.#options.onLost?.();
    } catch (error) {
      this.#streak.failed(error);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#streak.end();
  }
}

export interface WithLeaseOptions {
  db: Db;
  name: string;
  holder: LeaseHolder;
  ttlMs: number;
  log: Logger;
  /** Aborts the work (the daemon stops); the work also sees an abort when its lease is lost. */
  signal?: AbortSignal;
  clock?: () => Date;
}

export type Leased<T> = { ran: true; value: T } | { ran: false; heldBy: HeldLease };

/**
 * Runs `work` under the lease `name`: taken first (or the work is not run and
 * the holder is returned), renewed while it runs, released when it ends. The
 * signal `work` gets aborts when `signal` does or when the lease is lost.
 */
export async function withLease<T>(options: WithLeaseOptions, work: (signal: AbortSignal) => Promise<T>): Promise<Leased<T>> {
  const { db, name, holder, ttlMs, log } = options;
  const clock = options.clock ?? (() => new Date());
  const attempt = acquireLease(db, name, holder, clock(), ttlMs);
  if (!attempt.acquired) return { ran: false, heldBy: attempt.heldBy };
  const lost = new AbortController();
  const heartbeat = new Heartbeat({
    everyMs: Math.max(1, Math.floor(ttlMs / 3)),
    renew: () => renewLease(db, name, holder, clock(), ttlMs),
    onLost: () => lost.abort(new Error(`lease ${name} was lost`)),
    log,
    what: `lease ${name}`,
  });
  try {
    const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
    return { ran: true, value: await work(signal) };
  } finally {
    heartbeat.stop();
    try {
      releaseLease(db, name, holder);
    } catch (error) {
      log.warn({ lease: name, error: (error as Error).message }, `could not release lease ${name}; it expires by itself within ${ttlMs} ms`);
    }
  }
}
