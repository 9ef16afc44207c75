import { configWarnings } from '../config/warnings.js';
import { DatabaseError } from '../errors.js';
import { startDaemon } from '../schedule/daemon.js';
import { migrate } from '../store/database.js';
import { checkIntegrity, describeDamage } from '../store/integrity.js';
import { type CommandContext, openConfiguredDatabase } from './context.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * `leakwatch run`: check the database (`PRAGMA quick_check`: a damaged one is
 * refused with what fixes it), migrate, schedule the jobs, and run until
 * SIGINT/SIGTERM, then stop the cron, let running jobs finish, close the
 * database and exit 0. A second signal while stopping exits at once.
 */
export async function runCommand(context: CommandContext): Promise<number> {
  const { log, config } = context;
  const db = openConfiguredDatabase(context);
  const checkStarted = Date.now();
  const integrity = checkIntegrity(db, config.db.path);
  if (!integrity.ok) {
    db.close();
    throw new DatabaseError(
      `database ${config.db.path} is damaged (PRAGMA quick_check: ${describeDamage(integrity)}: ${integrity.problems[0]}); leakwatch run does not start on it. Fix: ${integrity.fix}. \`leakwatch db status\` lists every problem`,
    );
  }
  log.debug({ durationMs: Date.now() - checkStarted }, 'database checked (PRAGMA quick_check)');
  for (const warning of configWarnings(config, context.secrets)) log.warn({ warning: warning.code }, warning.message);
  const migration = migrate(db);
  if (migration.applied.length > 0) log.info(migration, 'database migrated');

  // Listen before saying we run: a signal that arrives right after the line must stop us cleanly, not kill us.
  const stopSignal = new Promise<NodeJS.Signals>(function waitForStop(resolve) {
    for (const name of STOP_SIGNALS) process.once(name, () => resolve(name));
  });
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon({ config, secrets: context.secrets, db, log });
  } catch (error) {
    db.close();
    throw error;
  }
  log.info({ db: config.db.path, jobs: daemon.scheduler.jobNames, web: daemon.webUrl, configFiles: context.files }, 'leakwatch running');

  const signal = await stopSignal;
  log.info({ signal }, 'stopping');
  const forceExit = () => {
    log.warn('second signal: exiting without waiting');
    process.exit(130);
  };
  for (const name of STOP_SIGNALS) process.once(name, forceExit);
  await daemon.stop();
  for (const name of STOP_SIGNALS) process.off(name, forceExit);
  log.info('stopped');
  return 0;
}
