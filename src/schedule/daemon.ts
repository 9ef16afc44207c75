import { setLogger } from 'node-cron';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Db } from '../store/database.js';
import { runHousekeeping } from '../store/housekeeping.js';
import { Scheduler } from './scheduler.js';

export interface DaemonOptions {
  config: Config;
  db: Db;
  log: Logger;
}

export interface Daemon {
  scheduler: Scheduler;
  /** Stops the scheduler, waits for running jobs, closes the database. */
  stop(): Promise<void>;
}

/** The jobs `leakwatch run` schedules for this configuration. */
export function buildScheduler({ config, db, log }: DaemonOptions): Scheduler {
  const scheduler = new Scheduler(log);
  scheduler.add({
    name: 'housekeeping',
    cron: config.housekeeping.cron,
    run: () => runHousekeeping(db, { postsMaxAgeDays: config.retention.postsMaxAgeDays }),
  });
  return scheduler;
}

/** Starts the scheduled work of `leakwatch run` on an open, migrated database. */
export function startDaemon(options: DaemonOptions): Daemon {
  const cronLog = options.log.child({ component: 'cron' });
  setLogger({
    info: (message) => cronLog.debug(message),
    warn: (message) => cronLog.warn(message),
    error: (message, err) => cronLog.error({ err: err ?? message }, String(message)),
    debug: (message) => cronLog.debug(String(message)),
  });
  const scheduler = buildScheduler(options);
  scheduler.start();
  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    stop() {
      stopping ??= (async () => {
        await scheduler.stop();
        options.db.close();
      })();
      return stopping;
    },
  };
}
