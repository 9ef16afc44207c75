import type { Db } from './database.js';

export interface HousekeepingOptions {
  /** Posts fetched longer ago than this are deleted with their sightings (waiting replies too). */
  postsMaxAgeDays: number;
  /** Defaults to the current time. */
  now?: Date;
}

export interface HousekeepingResult {
  postsDeleted: number;
  walCheckpointed: boolean;
}

/**
 * Keeps the database from growing for ever: old posts and their sightings go
 * (leaks and their audit trail stay, so history survives), and so do replies
 * still waiting for the post they answer (their masked passcode goes with
 * them), the WAL is
 * checkpointed and truncated, and SQLite refreshes its query statistics.
 */
export function runHousekeeping(db: Db, options: HousekeepingOptions): HousekeepingResult {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.postsMaxAgeDays * 86_400_000).toISOString();
  const { changes } = db.prepare('DELETE FROM posts WHERE fetched_at < ?').run(cutoff);
  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  db.pragma('optimize');
  return { postsDeleted: changes, walCheckpointed: checkpoint?.busy === 0 };
}
