/**
 * Leaks on the dashboard, through the functions of `leakwatch leaks`: an
 * organisation's list with filters and pages, and one leak with its
 * sightings (post text masked when stored, escaped here), severity, reasons,
 * history and the status buttons (`changeLeakStatus`). An organiser sees the
 * leaks of their own meetings only; any other leak is not found.
 *
 * | path | what |
 * | --- | --- |
 * | `GET /orgs/:id/leaks?status=&severity=&platform=&page=` | the list |
 * | `GET /leaks/:id` | one leak |
 * | `POST /leaks/:id/status` | acknowledge, resolve, ignore (with a reason), reopen |
 */
import type { Context, Hono } from 'hono';
import { InputError } from '../errors.js';
import { getLeak, type LeakDetail } from '../match/leaks.js';
import { changeLeakStatus, isLeakStatus, LEAK_STATUSES, type LeakStatus } from '../match/lifecycle.js';
import { safeHref } from '../notify/html.js';
import { platformName } from '../notify/rotation.js';
import { maskMeetingId } from '../notify/templates.js';
import { statement } from '../store/statements.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { orgNav, postForm } from './dashboard-organisations.js';
import type { Severity } from '../match/severity.js';
import { SOURCE_NAMES } from '../config/schema.js';
import { actorOf, dashboardPage, idParam, notFound, organisationOf, SEVERITIES, type SignedIn, visibleLeakCounts, visibleLeaks } from './dashboard-page.js';
import { escapeHtml, paragraph, table } from './layout.js';
import { field, formOf } from './sign-in.js';

/** Leaks per page of the list. */
export const LEAKS_PER_PAGE = 50;
/** How much of a post's text a sighting shows. */
const EXCERPT_CHARS = 600;

const BUTTONS: { to: LeakStatus; label: string; reason?: true }[] = [
  { to: 'acknowledged', label: 'Acknowledge' },
  { to: 'resolved', label: 'Resolved: I rotated it' },
  { to: 'ignored', label: 'Ignore', reason: true },
  { to: 'open', label: 'Reopen' },
];

function option(value: string, label: string, selected: string): string {
  return `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function when(iso: string | null): string {
  return iso === null ? '' : `${iso.replace('T', ' ').slice(0, 16)} UTC`;
}

function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

export function leakRoutes(app: Hono<DashboardEnv>, deps: DashboardDeps, signedIn: SignedIn): void {
  const { db } = deps;

  app.get('/orgs/:id/leaks', signedIn, function leaksView(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    const { org } = found;
    const access = c.get('access');
    const status = c.req.query('status') ?? '';
    const severity = c.req.query('severity') ?? '';
    const platform = c.req.query('platform') ?? '';
    const source = c.req.query('source') ?? '';
    // A meeting as people write it (spaces, dashes); stored ids are the digits of numeric ones.
    const meeting = (c.req.query('meeting') ?? '').trim().slice(0, 100);
    const meetingId = /^[\d\s-]+$/.test(meeting) ? meeting.replace(/\D/g, '') : meeting;
    const sinceDay = /^\d{4}-\d{2}-\d{2}$/.test(c.req.query('since') ?? '') ? c.req.query('since')! : '';
    const pageNumber = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    // Only what the filters name exactly is asked for: an unknown status or severity lists nothing, as before.
    const filter = {
      orgId: org.id,
      status: (status || undefined) as LeakStatus | undefined,
      severity: (severity || undefined) as Severity | undefined,
      platform: platform || undefined,
      source: source || undefined,
      meetingId: meetingId || undefined,
      since: sinceDay ? `${sinceDay}T00:00:00.000Z` : undefined,
    };
    const platforms = visibleLeakCounts(deps, access, { orgId: org.id }).platforms;
    const total = visibleLeakCounts(deps, access, filter).total;
    const pages = Math.max(1, Math.ceil(total / LEAKS_PER_PAGE));
    const shown = visibleLeaks(deps, access, { ...filter, limit: LEAKS_PER_PAGE, offset: (pageNumber - 1) * LEAKS_PER_PAGE });
    const filters = `<form method="get" action="/orgs/${org.id}/leaks" class="filters">
<div><label for="status">Status</label><select id="status" name="status">${option('', 'any', status)}${LEAK_STATUSES.map((s) => option(s, s, status)).join('')}</select></div>
<div><label for="severity">Severity</label><select id="severity" name="severity">${option('', 'any', severity)}${SEVERITIES.map((s) => option(s, s, severity)).join('')}</select></div>
<div><label for="platform">Platform</label><select id="platform" name="platform">${option('', 'any', platform)}${platforms.map((p) => option(p, platformName(p), platform)).join('')}</select></div>
<div><label for="source">Seen on</label><select id="source" name="source">${option('', 'any', source)}${SOURCE_NAMES.map((s) => option(s, s, source)).join('')}</select></div>
<div><label for="meeting">Meeting id</label><input type="text" id="meeting" name="meeting" value="${escapeHtml(meeting)}" maxlength="100" inputmode="numeric"></div>
<div><label for="since">Seen since</label><input type="date" id="since" name="since" value="${escapeHtml(sinceDay)}"></div>
<div><button type="submit">Filter</button></div></form>`;
    const rows = shown.map((l) => [
      `<a href="/leaks/${l.id}">${escapeHtml(`${platformName(l.platform)} ${l.meeting?.title ? `“${l.meeting.title}”` : maskMeetingId(l.meetingId)}`)}</a>`,
      `<span class="severity-${escapeHtml(l.severity)}">${escapeHtml(l.severity)}</span>`,
      escapeHtml(l.status),
      String(l.sightings),
      escapeHtml(when(l.lastSeen)),
    ]);
    const query = (n: number) => `?${new URLSearchParams({ status, severity, platform, source, meeting, since: sinceDay, page: String(n) }).toString()}`;
    const paging =
      pages > 1
        ? `<p>${pageNumber > 1 ? `<a href="${escapeHtml(query(pageNumber - 1))}">Previous</a> · ` : ''}page ${pageNumber} of ${pages}${pageNumber < pages ? ` · <a href="${escapeHtml(query(pageNumber + 1))}">Next</a>` : ''}</p>`
        : '';
    return dashboardPage(
      c,
      `Leaks of ${org.name}`,
      `${orgNav(org)}${filters}<p class="muted">${total} leak(s)</p>${shown.length ? table(['Meeting', 'Severity', 'Status', 'Sightings', 'Last seen'], rows) : paragraph('No leaks.')}${paging}`,
    );
  });

  /** The leak of `:id` when the person may see it, else null. */
  function leakOf(c: Context<DashboardEnv>): LeakDetail | null {
    const id = idParam(c, 'id');
    if (id === null) return null;
    const orgId = statement(db, 'SELECT org_id FROM leaks WHERE id = ?').pluck().get(id) as number | undefined;
    if (orgId === undefined || c.get('access').roleIn(orgId) === null) return null;
    const leak = getLeak(db, orgId, id);
    return c.get('access').seesLeak(leak) ? leak : null;
  }

  function leakPage(c: Context<DashboardEnv>, leak: LeakDetail, message = '', status: 200 | 409 = 200): Response {
    const orgName = statement(db, 'SELECT name FROM organisations WHERE id = ?').pluck().get(leak.orgId) as string;
    const meeting = leak.meeting?.title ? `“${leak.meeting.title}” (${maskMeetingId(leak.meetingId)})` : maskMeetingId(leak.meetingId);
    const sightings = leak.evidence.map((e) => {
      const href = e.url === null ? null : safeHref(e.url);
      const where = href ? `<a href="${escapeHtml(href)}" rel="noreferrer noopener">${escapeHtml(e.source)}</a>` : escapeHtml(e.source);
      return `<li>${where}${e.author ? ` by ${escapeHtml(e.author)}` : ''}, ${escapeHtml(when(e.postedAt))}${e.passcode ? ` — passcode shown: <code>${escapeHtml(e.passcode)}</code>${e.inReply ? ' (in a reply)' : ''}` : ''}${e.hostStart ? ' — host link' : ''}
<blockquote>${escapeHtml(excerpt(e.text))}</blockquote></li>`;
    });
    const history = leak.events.map((e) => [
      escapeHtml(when(e.at)),
      escapeHtml(e.actor),
      escapeHtml(`${e.event}${e.from ? ` ${e.from}` : ''}${e.to ? ` → ${e.to}` : ''}`),
      escapeHtml(e.detail === null ? '' : typeof e.detail === 'object' && e.detail !== null && 'reason' in e.detail ? String((e.detail as { reason: unknown }).reason) : JSON.stringify(e.detail)),
    ]);
    const buttons = BUTTONS.map(({ to, label, reason }) =>
      postForm(
        c,
        `/leaks/${leak.id}/status`,
        `<input type="hidden" name="to" value="${to}">${reason ? `<label for="reason">Why (kept in the history)</label><input type="text" id="reason" name="reason" required maxlength="500" placeholder="not ours, public on purpose…"> ` : ''}<button type="submit"${to === 'ignored' ? ' class="secondary"' : ''}>${escapeHtml(label)}</button>`,
      ),
    ).join('\n');
    return dashboardPage(
      c,
      `${platformName(leak.platform)} meeting ${meeting}`,
      `<p class="muted"><a href="/orgs/${leak.orgId}/leaks">Leaks of ${escapeHtml(orgName)}</a></p>${message}
<p>Severity <strong class="severity-${escapeHtml(leak.severity)}">${escapeHtml(leak.severity)}</strong>, status <strong>${escapeHtml(leak.status)}</strong>${leak.statusReason ? ` (${escapeHtml(leak.statusReason)})` : ''}; ${leak.sightings} sighting(s), first ${escapeHtml(when(leak.firstSeen))}, last ${escapeHtml(when(leak.lastSeen))}.</p>
${leak.meeting ? paragraph(`Organiser: ${leak.meeting.ownerEmail}`) : ''}
<h2>Why this severity</h2><ul>${leak.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
<h2>Change its status</h2><div class="actions">${buttons}</div>
<h2>Where it was seen</h2><ul>${sightings.join('\n')}</ul>
<h2>History</h2>${history.length ? table(['When', 'Who', 'What', 'Why'], history) : paragraph('Nothing yet.')}`,
      status,
    );
  }

  app.get('/leaks/:id', signedIn, function leakView(c) {
    const leak = leakOf(c);
    return leak ? leakPage(c, leak) : notFound(c);
  });

  app.post('/leaks/:id/status', signedIn, async function changeStatus(c) {
    const leak = leakOf(c);
    if (!leak) return notFound(c);
    const form = (await formOf(c))!;
    const to = field(form, 'to');
    try {
      if (!isLeakStatus(to)) throw new InputError(`"${to}" is not a leak status`);
      changeLeakStatus(db, { orgId: leak.orgId, leakId: leak.id, to, actor: actorOf(c), reason: field(form, 'reason') || undefined }, deps.clock());
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return leakPage(c, leak, `<p class="error">${escapeHtml(error.message)}</p>`, 409);
    }
    return c.redirect(`/leaks/${leak.id}`, 303);
  });
}
