import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import { explainSqliteError } from '../store/sqlite-errors.js';

/** Something `leakwatch run` does on a schedule. */
export interface Job {
  /** Unique among the scheduler's jobs; used in logs. */
  name: string;
  /** node-cron expression. */
  cron: string;
  /** Up to this many seconds of random delay before each run. Default 0. */
  jitterSecs?: number;
  /** The work. It should stop early when `signal` aborts (the daemon is shutting down). */
  run(signal: AbortSignal): Promise<unknown> | unknown;
  /** Whether a run's result asks for another run at once (a crawl that left a backlog), not at the next scheduled time. */
  again?(result: unknown): boolean;
}

/**
 * Runs jobs on their cron expressions, never two runs of one job at once, and
 * on {@link Scheduler.stop} stops the timers, aborts the running jobs' signal
 * and waits for them to finish.
 */
export class Scheduler {
  #log: Logger;
  #jobs = new Map<string, Job>();
  #tasks: ScheduledTask[] = [];
  #running = new Set<Promise<void>>();
  #abort = new AbortController();
  /** Jobs running again at once for a backlog. */
  #continuing = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Adds a job; refuses a second job with the same name. */
  add(job: Job): this {
    if (this.#jobs.has(job.name)) throw new Error(`a job named "${job.name}" is already scheduled`);
    this.#jobs.set(job.name, job);
    return this;
  }

  get jobNames(): string[] {
    return [...this.#jobs.keys()];
  }

  start(): void {
    for (const job of this.#jobs.values()) {
      const task = createTask(job.cron, () => this.runNow(job.name), {
        name: job.name,
        noOverlap: true,
        maxRandomDelay: (job.jitterSecs ?? 0) * 1000,
        suppressMissedWarning: true,
      });
      task.on('execution:overlap', () => {
        // Draining a backlog runs past the schedule on purpose; otherwise a run longer than the interval is worth a look.
        if (this.#continuing.has(job.name)) this.#log.debug({ job: job.name }, 'still reading a backlog; this scheduled run skipped');
        else this.#log.warn({ job: job.name }, 'previous run still going; this run skipped');
      });
      task.start();
      this.#tasks.push(task);
      this.#log.info({ job: job.name, cron: job.cron, next: task.getNextRun()?.toISOString() }, 'job scheduled');
    }
  }

  /** Runs a job at once (as the cron would), logging its outcome; failures are logged, not thrown. */
  async runNow(name: string): Promise<void> {
    const job = this.#jobs.get(name);
    if (!job) throw new Error(`no job named "${name}"`);
    if (this.#abort.signal.aborted) return;
    const log = this.#log.child({ job: name });
    const signal = this.#abort.signal;
    const run = (async () => {
      // A run whose result asks for another (a backlog) is followed by one at once, as one turn of the schedule.
      for (let round = 1; ; round++) {
        const started = Date.now();
        try {
          const result = await job.run(signal);
          const again = !signal.aborted && (job.again?.(result) ?? false);
          log.info({ durationMs: Date.now() - started, result, ...(round > 1 || again ? { round, again } : {}) }, again ? 'job finished; running it again now (backlog)' : 'job finished');
          if (!again) return;
          this.#continuing.add(name);
          // Timers and I/O (a stop among them) get their turn between rounds, however quickly a round returns.
          await new Promise((resolve) => setImmediate(resolve));
        } catch (error) {
          // A database at fault is the operator's to fix, not a bug: its explanation, without a stack at every run.
          const database = explainSqliteError(error);
          if (database === null) log.error({ err: error, durationMs: Date.now() - started }, 'job failed');
          else log.error({ error: database, durationMs: Date.now() - started }, `job failed: ${database}`);
          return;
        }
      }
    })();
    this.#running.add(run);
    try {
      await run;
    } finally {
      this.#running.delete(run);
      this.#continuing.delete(name);
    }
  }

  /** Stops every timer, aborts running jobs and waits until they have returned. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#tasks.map((task) => task.destroy()));
    this.#tasks = [];
    await Promise.all(this.#running);
  }
}
