import type { HttpBindings } from '@hono/node-server';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Registration } from '../match/registration.js';
import type { VerificationSettings } from '../registry/identifiers.js';
import type { NotifyDefaults } from '../registry/org-settings.js';
import type { Access } from '../registry/people.js';
import type { DashboardConnections } from './dashboard-connections.js';
import type { Db } from '../store/database.js';
import type { HealthCheck } from './health.js';
import type { UrlGuardOptions } from '../net/guard-options.js';
import type { Session } from './sessions.js';

/** What the dashboard needs beyond the email-link pages. */
export interface DashboardOptions {
  /** The `web.*` settings: public address, sign-in link and session lifetimes, proxy trust, rate limits. */
  settings: Config['web'];
  /** What identifier verification needs (`verification.*`, `web.publicUrl`), as for `leakwatch identifier`. */
  verification: VerificationSettings;
  /** Registers meetings with their retro-hunt, as `leakwatch meeting add` does. */
  registration: Registration;
  /** Where a calendar feed a person subscribes may be fetched from (`http.*`): checked as every URL a user gives. Default: public addresses only. */
  urlGuard?: UrlGuardOptions | undefined;
  /** The installation's `notify.*` defaults the settings page shows next to an organisation's own. Default: the embedded defaults. */
  notify?: NotifyDefaults | undefined;
  /** Platform connections (`LEAKWATCH_SECRET_KEY`, the sessions): the connections page. Absent: it says accounts cannot be connected. */
  connections?: DashboardConnections | undefined;
  /** How an organisation's webhooks are signed and called, for their "send a test" button. Absent: webhooks cannot be added. */
  webhooks?: WebhookSettings | undefined;
}

export interface WebhookSettings {
  /** `LEAKWATCH_WEBHOOK_SECRET`: each webhook's key is derived from it. Absent: webhooks cannot be added. */
  secret: string | undefined;
  /** `http.timeoutMs`, `http.userAgent`. */
  timeoutMs: number;
  userAgent: string;
}

export interface DashboardDeps extends DashboardOptions {
  db: Db;
  log: Logger;
  clock: () => Date;
  /** What `/healthz` reports: the overview shows the sources' part. None outside `leakwatch run`. */
  health?: HealthCheck | undefined;
}

/** The Hono environment of signed-in pages: the node request (for the client address), the session and what it may see. */
export type DashboardEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { session: Session; access: Access };
};
