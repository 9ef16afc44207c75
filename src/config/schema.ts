import { validateDetailed } from 'node-cron';
import { z } from 'zod';
import { normaliseHostPort } from '../net/url-guard.js';

/**
 * The one schema of leakwatch's configuration. Every value has a shipped
 * default in `config/default.json`; a file given with `--config`, `LEAKWATCH_*`
 * environment variables and command-line flags are merged over it, in that
 * order, and the result must pass this schema. Objects are strict so that a
 * misspelt key is reported instead of silently ignored.
 */

/** A cron expression node-cron accepts (5 fields, or 6 with seconds). */
export const cronExpression = z.string().superRefine(function checkCron(value, ctx) {
  const result = validateDetailed(value);
  if (!result.valid) {
    const why = result.errors.map((e) => e.message).join('; ');
    ctx.addIssue({ code: 'custom', message: `invalid cron expression ${JSON.stringify(value)}${why ? `: ${why}` : ''}` });
  }
});

/** An absolute http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: (issue) => `not an http(s) URL: ${JSON.stringify(issue.input)}` });

const name = z.string().trim().min(1, 'must not be empty');

/** `host:port`, as `http.allowHosts` lists them. */
const hostPort = z.string().superRefine(function checkHostPort(value, ctx) {
  try {
    normaliseHostPort(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
const positiveInt = z.int().positive();

/** At most `max` requests per `windowMinutes`. */
const rateLimit = z.strictObject({ max: positiveInt, windowMinutes: positiveInt });
/** A token bucket: `burst` requests at once, `perSecond` earned back each second. */
const bucket = z.strictObject({ burst: positiveInt, perSecond: z.number().positive() });

/** What every source has: whether it runs and when. */
const sourceBase = {
  /** Whether `leakwatch run` schedules this source. */
  enabled: z.boolean(),
  /** When it runs (node-cron syntax, local time). */
  cron: cronExpression,
  /** Up to this many seconds of random delay before each run, so sources do not all fire at once. */
  jitterSecs: z.int().min(0).max(3600),
  /** At least this long between two requests to the source (its published rate limit); robots.txt Crawl-delay may make it longer. */
  requestIntervalMs: z.int().min(0),
};

/** Per-source settings (DESIGN.md §6). Names and keys are a public contract. */
export const sourcesSchema = z.strictObject({
  reddit: z.strictObject({ ...sourceBase, baseUrl: httpUrl, subreddits: z.array(name), queries: z.array(name) }),
  mastodon: z.strictObject({ ...sourceBase, instances: z.array(httpUrl), hashtags: z.array(name), queries: z.array(name) }),
  bluesky: z.strictObject({ ...sourceBase, baseUrl: httpUrl, queries: z.array(name) }),
  hackernews: z.strictObject({ ...sourceBase, baseUrl: httpUrl, queries: z.array(name) }),
  fourchan: z.strictObject({ ...sourceBase, baseUrl: httpUrl, boards: z.array(name) }),
  telegram: z.strictObject({ ...sourceBase, baseUrl: httpUrl, channels: z.array(name) }),
  lemmy: z.strictObject({ ...sourceBase, instances: z.array(httpUrl), communities: z.array(name), queries: z.array(name) }),
  discourse: z.strictObject({ ...sourceBase, instances: z.array(httpUrl) }),
  rss: z.strictObject({ ...sourceBase, feeds: z.array(httpUrl) }),
  x: z.strictObject({ ...sourceBase, baseUrl: httpUrl, queries: z.array(name) }),
  webpage: z.strictObject({ ...sourceBase, pages: z.array(httpUrl) }),
});

type SourceKey = keyof typeof sourcesSchema.shape;
const SOURCE_KEYS = Object.keys(sourcesSchema.shape) as SourceKey[];

/** An optional value per source name (`{ "rss": 240 }`); unknown names are refused like any misspelt key. */
function perSource<T extends z.ZodType>(value: T) {
  return z.strictObject(Object.fromEntries(SOURCE_KEYS.map((key) => [key, value.optional()])) as { [K in SourceKey]: z.ZodOptional<T> });
}

export const configSchema = z.strictObject({
  db: z.strictObject({
    /** SQLite file; relative paths are taken from the working directory. Env `LEAKWATCH_DB`, flag `--db`. */
    path: name,
    /** How long a write waits for a lock held by another connection. */
    busyTimeoutMs: z.int().min(0),
    /** Size the WAL file is truncated back to after a checkpoint. */
    journalSizeLimitBytes: z.int().min(0),
  }),
  log: z.strictObject({
    /** pino level. Env `LEAKWATCH_LOG_LEVEL`, flag `--log-level`. */
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
  retention: z.strictObject({
    /** Posts (and their sightings) older than this are deleted by housekeeping; leaks and their audit trail stay. */
    postsMaxAgeDays: positiveInt,
  }),
  housekeeping: z.strictObject({
    /** When retention, WAL checkpoint and `PRAGMA optimize` run. */
    cron: cronExpression,
  }),
  leases: z.strictObject({
    /**
     * How long work a process has claimed (an outbox message being sent, a
     * source being crawled, a scheduled job) stays claimed without news from
     * it. The holder renews its lease every third of this while the work runs;
     * when a process dies, its work goes to another after at most this long.
     */
    ttlMs: z.int().min(1000),
  }),
  http: z.strictObject({
    /** Sent with every request; names leakwatch and how to reach its operator. */
    userAgent: name,
    /** Appended to the User-Agent so site operators can reach us. */
    contactUrl: httpUrl,
    timeoutMs: positiveInt,
    maxResponseBytes: positiveInt,
    maxRedirects: z.int().min(0).max(20),
    retries: z.int().min(0).max(10),
    /** Let a deployment (or a test) fetch loopback, private and link-local addresses. Default false. */
    allowPrivateHosts: z.boolean(),
    /**
     * `host:port` pairs fetched even though they are not public (an intranet
     * calendar server, `127.0.0.1:8080`), without opening every private
     * address as `allowPrivateHosts` does. A name in it is trusted whatever it
     * resolves to; redirects and a rendered page's requests elsewhere are still
     * checked. Default none.
     */
    allowHosts: z.array(hostPort),
    /**
     * DNS servers (`host` or `host:port`) names are resolved with before
     * connecting, instead of the system's resolver; the addresses are checked
     * the same either way. Default none: the system's resolver (/etc/hosts, then DNS).
     */
    dnsServers: z.array(name),
    respectRobotsTxt: z.boolean(),
  }),
  mail: z.strictObject({
    /** Sender of every email. Env `LEAKWATCH_MAIL_FROM`. */
    from: z.email({ error: (issue) => `not an email address: ${JSON.stringify(issue.input)}` }),
    replyTo: z.email({ error: (issue) => `not an email address: ${JSON.stringify(issue.input)}` }).nullable(),
    /**
     * SMTP server without credentials (`smtp://mail.example:587`). A URL with a
     * password belongs in the environment: `LEAKWATCH_SMTP_URL`.
     */
    smtpUrl: z
      .string()
      .refine(function isSmtpUrl(value) {
        try {
          return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, { error: (issue) => `not an smtp:// or smtps:// URL: ${JSON.stringify(issue.input)}` })
      .nullable(),
  }),
  verification: z.strictObject({
    /** DNS servers asked for `leakwatch-verification` TXT records (`host` or `host:port`); empty: the system's resolvers. */
    dnsServers: z.array(name),
    dnsTimeoutMs: positiveInt,
    /** How long a DNS token or an emailed verification link stays valid. */
    tokenTtlHours: positiveInt,
    /**
     * Microsoft's sign-in service, asked by `identifier verify --method tenant` for the
     * tenant of each verified email domain (`<url>/<domain>/v2.0/.well-known/openid-configuration`).
     * Fetched through the HTTP client and its address guard (`http.*`).
     */
    microsoftLoginUrl: httpUrl,
  }),
  matching: z.strictObject({
    /** A meeting starting within this many hours of a sighting raises its severity. */
    startingSoonHours: positiveInt,
    /** This many posts of one meeting (or posts on two sources) raise its severity. */
    repeatedPosts: z.int().min(2),
  }),
  calendars: z.strictObject({
    /** When subscribed iCalendar feeds are refreshed. */
    cron: cronExpression,
  }),
  connections: z.strictObject({
    /** When connected platform accounts are synchronised (meetings imported, identifiers proven). Default every 30 minutes. */
    cron: cronExpression,
    /** Longest `Retry-After` a platform API is waited for before the sync gives up until its next run. Default 120. */
    maxRetryAfterSecs: z.int().min(0).max(3600),
    /** Zoom Server-to-Server OAuth. Base URLs are configurable so that tests point them at local servers. */
    zoom: z.strictObject({
      /** Token endpoint base (`<oauthUrl>/oauth/token`). Default `https://zoom.us`. */
      oauthUrl: httpUrl,
      /** REST API base (`<apiUrl>/v2/...`). Default `https://api.zoom.us`. */
      apiUrl: httpUrl,
    }),
    /** Microsoft 365 through an Entra app registration (client credentials). */
    microsoft: z.strictObject({
      /** Token endpoint base (`<loginUrl>/<tenant>/oauth2/v2.0/token`). Default `https://login.microsoftonline.com`. */
      loginUrl: httpUrl,
      /** Microsoft Graph base (`<graphUrl>/v1.0/...`). Default `https://graph.microsoft.com`. */
      graphUrl: httpUrl,
    }),
    /** Google Workspace through a service account with domain-wide delegation. */
    google: z.strictObject({
      /** OAuth token endpoint (JWT bearer grant). Default `https://oauth2.googleapis.com/token`. */
      tokenUrl: httpUrl,
      /** Admin SDK Directory API base (`<directoryUrl>/admin/directory/v1/...`). Default `https://admin.googleapis.com`. */
      directoryUrl: httpUrl,
      /** Calendar API base (`<calendarUrl>/calendar/v3/...`). Default `https://www.googleapis.com`. */
      calendarUrl: httpUrl,
    }),
  }),
  notify: z.strictObject({
    /** How often `leakwatch run` looks for messages that are due. */
    pollIntervalMs: positiveInt,
    /** Messages sent at once (and SMTP connections kept open). */
    concurrency: z.int().min(1).max(64),
    /** Attempts before a message is marked dead (`leakwatch outbox retry ID` sends it again). */
    maxAttempts: z.int().min(1).max(100),
    /** Wait after the first failure; doubled after each further one (with jitter), up to `backoffMaxMs`. */
    backoffBaseMs: positiveInt,
    backoffMaxMs: positiveInt,
    /** How long one send may take: the SMTP connection, greeting and socket timeouts are half of it (at most 60 s each). */
    sendTimeoutMs: positiveInt,
    /** Later sightings of an alerted leak are gathered into one digest per recipient at most every this many hours. */
    digestHours: positiveInt,
    /** At most this many alerts and digests per recipient in 24 hours; the rest wait (they are never dropped). */
    dailyCap: positiveInt,
    /** A high or critical leak still not acknowledged this long after its alert is escalated to the organisation's admins. */
    escalateAfterMinutes: positiveInt,
    /** How long the action links in an email (resolve, acknowledge, ignore) work. */
    linkTtlHours: positiveInt,
    /**
     * JSON POSTs signed with HMAC-SHA256 (key: `LEAKWATCH_WEBHOOK_SECRET`) for
     * every alert, Slack-compatible (`text`). `orgs` limits one to those
     * organisations; absent, it receives every organisation's alerts.
     */
    webhooks: z.array(z.strictObject({ url: httpUrl, orgs: z.array(positiveInt).optional() })),
  }),
  ingest: z.strictObject({
    /**
     * A post's text longer than this many bytes (UTF-8) is cut before it is
     * read for meetings, the rest replaced by a note `[… cut: N bytes]`: for
     * crawled posts and `leakwatch ingest` lines alike. Default 262144 (256 KiB).
     */
    maxPostBytes: z.int().min(1024),
  }),
  health: z.strictObject({
    /**
     * `/healthz` calls a source stale when it has not succeeded for this many
     * minutes. Default null: per source, three times the longest gap between
     * the next runs of its `cron`.
     */
    staleAfterMinutes: positiveInt.nullable(),
    /** The same per source (`{ "webpage": 1440 }`), over `staleAfterMinutes`. Default none. */
    sourceStaleAfterMinutes: perSource(positiveInt),
    /** `/healthz` says the outbox is backing up when a message has been due for longer than this. Default 15. */
    outboxMaxAgeMinutes: positiveInt,
  }),
  web: z.strictObject({
    /** The address people reach leakwatch's web endpoint at; links in emails start with it. */
    publicUrl: httpUrl,
    /** Whether `leakwatch run` serves the endpoint for the links in emails. */
    enabled: z.boolean(),
    /** Where it listens. Put it behind a TLS-terminating proxy that `publicUrl` names. */
    host: name,
    port: z.int().min(0).max(65535),
    /** How long a sign-in link mailed to a person works (it works once). Default 15. */
    magicLinkTtlMinutes: z.int().min(1).max(1440),
    /** A dashboard session ends after this many minutes without a request. Default 480 (8 hours). */
    sessionIdleMinutes: positiveInt,
    /** A dashboard session ends this many days after sign-in, however busy. Default 30. */
    sessionMaxDays: positiveInt,
    /**
     * The client address for rate limits is the last one in `X-Forwarded-For`
     * (what the proxy in front added) instead of the connection's. Only for a
     * proxy that sets it; anyone can send the header. Default false.
     */
    trustProxy: z.boolean(),
    /** Requests allowed per fixed window, counted in the web process's memory. */
    rateLimits: z.strictObject({
      /** Sign-in links asked for one address. Default 5 per 15 minutes. */
      signInPerAddress: rateLimit,
      /** Sign-in links asked for from one client address. Default 20 per 15 minutes. */
      signInPerIp: rateLimit,
      /** Sign-in links opened or used from one client address (guessing them is futile; scanning is not welcome). Default 30 per 15 minutes. */
      tokenPerIp: rateLimit,
      /** Organisations one person creates. Default 10 per day. */
      organisationsPerPerson: rateLimit,
      /** Test calls to an organisation's webhooks ("send a test"). Default 10 per 15 minutes. */
      webhookTestsPerOrganisation: rateLimit,
      /** Requests of one API token. Default 120 at once, 10 a second after. */
      apiTokenRequests: bucket,
      /** API requests from one client address, counted before the token is read. Default 300 at once, 20 a second after. */
      apiAddressRequests: bucket,
    }),
  }),
  sources: sourcesSchema,
});

export type Config = z.infer<typeof configSchema>;
export type SourceName = keyof Config['sources'];
export const SOURCE_NAMES = Object.keys(sourcesSchema.shape) as SourceName[];

/**
 * Secrets come only from the environment, never from a file, so a config file
 * can be committed or shared. Key → environment variable.
 */
export const SECRET_ENV = {
  smtpUrl: 'LEAKWATCH_SMTP_URL',
  linkSecret: 'LEAKWATCH_LINK_SECRET',
  webhookSecret: 'LEAKWATCH_WEBHOOK_SECRET',
  xBearerToken: 'LEAKWATCH_X_BEARER_TOKEN',
  blueskyAppPassword: 'LEAKWATCH_BLUESKY_APP_PASSWORD',
  mastodonToken: 'LEAKWATCH_MASTODON_TOKEN',
  /** 32 bytes (64 hex digits or base64) that encrypt platform credentials at rest (`src/connect/secret-box.ts`). */
  secretKey: 'LEAKWATCH_SECRET_KEY',
} as const;

export type Secrets = { -readonly [K in keyof typeof SECRET_ENV]?: string };
