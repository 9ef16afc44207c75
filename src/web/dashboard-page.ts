/** What every dashboard page shares: the signed-in shell, the one "not found", ids from the path, the scope of leaks. */
import type { Context, MiddlewareHandler } from 'hono';
import { countLeaks, type LeakFilter, listLeaks, type LeakSummary } from '../match/leaks.js';
import { type Organisation, getOrganisation } from '../registry/organisations.js';
import type { Access, Role } from '../registry/people.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { page, paragraph } from './layout.js';
import { sessionOf } from './sign-in.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Statuses of a leak still waiting for someone to act. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['open', 'notified', 'acknowledged']);

/** The guard every signed-in route takes. */
export type SignedIn = MiddlewareHandler<DashboardEnv>;

type PageStatus = 200 | 400 | 403 | 404 | 409 | 429;

/** A signed-in page. */
export function dashboardPage(c: Context<DashboardEnv>, title: string, body: string, status: PageStatus = 200): Response {
  const session = sessionOf(c);
  return c.html(page(title, body, { email: session.person.email, csrf: session.csrf }), status);
}

/** The one answer to an id the person may not see, or that does not exist: nothing tells the two apart. */
export function notFound(c: Context<DashboardEnv>): Response {
  return dashboardPage(c, 'Not found', paragraph('There is nothing here, or nothing you may see.'), 404);
}

/** The answer to a change the person's role does not allow in an organisation they see. */
export function notAllowed(c: Context<DashboardEnv>): Response {
  return dashboardPage(c, 'Not allowed', paragraph("Only the organisation's admins can change this. Nothing was changed."), 403);
}

/** A positive id from the path, or null. */
export function idParam(c: Context<DashboardEnv>, name: string): number | null {
  const raw = c.req.param(name) ?? '';
  if (!/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/** The organisation of `:id` with the person's role in it, or null when they may not see it (or it does not exist). */
export function organisationOf(c: Context<DashboardEnv>, deps: DashboardDeps): { org: Organisation; role: Role } | null {
  const id = idParam(c, 'id');
  if (id === null) return null;
  const role = c.get('access').roleIn(id);
  if (role === null) return null;
  try {
    return { org: getOrganisation(deps.db, id), role };
  } catch {
    return null;
  }
}

/** The organisation of `:id` when the person administers it; otherwise the answer to give (404 unseen, 403 not an admin). */
export function administeredOrganisation(c: Context<DashboardEnv>, deps: DashboardDeps): Organisation | Response {
  const found = organisationOf(c, deps);
  if (!found) return notFound(c);
  return c.get('access').administers(found.org.id) ? found.org : notAllowed(c);
}

/** The leaks of an organisation the person may see (an organiser: of their own meetings), most urgent first. */
export function visibleLeaks(deps: DashboardDeps, access: Access, filter: LeakFilter & { orgId: number }): LeakSummary[] {
  return listLeaks(deps.db, { ...filter, meetingOwner: access.leakOwner(filter.orgId) });
}

/** How many of an organisation's leaks the person may see, by severity and platform (the same scope as {@link visibleLeaks}). */
export function visibleLeakCounts(deps: DashboardDeps, access: Access, filter: Omit<LeakFilter, 'order' | 'afterId' | 'limit' | 'offset'> & { orgId: number }) {
  return countLeaks(deps.db, { ...filter, meetingOwner: access.leakOwner(filter.orgId) });
}

/** Who did it, for the audit log and the leak's history. */
export function actorOf(c: Context<DashboardEnv>): string {
  return `web:${sessionOf(c).person.email}`;
}
