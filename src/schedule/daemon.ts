import { setLogger } from 'node-cron';
import { crawlerFor } from '../../crawlers/index.js';
import { type Config, type Secrets, SOURCE_NAMES } from '../config/schema.js';
import { httpClientFromConfig } from '../crawl/http-client.js';
import { runCrawl } from '../crawl/runner.js';
import type { Logger } from '../logger.js';
import { Matcher, matchSettingsFrom } from '../match/matcher.js';
import { Registration } from '../match/registration.js';
import { listConnections } from '../connect/connections.js';
import { secretKeyFrom } from '../connect/secret-box.js';
import { connectionSessionsFrom, syncConnection } from '../connect/sync.js';
import { rotateLeak } from '../connect/rotation.js';
import { listFeeds, refreshFeed } from '../registry/calendar-feeds.js';
import { verificationSettingsFrom } from '../registry/identifiers.js';
import { type Db, quickCheck } from '../store/database.js';
import { runHousekeeping } from '../store/housekeeping.js';
import { describeHolder, type LeaseHolder, leaseHolder, withLease } from '../store/leases.js';
import { Scheduler } from './scheduler.js';
import { linkKey, purgeUsedLinks } from '../notify/links.js';
import { Notifier } from '../notify/worker.js';
import { HealthCheck } from '../web/health.js';
import { startWebServer, type WebServer } from '../web/server.js';
import { purgeSignIns } from '../web/sessions.js';

export interface DaemonOptions {
  config: Config;
  secrets: Secrets;
  db: Db;
  log: Logger;
  /** Who leases the work this daemon does. Default: a holder of its own. */
  holder?: LeaseHolder;
}

export interface Daemon {
  scheduler: Scheduler;
  /** Where the web endpoint listens (`http://host:port`), or null when `web.enabled` is false. */
  webUrl: string | null;
  /** Stops the scheduler and the outbox worker, waits for running work, closes the web endpoint and the database. */
  stop(): Promise<void>;
}

/**
 * The jobs `leakwatch run` schedules for this configuration. Each run of a
 * job is leased under the job's name (a crawl under `crawl:SOURCE`, by the
 * runner), so that of several daemons on one database one runs it and the
 * others skip that turn.
 */
export function buildScheduler(
  { config, secrets, db, log, holder = leaseHolder() }: DaemonOptions,
  matcher: Matcher,
  registration: Registration,
  /** Called after each crawl and feed refresh, which may have queued alerts (the daemon wakes the outbox worker). */
  afterWrite: () => void = () => {},
): Scheduler {
  const scheduler = new Scheduler(log);
  /** Runs a job's work under its lease, or reports who holds it. */
  const leased = async <T>(name: string, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T> | T) => {
    const outcome = await withLease({ db, name, holder, ttlMs: config.leases.ttlMs, log: log.child({ job: name }), signal }, async (leaseSignal) => work(leaseSignal));
    if (outcome.ran) return outcome.value;
    return { status: 'skipped', heldBy: `${describeHolder(outcome.heldBy)}, until ${outcome.heldBy.expiresAt}` };
  };
  scheduler.add({
    name: 'housekeeping',
    cron: config.housekeeping.cron,
    run: (signal) =>
      leased('housekeeping', signal, () => ({
        ...runHousekeeping(db, { postsMaxAgeDays: config.retention.postsMaxAgeDays }),
        usedLinksPurged: purgeUsedLinks(db, new Date()),
        signInsPurged: purgeSignIns(db, config.web, new Date()),
      })),
  });
  const http = httpClientFromConfig(config.http);
  for (const name of SOURCE_NAMES) {
    const crawler = crawlerFor(name);
    const source = config.sources[name];
    if (!source.enabled) continue;
    if (!crawler) {
      log.warn({ source: name }, 'source enabled but leakwatch has no crawler for it yet; skipped');
      continue;
    }
    scheduler.add({
      name: `crawl:${name}`,
      cron: source.cron,
      jitterSecs: source.jitterSecs,
      // The runner logged the error with its kind; the job's result does not repeat it.
      run: (signal) => runCrawl({ db, matcher, crawler, config, secrets, http, log, signal, holder }).then(({ error: _logged, ...result }) => result).finally(afterWrite),
      // A walk that reached its page cap with more waiting goes on now: a backlog drains at the source's request pace, not one cap per scheduled time.
      again: (result) => (result as { backlog?: boolean }).backlog === true,
    });
  }
  scheduler.add({
    name: 'calendar-feeds',
    cron: config.calendars.cron,
    jitterSecs: 60,
    run: (signal) =>
      leased('calendar-feeds', signal, async (leaseSignal) => {
        const outcomes = { imported: 0, notModified: 0, failed: 0 };
        for (const feed of listFeeds(db)) {
          if (leaseSignal.aborted) break;
          const outcome = await refreshFeed(db, feed.id, http, (prepared) => registration.upsertMeeting(prepared, 'calendar-feed'), 'calendar-feed', { signal: leaseSignal });
          if (outcome.status === 'failed') log.warn({ feed: feed.id, host: feed.host, error: outcome.error }, 'calendar feed refresh failed');
          outcomes[outcome.status === 'imported' ? 'imported' : outcome.status === 'not-modified' ? 'notModified' : 'failed']++;
        }
        afterWrite();
        return outcomes;
      }),
  });
  // Sessions outlive a run: an access token is used until shortly before it expires.
  const sessions = connectionSessionsFrom(config);
  scheduler.add({
    name: 'connections',
    cron: config.connections.cron,
    jitterSecs: 60,
    run: (signal) =>
      leased('connections', signal, async (leaseSignal) => {
        const outcomes = { ok: 0, failed: 0, revoked: 0 };
        const connections = listConnections(db);
        if (connections.length === 0) return outcomes;
        // Checked at start-up when set; unset, every sync fails saying so, and the connections show it.
        const key = secrets.secretKey === undefined ? null : secretKeyFrom(secrets.secretKey);
        for (const connection of connections) {
          if (leaseSignal.aborted) break;
          const outcome = await syncConnection(db, connection.id, { key, registration, sessions, log, actor: 'connection-sync', signal: leaseSignal });
          outcomes[outcome.status]++;
        }
        afterWrite();
        return outcomes;
      }),
  });
  return scheduler;
}

/**
 * Starts the work of `leakwatch run` on an open, migrated database: the
 * scheduled jobs, the outbox worker and the web endpoint for email links.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const cronLog = options.log.child({ component: 'cron' });
  setLogger({
    info: (message) => cronLog.debug(message),
    // Its one warning says a run was skipped for overlapping the previous one, which the scheduler logs already.
    warn: (message) => cronLog.debug(message),
    error: (message, err) => cronLog.error({ err: err ?? message }, String(message)),
    debug: (message) => cronLog.debug(String(message)),
  });
  const { config, secrets, db, log } = options;
  // A malformed key stops the start, as a bad configuration does; an absent one only fails the connections' syncs.
  if (secrets.secretKey !== undefined) secretKeyFrom(secrets.secretKey);
  const startedAt = new Date();
  const check = quickCheck(db, startedAt);
  if (check.ok) log.info({ durationMs: check.durationMs }, 'database quick check passed');
  else log.error({ result: check.result, durationMs: check.durationMs }, 'database quick check failed: /healthz reports it; restore a backup (`leakwatch db backup` makes them)');
  const holder = options.holder ?? leaseHolder();
  const matcher = new Matcher(db, matchSettingsFrom(config));
  const registration = new Registration(db, matcher);
  let web: WebServer | null = null;
  const rotationSessions = connectionSessionsFrom(config);
  if (config.web.enabled) {
    try {
      const health = new HealthCheck({ db, config, secrets, startedAt, quickCheck: check });
      web = await startWebServer({
        db,
        linkKey: linkKey(db, secrets.linkSecret),
        onVerified: registration.onVerified,
        log: log.child({ component: 'web' }),
        host: config.web.host,
        port: config.web.port,
        health,
        app: {
          dashboard: {
            settings: config.web,
            verification: verificationSettingsFrom(config),
            registration,
            urlGuard: config.http,
            webhooks: { secret: secrets.webhookSecret, timeoutMs: config.http.timeoutMs, userAgent: config.http.userAgent },
            notify: config.notify,
            connections: { key: secrets.secretKey === undefined ? null : secretKeyFrom(secrets.secretKey), sessions: rotationSessions },
          },
          zoomWebhooks: { key: secrets.secretKey === undefined ? null : secretKeyFrom(secrets.secretKey), registration, sessions: rotationSessions },
          // "Rotate it for me": the alert's fourth button, through the meeting's platform connection.
          rotate: (input) =>
            rotateLeak(db, input, {
              key: secrets.secretKey === undefined ? null : secretKeyFrom(secrets.secretKey),
              registration,
              sessions: rotationSessions,
              log: log.child({ component: 'rotation' }),
            }),
        },
      });
    } catch (error) {
      // Crawling and alerting matter more than the pages behind the email buttons: run without them, loudly.
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      log.error(
        { host: config.web.host, port: config.web.port, reason: why },
        `web endpoint not started: cannot listen on ${config.web.host}:${config.web.port} (${why}); the links in emails will not work until web.port is changed or the port is freed`,
      );
    }
  }
  const notifier = new Notifier({ db, config, secrets, log, holder });
  // Alerts a crawl queued go out now, not at the next poll.
  const scheduler = buildScheduler({ ...options, holder }, matcher, registration, () => notifier.wake());
  scheduler.start();
  notifier.start();
  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    webUrl: web?.url ?? null,
    stop() {
      stopping ??= (async () => {
        await Promise.all([scheduler.stop(), notifier.stop(), web?.close()]);
        db.close();
      })();
      return stopping;
    },
  };
}
