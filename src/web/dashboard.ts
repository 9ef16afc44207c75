/**
 * The dashboard's pages, server-rendered, usable without JavaScript. Every
 * page is behind {@link requireSession} and reads through the same
 * functions as the CLI, scoped by the person's {@link Access}: an id of an
 * organisation they may not see is answered 404, exactly like an id that
 * does not exist, so nothing tells the two apart.
 *
 * | path | what |
 * | --- | --- |
 * | `GET /` | the person's organisations: open leaks by severity, emails waiting |
 * | `/orgs/new`, `/orgs/:id` | create an organisation; its identifiers (how to prove each) and people (`dashboard-organisations.ts`) |
 * | `/orgs/:id/meetings` | its meetings: add, remove, import a CSV file (`dashboard-meetings.ts`) |
 * | `/orgs/:id/connections` | its Zoom / Microsoft / Google connections, for admins (`dashboard-connections.ts`) |
 * | `/orgs/:id/settings` | notification settings and webhooks, for admins (`dashboard-settings.ts`) |
 * | `/orgs/:id/leaks`, `/leaks/:id` | its leaks, filtered and paged; one leak, its sightings, history and status buttons (`dashboard-leaks.ts`) |
 */
import { Hono } from 'hono';
import { type Access, visibleOrganisations } from '../registry/people.js';
import { statement } from '../store/statements.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { leakRoutes } from './dashboard-leaks.js';
import { meetingRoutes } from './dashboard-meetings.js';
import { organisationRoutes } from './dashboard-organisations.js';
import { settingsRoutes } from './dashboard-settings.js';
import { connectionRoutes } from './dashboard-connections.js';
import { tokenRoutes } from './dashboard-tokens.js';
import type { LeakStatus } from '../match/lifecycle.js';
import { dashboardPage, OPEN_STATUSES, SEVERITIES, visibleLeakCounts } from './dashboard-page.js';
import { csrfField, escapeHtml, paragraph, table } from './layout.js';
import { requireSession, sessionOf } from './sign-in.js';

/** Messages of the organisation not sent yet; for an organiser, those to them. */
function emailsWaiting(deps: DashboardDeps, access: Access, orgId: number): number {
  const sql = "SELECT count(*) FROM outbox WHERE org_id = ? AND status IN ('pending', 'sending')";
  return (access.roleIn(orgId) === 'organiser'
    ? statement(deps.db, `${sql} AND recipient = ?`).pluck().get(orgId, access.person.email)
    : statement(deps.db, sql).pluck().get(orgId)) as number;
}

/** The sources being read, from the health report: whether each works and when it last read (installation-wide, no organisation's data). */
function sourcesPanel(deps: DashboardDeps): string {
  const report = deps.health?.report();
  if (!report) return '';
  const rows = Object.entries(report.sources)
    .filter(([, source]) => source.enabled)
    .map(([name, source]) => [
      escapeHtml(name),
      escapeHtml(source.stale ? `${source.state}, stale` : source.state),
      escapeHtml(source.lastSuccessAt?.slice(0, 16).replace('T', ' ') ?? 'never'),
      escapeHtml(source.lastErrorKind ?? ''),
    ]);
  const state = report.status === 'ok' ? 'All is well.' : `Needs attention: ${report.problems.join('; ')}`;
  return `<h2>Sources</h2>${paragraph(state, 'muted')}${rows.length ? table(['Source', 'State', 'Last read (UTC)', 'Last error'], rows) : paragraph('No source is enabled.')}`;
}

/** The dashboard's routes, to mount at the root. */
export function dashboardRoutes(deps: DashboardDeps): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const signedIn = requireSession(deps);

  app.get('/', signedIn, function overview(c) {
    const access = c.get('access');
    const orgs = visibleOrganisations(deps.db, access);
    const rows = orgs.map((org) => {
      const open = { total: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0 } };
      for (const status of OPEN_STATUSES) {
        const counts = visibleLeakCounts(deps, access, { orgId: org.id, status: status as LeakStatus });
        open.total += counts.total;
        for (const s of SEVERITIES) open.bySeverity[s] += counts.bySeverity[s];
      }
      const bySeverity = SEVERITIES.map((s) => String(open.bySeverity[s]));
      return [`<a href="/orgs/${org.id}">${escapeHtml(org.name)}</a>`, escapeHtml(org.role), ...bySeverity, `<a href="/orgs/${org.id}/leaks">${open.total}</a>`, String(emailsWaiting(deps, access, org.id))];
    });
    const body = orgs.length
      ? table(['Organisation', 'Your role', 'Critical', 'High', 'Medium', 'Low', 'Open leaks', 'Emails waiting'], rows)
      : paragraph('You are not in any organisation yet. Create one for your school, or ask its leakwatch admin to add you.');
    return dashboardPage(
      c,
      'Your organisations',
      `${body}<p><a class="button" href="/orgs/new">Create an organisation</a></p>${sourcesPanel(deps)}
<form method="post" action="/sign-out/everywhere">${csrfField(sessionOf(c).csrf)}<button type="submit" class="link">Sign out on every device</button></form>`,
    );
  });

  organisationRoutes(app, deps, signedIn);
  meetingRoutes(app, deps, signedIn);
  tokenRoutes(app, deps, signedIn);
  settingsRoutes(app, deps, signedIn);
  connectionRoutes(app, deps, signedIn);
  leakRoutes(app, deps, signedIn);
  return app;
}
