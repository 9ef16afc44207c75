/**
 * An organisation's meetings on the dashboard, through the functions of
 * `leakwatch meeting`: add one (matched at once against the posts stored),
 * remove one, import a CSV file (every bad row shown; nothing imported until
 * the file is right). Admins see and change every meeting; an organiser
 * sees their own.
 *
 * | path | what |
 * | --- | --- |
 * | `GET /orgs/:id/meetings` | the list and the forms |
 * | `POST /orgs/:id/meetings` | add one |
 * | `GET`/`POST /orgs/:id/meetings/:meeting` | change one: title, organiser, passcode, schedule, public (an organiser: their own, not its organiser) |
 * | `POST /orgs/:id/meetings/:meeting/remove` | remove one |
 * | `POST /orgs/:id/meetings/import` | import a CSV or iCalendar file (upload or pasted) |
 * | `POST /orgs/:id/feeds` | subscribe an iCalendar feed (`leakwatch meeting subscribe`), refreshed on `calendars.cron` |
 * | `POST /orgs/:id/feeds/:feed/remove` | end a subscription, with its meetings |
 */
import type { Context, Hono } from 'hono';
import { InputError } from '../errors.js';
import { platformName } from '../notify/rotation.js';
import { listFeeds, subscribeFeed, unsubscribeFeed } from '../registry/calendar-feeds.js';
import { importICalendar, importMeetingCsv } from '../registry/meeting-import.js';
import { decodeText } from '../registry/text-decoding.js';
import { getMeeting, listMeetings, type Meeting, type MeetingChanges, removeMeeting } from '../registry/meetings.js';
import { isRecurring } from '../registry/recurrence.js';
import type { Organisation } from '../registry/organisations.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-deps.js';
import { orgNav, postForm } from './dashboard-organisations.js';
import { actorOf, dashboardPage, idParam, notAllowed, notFound, organisationOf, type SignedIn } from './dashboard-page.js';
import { csrfField, escapeHtml, paragraph, table } from './layout.js';
import { field, formOf, sessionOf } from './sign-in.js';

const CSV_HEADER = 'platform,meeting_id,url,owner_email,title,passcode,starts,ends,recurrence';

export function meetingRoutes(app: Hono<DashboardEnv>, deps: DashboardDeps, signedIn: SignedIn): void {
  const { db, registration } = deps;

  function meetingsPage(c: Context<DashboardEnv>, org: Organisation, message = '', status: 200 | 400 | 409 = 200): Response {
    const access = c.get('access');
    const admin = access.administers(org.id);
    const meetings = listMeetings(db, org.id).filter((m) => admin || m.ownerEmail === access.person.email);
    const now = deps.clock();
    // The rule severity and the alert email apply: a series past its UNTIL or COUNT has ended.
    const repeats = (m: Meeting) => (m.recurrence === null ? '' : isRecurring(m, now) ? 'recurring' : 'series ended');
    const rows = meetings.map((m) => [
      escapeHtml(platformName(m.platform)),
      escapeHtml(m.meetingId),
      escapeHtml(m.title ?? ''),
      escapeHtml(m.ownerEmail),
      escapeHtml([m.startsAt?.replace('T', ' ').slice(0, 16), repeats(m), m.public ? 'public on purpose' : ''].filter(Boolean).join(', ')),
      `<div class="actions"><a href="/orgs/${org.id}/meetings/${m.id}">Edit<span class="visually-hidden"> ${escapeHtml(m.title ?? m.meetingId)}</span></a>${
        admin ? postForm(c, `/orgs/${org.id}/meetings/${m.id}/remove`, `<button type="submit" class="link">Remove<span class="visually-hidden"> ${escapeHtml(m.title ?? m.meetingId)}</span></button>`) : ''
      }</div>`,
    ]);
    const forms = admin
      ? `<h2>Add a meeting</h2>
${postForm(
  c,
  `/orgs/${org.id}/meetings`,
  `<label for="meeting">Join link or meeting id</label><input type="text" id="meeting" name="meeting" required maxlength="2000">
<label for="platform">Platform (not needed with a join link)</label><input type="text" id="platform" name="platform" maxlength="40" placeholder="zoom, teams, google-meet, webex…">
<label for="owner">Organiser's email (alerted)</label><input type="email" id="owner" name="owner" required value="${escapeHtml(sessionOf(c).person.email)}">
<label for="passcode">Passcode (kept only as a salted hash)</label><input type="text" id="passcode" name="passcode" maxlength="100" autocomplete="off">
<label for="title">Title</label><input type="text" id="title" name="title" maxlength="200">
<p><button type="submit">Add meeting</button></p>`,
  '',
)}
<h2>Import a CSV file</h2>
<p class="muted">Columns: <code>${CSV_HEADER}</code>. Every row is checked first; nothing is imported until the whole file is right. An iCalendar file (<code>.ics</code>, exported from a calendar) is read too: its events with a meeting link.</p>
<form method="post" action="/orgs/${org.id}/meetings/import" enctype="multipart/form-data">${csrfField(sessionOf(c).csrf)}
<label for="file">CSV file</label><input type="file" id="file" name="file" accept=".csv,text/csv,.ics,text/calendar">
<label for="csv">Or paste it</label><textarea id="csv" name="csv"></textarea>
<p><button type="submit">Import</button></p></form>
<h2>Calendar feeds</h2>
${feedsTable(c, org)}
${postForm(
  c,
  `/orgs/${org.id}/feeds`,
  `<label for="feed-url">iCalendar feed address (https, or webcal)</label><input type="url" id="feed-url" name="url" required maxlength="2000" inputmode="url">
<label for="feed-owner">Organiser of events that name none</label><input type="email" id="feed-owner" name="owner" value="${escapeHtml(sessionOf(c).person.email)}">
<p><button type="submit">Subscribe</button></p>`,
  '',
)}`
      : '';
    return dashboardPage(
      c,
      `Meetings of ${org.name}`,
      `${orgNav(org)}${message}${meetings.length ? table(['Platform', 'Meeting', 'Title', 'Organiser', 'When', { hidden: 'Change' }], rows) : paragraph('No meetings registered yet.')}${forms}`,
      status,
    );
  }

  /** The organisation's feeds: the host only (a private calendar's address is its secret), last refresh and error. */
  function feedsTable(c: Context<DashboardEnv>, org: Organisation): string {
    const feeds = listFeeds(db, org.id);
    if (feeds.length === 0) return paragraph('No feeds. A subscribed feed is read again on the schedule (every 30 minutes by default): new events are registered, cancelled ones removed.', 'muted');
    return table(
      ['Host', 'Organiser', 'Last refreshed', 'Last error', { hidden: 'Change' }],
      feeds.map((f) => [
        escapeHtml(f.host),
        escapeHtml(f.ownerEmail ?? ''),
        escapeHtml(f.refreshedAt?.slice(0, 16).replace('T', ' ') ?? 'not yet'),
        escapeHtml(f.lastError ?? ''),
        postForm(c, `/orgs/${org.id}/feeds/${f.id}/remove`, '<button type="submit" class="link">Unsubscribe</button>'),
      ]),
    );
  }

  const failure = (error: unknown) => {
    if (!(error instanceof InputError)) throw error;
    const [first, ...rest] = error.message.split('\n');
    return `<div class="error"><p>${escapeHtml(first ?? '')}</p>${rest.length ? `<ul>${rest.map((line) => `<li>${escapeHtml(line.trim())}</li>`).join('')}</ul>` : ''}</div>`;
  };

  app.get('/orgs/:id/meetings', signedIn, function meetingsView(c) {
    const found = organisationOf(c, deps);
    return found ? meetingsPage(c, found.org) : notFound(c);
  });

  app.post('/orgs/:id/meetings', signedIn, async function addMeetingAction(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    try {
      const { meeting, retro } = registration.addMeeting(
        {
          orgId: found.org.id,
          platform: field(form, 'platform') || null,
          meetingId: field(form, 'meeting'),
          ownerEmail: field(form, 'owner'),
          passcode: field(form, 'passcode') || null,
          title: field(form, 'title') || null,
        },
        actorOf(c),
        deps.clock(),
      );
      const seen = retro.references > 0 ? ` Already seen in ${retro.references} stored post(s): ${retro.leaks} leak(s) opened.` : '';
      return meetingsPage(c, found.org, `<p class="notice">${escapeHtml(`Meeting ${meeting.meetingId} added.${seen}`)}</p>`);
    } catch (error) {
      return meetingsPage(c, found.org, failure(error), 400);
    }
  });

  app.post('/orgs/:id/meetings/import', signedIn, async function importMeetings(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    const file = form.file;
    // An uploaded file may be UTF-16 or Windows-1252 (Excel's exports); pasted text is already text.
    const text = typeof file === 'object' && file.size > 0 ? decodeText(new Uint8Array(await file.arrayBuffer())).text : field(form, 'csv');
    if (text === '') return meetingsPage(c, found.org, '<p class="error">Choose a CSV file or paste its contents.</p>', 400);
    const actor = actorOf(c);
    const store = (prepared: Parameters<typeof registration.upsertMeeting>[0]) => registration.upsertMeeting(prepared, actor, deps.clock());
    try {
      // A calendar export is read as one (the same function as `leakwatch meeting import FILE.ics`), anything else as CSV.
      const result = /^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text)
        ? importICalendar(db, text, { orgId: found.org.id, origin: 'ics', defaultOwner: c.get('access').person.email }, store, actor)
        : await importMeetingCsv(db, text, { orgId: found.org.id }, store, actor);
      const warnings = result.warnings.map((w) => `<p class="warning">${escapeHtml(`${w.charAt(0).toUpperCase()}${w.slice(1)}.`)}</p>`).join('');
      return meetingsPage(c, found.org, `<p class="notice">${escapeHtml(`${result.added} meeting(s) added, ${result.updated} updated.`)}</p>${warnings}`);
    } catch (error) {
      return meetingsPage(c, found.org, failure(error), 400);
    }
  });

  app.post('/orgs/:id/feeds', signedIn, async function subscribe(c) {
    const found = organisationOf(c, deps);
    if (!found) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    const form = (await formOf(c))!;
    try {
      const feed = subscribeFeed(db, { orgId: found.org.id, url: field(form, 'url'), ownerEmail: field(form, 'owner') || undefined }, deps.urlGuard ?? { allowPrivateHosts: false }, actorOf(c), deps.clock());
      return meetingsPage(c, found.org, `<p class="notice">${escapeHtml(`Subscribed to the feed at ${feed.host}: its events are read at the next refresh.`)}</p>`);
    } catch (error) {
      return meetingsPage(c, found.org, failure(error), 400);
    }
  });

  app.post('/orgs/:id/feeds/:feed/remove', signedIn, function unsubscribe(c) {
    const found = organisationOf(c, deps);
    const feedId = idParam(c, 'feed');
    if (!found || feedId === null) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    if (!listFeeds(db, found.org.id).some((f) => f.id === feedId)) return notFound(c);
    const { removedMeetings } = unsubscribeFeed(db, found.org.id, feedId, actorOf(c));
    return meetingsPage(c, found.org, `<p class="notice">${escapeHtml(`Feed removed, with its ${removedMeetings} meeting(s).`)}</p>`);
  });

  /** The meeting of the path when the person may change it (an admin: any; an organiser: their own), else the answer to give. */
  function editable(c: Context<DashboardEnv>): { org: Organisation; meeting: Meeting; admin: boolean } | Response {
    const found = organisationOf(c, deps);
    const meetingId = idParam(c, 'meeting');
    if (!found || meetingId === null) return notFound(c);
    let meeting: Meeting;
    try {
      meeting = getMeeting(db, found.org.id, meetingId);
    } catch (error) {
      if (error instanceof InputError) return notFound(c);
      throw error;
    }
    const access = c.get('access');
    const admin = access.administers(found.org.id);
    // Another organiser's meeting is not theirs to see: not found, as on the list.
    if (!admin && meeting.ownerEmail !== access.person.email) return notFound(c);
    return { org: found.org, meeting, admin };
  }

  function editPage(c: Context<DashboardEnv>, org: Organisation, meeting: Meeting, admin: boolean, message = '', status: 200 | 400 = 200, values?: Record<string, string>): Response {
    const value = (name: string, current: string | null) => escapeHtml(values?.[name] ?? current ?? '');
    const owner = admin
      ? `<label for="owner">Organiser's email (alerted)</label><input type="email" id="owner" name="owner" required value="${value('owner', meeting.ownerEmail)}">`
      : `<p>Organiser: ${escapeHtml(meeting.ownerEmail)} <span class="muted">(an admin can change it)</span></p>`;
    const form = postForm(
      c,
      `/orgs/${org.id}/meetings/${meeting.id}`,
      `<label for="title">Title</label><input type="text" id="title" name="title" maxlength="200" value="${value('title', meeting.title)}">
${owner}
<label for="passcode">New passcode</label><input type="text" id="passcode" name="passcode" maxlength="100" autocomplete="off" aria-describedby="passcode-hint">
<p class="muted" id="passcode-hint">${escapeHtml(meeting.hasPasscode ? 'A passcode is registered (kept only as a salted hash). Leave this empty to keep it; after rotating the passcode on the platform, enter the new one here: its leaks then say whether what was posted still works.' : 'None registered. With one, leaks say whether the posted passcode works.')}</p>
${meeting.hasPasscode ? '<p class="check"><input type="checkbox" id="forget" name="forget" value="on"> <label for="forget" class="choice">Forget the registered passcode</label></p>' : ''}
<label for="starts">Starts (ISO 8601 with its offset, e.g. 2026-09-01T09:00+01:00)</label><input type="text" id="starts" name="starts" maxlength="40" value="${value('starts', meeting.startsAt)}">
<label for="ends">Ends</label><input type="text" id="ends" name="ends" maxlength="40" value="${value('ends', meeting.endsAt)}">
<label for="recurrence">Repeats (RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE)</label><input type="text" id="recurrence" name="recurrence" maxlength="1000" value="${value('recurrence', meeting.recurrence)}">
<p class="check"><input type="checkbox" id="public" name="public" value="on"${(values ? values.public === 'on' : meeting.public) ? ' checked' : ''}> <label for="public" class="choice">Public on purpose (its leaks are not alerted)</label></p>
<p><button type="submit">Save</button> <a href="/orgs/${org.id}/meetings">Back to the meetings</a></p>`,
      '',
    );
    return dashboardPage(c, `${platformName(meeting.platform)} meeting ${meeting.meetingId}`, `${orgNav(org)}${message}${form}`, status);
  }

  app.get('/orgs/:id/meetings/:meeting', signedIn, function editMeetingView(c) {
    const found = editable(c);
    return found instanceof Response ? found : editPage(c, found.org, found.meeting, found.admin);
  });

  app.post('/orgs/:id/meetings/:meeting', signedIn, async function editMeetingAction(c) {
    const found = editable(c);
    if (found instanceof Response) return found;
    const form = (await formOf(c))!;
    const text = (name: string) => field(form, name);
    const passcode = text('passcode');
    const changes: MeetingChanges = {
      title: text('title') || null,
      ownerEmail: found.admin ? text('owner') : undefined,
      passcode: passcode !== '' ? passcode : text('forget') === 'on' ? null : undefined,
      startsAt: text('starts') || null,
      endsAt: text('ends') || null,
      recurrence: text('recurrence') || null,
      public: text('public') === 'on',
    };
    try {
      const { meeting, reassessed } = registration.updateMeeting(found.org.id, found.meeting.id, changes, actorOf(c), deps.clock());
      const note = reassessed > 0 ? ` ${reassessed} of its leaks were compared with the new passcode again.` : '';
      return editPage(c, found.org, meeting, found.admin, `<p class="notice" role="status">${escapeHtml(`Saved.${note}`)}</p>`);
    } catch (error) {
      // What was typed stays in the form (never the passcode), with the problem above it.
      const values = { title: text('title'), owner: text('owner'), starts: text('starts'), ends: text('ends'), recurrence: text('recurrence'), public: text('public') };
      return editPage(c, found.org, found.meeting, found.admin, failure(error), 400, values);
    }
  });

  app.post('/orgs/:id/meetings/:meeting/remove', signedIn, function removeMeetingAction(c) {
    const found = organisationOf(c, deps);
    const meetingId = idParam(c, 'meeting');
    if (!found || meetingId === null) return notFound(c);
    if (!c.get('access').administers(found.org.id)) return notAllowed(c);
    try {
      removeMeeting(db, found.org.id, meetingId, actorOf(c));
    } catch (error) {
      if (error instanceof InputError) return notFound(c);
      throw error;
    }
    return c.redirect(`/orgs/${found.org.id}/meetings`, 303);
  });
}
