import { createTask } from 'node-cron';

/** How many upcoming runs are compared: enough to span a weekend for a twice-a-weekday schedule. */
const RUNS = 16;

/**
 * The longest gap, in milliseconds, between the next runs of a node-cron
 * expression. The longest rather than the first: `0 9,10 * * 1-5` runs an
 * hour apart but also waits a weekend, and a source is not late before its
 * schedule says it should have run again. Null when the expression has fewer
 * than two runs ahead.
 */
export function cronIntervalMs(expression: string): number | null {
  // A task is node-cron's own reading of the expression; it is never started.
  const task = createTask(expression, () => {});
  try {
    const runs = task.getNextRuns(RUNS);
    let longest: number | null = null;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest ?? 0, runs[i]!.getTime() - runs[i - 1]!.getTime());
    return longest;
  } finally {
    void task.destroy();
  }
}
