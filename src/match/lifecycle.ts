import { InputError, NotFoundError } from '../errors.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';

export const LEAK_STATUSES = ['open', 'notified', 'acknowledged', 'resolved', 'ignored'] as const;
export type LeakStatus = (typeof LEAK_STATUSES)[number];

/** Where a leak may go from each status. A resolved leak re-opens when posted again; an ignored one can be un-ignored. */
const TRANSITIONS: Record<LeakStatus, readonly LeakStatus[]> = {
  open: ['notified', 'acknowledged', 'resolved', 'ignored'],
  notified: ['acknowledged', 'resolved', 'ignored'],
  acknowledged: ['resolved', 'ignored'],
  resolved: ['open'],
  ignored: ['open'],
};

export interface LeakEvent {
  leakId: number;
  actor: string;
  event: string;
  from?: LeakStatus | null;
  to?: LeakStatus | null;
  detail?: unknown;
  at: Date;
}

/** Appends to a leak's audit trail. */
export function recordLeakEvent(db: Db, event: LeakEvent): void {
  statement(db, 'INSERT INTO leak_events (leak_id, at, actor, event, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    event.leakId,
    event.at.toISOString(),
    event.actor,
    event.event,
    event.from ?? null,
    event.to ?? null,
    event.detail === undefined ? null : JSON.stringify(event.detail),
  );
}

export function isLeakStatus(value: string): value is LeakStatus {
  return (LEAK_STATUSES as readonly string[]).includes(value);
}

/**
 * Moves one organisation's leak to a new status, recording who and why. A
 * leak of another organisation is reported as not found, never touched.
 */
export function changeLeakStatus(
  db: Db,
  input: { orgId: number; leakId: number; to: LeakStatus; actor: string; reason?: string | undefined },
  now: Date = new Date(),
): { from: LeakStatus; to: LeakStatus } {
  return db.transaction(() => {
    const from = statement(db, 'SELECT status FROM leaks WHERE id = ? AND org_id = ?').pluck().get(input.leakId, input.orgId) as LeakStatus | undefined;
    if (!from) throw new NotFoundError(`organisation ${input.orgId} has no leak ${input.leakId}`);
    if (from === input.to) throw new InputError(`leak ${input.leakId} is already ${from}`);
    if (!TRANSITIONS[from].includes(input.to)) {
      throw new InputError(`leak ${input.leakId} is ${from}; it can become ${TRANSITIONS[from].join(' or ')}, not ${input.to}`);
    }
    const reason = input.reason?.trim() || null;
    if (input.to === 'ignored' && !reason) throw new InputError('ignoring a leak needs a reason (--reason "…"), e.g. "public on purpose" or "not ours"');
    // Re-opening starts a new generation, so the leak may alert again.
    statement(db, 'UPDATE leaks SET status = ?, status_reason = ?, generation = generation + ? WHERE id = ?').run(
      input.to,
      reason,
      input.to === 'open' ? 1 : 0,
      input.leakId,
    );
    recordLeakEvent(db, { leakId: input.leakId, actor: input.actor, event: 'status', from, to: input.to, detail: reason ? { reason } : undefined, at: now });
    return { from, to: input.to };
  })();
}
