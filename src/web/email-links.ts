/**
 * The pages behind the buttons in leakwatch's emails (DESIGN.md §10, paths
 * fixed):
 *
 * | path | what |
 * | --- | --- |
 * | `GET /a/<token>` | a page asking to confirm resolve / acknowledge / ignore |
 * | `POST /a/<token>` | does it, once (the link's nonce is recorded) |
 * | `GET`/`POST /unsubscribe/<token>` | unsubscribe (the POST is RFC 8058 one-click) |
 * | `GET`/`POST /manage/<token>` | the recipient's leaks at the organisation; unsubscribe or subscribe again |
 * | `GET`/`POST /verify/<token>` | confirms control of a domain (identifier verification by email) |
 * | `GET /r/<token>` | a page saying what "Rotate it for me" will do, and its button |
 * | `POST /r/<token>` | rotates the meeting through its platform connection, once |
 *
 * A GET never changes anything: mail scanners (Outlook Safe Links and the
 * like) fetch every link in an email, so each action needs a button press,
 * a POST. The signed link is the credential: these forms carry no session.
 */
import { Hono, type Context } from 'hono';
import type { RotationResult } from '../connect/rotation.js';
import { CredentialError } from '../connect/credential-error.js';
import { InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { changeLeakStatus, type LeakStatus } from '../match/lifecycle.js';
import { isUnsubscribed } from '../notify/compose.js';
import { type LeakAction, LEAK_ACTIONS, type LinkClaims, linkUsed, useLink, verifyLink } from '../notify/links.js';
import { platformName } from '../notify/rotation.js';
import { maskMeetingId } from '../notify/templates.js';
import { confirmVerificationToken, type OnVerified } from '../registry/identifiers.js';
import { audit } from '../store/audit.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { readForm } from './form.js';
import { escapeHtml, page, table } from './layout.js';

export interface EmailLinkDeps {
  db: Db;
  /** The key action links are signed with (`linkKey`). */
  linkKey: Buffer;
  onVerified: OnVerified;
  log: Logger;
  clock: () => Date;
  /** Rotates a leak's meeting through its connection; absent, rotation links say it is not available. */
  rotate?: Rotate | undefined;
}

/** `rotateLeak` bound to the daemon's connections and key. */
export type Rotate = (input: { orgId: number; leakId: number; actor: string }) => Promise<RotationResult>;

const ACTION_WORDS: Record<LeakAction, { title: string; button: string; done: string; to: LeakStatus }> = {
  resolve: { title: 'Mark this leak as resolved', button: 'I rotated it', done: 'Marked as resolved. Thank you: if the meeting is posted again, you will hear from us.', to: 'resolved' },
  acknowledge: { title: 'Acknowledge this leak', button: 'Acknowledge', done: 'Acknowledged. Your admins will not be alerted about it; remember to rotate the meeting.', to: 'acknowledged' },
  ignore: { title: 'Not ours, or public on purpose', button: 'Not ours / public on purpose', done: 'Marked as ignored. No more emails about this leak.', to: 'ignored' },
};

type Refusal = 'malformed' | 'bad-signature' | 'expired' | 'used';

const REFUSALS: Record<Refusal, readonly [400 | 403 | 410 | 409, string, string]> = {
  malformed: [400, 'This link is not valid', 'The link is incomplete or damaged. Open it from the email again, or copy the whole address.'],
  'bad-signature': [403, 'This link is not valid', 'The link was changed or was not made by this leakwatch. Nothing was done.'],
  expired: [410, 'This link has expired', 'For safety, the links in our emails work for a limited time. Nothing was done; newer emails carry fresh links, or ask your IT admin.'],
  used: [409, 'This link was used already', 'Each link works once, and this one has done its job. Nothing more was done.'],
};

function refusal(c: Context, reason: Refusal): Response {
  const [status, title, body] = REFUSALS[reason];
  return c.html(page(title, `<p>${escapeHtml(body)}</p>`), status);
}

interface LeakSummary {
  id: number;
  org_name: string;
  platform: string;
  meeting_id: string;
  title: string | null;
  status: LeakStatus;
  severity: string;
  meeting_ref: number | null;
}

const LEAK_SUMMARY = `SELECT l.id, o.name AS org_name, l.platform, l.meeting_id, m.title, l.status, l.severity, l.meeting_ref
  FROM leaks l JOIN organisations o ON o.id = l.org_id LEFT JOIN meetings m ON m.id = l.meeting_ref`;

function describe(leak: LeakSummary): string {
  const meeting = leak.title ? `“${leak.title}” (${maskMeetingId(leak.meeting_id)})` : maskMeetingId(leak.meeting_id);
  return `${platformName(leak.platform)} meeting ${meeting} of ${leak.org_name}`;
}

class UsedLink extends Error {}

/** The routes of the email links, to mount at the root. */
export function emailLinkRoutes(deps: EmailLinkDeps): Hono {
  const { db, log, clock } = deps;
  const app = new Hono();

  function checked(c: Context, actions: readonly string[]): LinkClaims | Response {
    const check = verifyLink(deps.linkKey, c.req.param('token') ?? '', clock());
    if (!check.ok) return refusal(c, check.reason);
    if (!actions.includes(check.claims.action)) return refusal(c, 'malformed');
    return check.claims;
  }

  function orgName(orgId: number): string {
    return (statement(db, 'SELECT name FROM organisations WHERE id = ?').pluck().get(orgId) as string | undefined) ?? 'this organisation';
  }

  /** Links in a sample email (`leakwatch notify test`) or of a deleted organisation lead nowhere. */
  function orgGone(c: Context, claims: LinkClaims): Response | null {
    if (statement(db, 'SELECT 1 FROM organisations WHERE id = ?').pluck().get(claims.orgId) === 1) return null;
    return c.html(page('Nothing to manage', '<p>This link belongs to a sample email or to an organisation that is no longer registered. Nothing was changed.</p>'), 404);
  }

  function setSubscribed(claims: LinkClaims, subscribed: boolean): void {
    const now = clock();
    db.transaction(() => {
      const changed = subscribed
        ? statement(db, 'DELETE FROM unsubscribes WHERE org_id = ? AND email = ?').run(claims.orgId, claims.recipient).changes
        : statement(db, 'INSERT INTO unsubscribes (org_id, email, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(claims.orgId, claims.recipient, now.toISOString()).changes;
      if (changed > 0) {
        audit(db, { actor: `email:${claims.recipient}`, orgId: claims.orgId, action: subscribed ? 'recipient.subscribed' : 'recipient.unsubscribed', subject: claims.recipient, at: now });
      }
    })();
  }

  /** Where the leak's sightings and history are: its dashboard page, after signing in (it comes back here). */
  const dashboardLink = (leakId: number) => `<p><a href="/leaks/${leakId}">Every sighting and the history of this leak</a> (you sign in with your email address).</p>`;

  app.on(['GET', 'POST'], '/a/:token', async function leakAction(c) {
    const claims = checked(c, LEAK_ACTIONS);
    if (claims instanceof Response) return claims;
    const words = ACTION_WORDS[claims.action as LeakAction];
    const leak = statement(db, `${LEAK_SUMMARY} WHERE l.id = ? AND l.org_id = ?`).get(claims.leakId, claims.orgId) as LeakSummary | undefined;
    if (leak === undefined) return c.html(page('Leak not found', '<p>This leak no longer exists. Nothing was done.</p>'), 404);
    if (linkUsed(db, claims)) return refusal(c, 'used');
    if (c.req.method !== 'POST') {
      const reason =
        claims.action === 'ignore'
          ? `<p><label class="choice"><input type="radio" name="reason" value="not ours" checked> This meeting is not ours</label>
<label class="choice"><input type="radio" name="reason" value="public on purpose"> It is public on purpose${leak.meeting_ref !== null ? ' (no alerts about this meeting again)' : ''}</label></p>`
          : '';
      return c.html(
        page(
          words.title,
          `<p>${escapeHtml(describe(leak))}: severity <strong>${escapeHtml(leak.severity)}</strong>, now <strong>${escapeHtml(leak.status)}</strong>.</p>
<form method="post">${reason}<button type="submit">${escapeHtml(words.button)}</button></form>
<p class="muted">This link works once.</p>${dashboardLink(leak.id)}`,
        ),
      );
    }
    const form = await readForm(c);
    const reason = claims.action === 'ignore' ? (form.get('reason') === 'public on purpose' ? 'public on purpose' : 'not ours') : undefined;
    const now = clock();
    const actor = `email:${claims.recipient}`;
    try {
      db.transaction(() => {
        if (!useLink(db, claims, now)) throw new UsedLink();
        changeLeakStatus(db, { orgId: claims.orgId, leakId: leak.id, to: words.to, actor, reason }, now);
        if (reason === 'public on purpose' && leak.meeting_ref !== null) {
          statement(db, 'UPDATE meetings SET public = 1 WHERE id = ? AND org_id = ?').run(leak.meeting_ref, claims.orgId);
          audit(db, { actor, orgId: claims.orgId, action: 'meeting.allow-listed', subject: `meeting ${leak.meeting_ref}`, detail: { leak: leak.id }, at: now });
        }
      })();
    } catch (error) {
      if (error instanceof UsedLink) return refusal(c, 'used');
      if (error instanceof InputError) return c.html(page('Nothing to do', `<p>${escapeHtml(error.message)}.</p>`), 409);
      throw error;
    }
    log.info({ leak: leak.id, action: claims.action, by: claims.recipient }, 'leak changed from an email link');
    return c.html(page('Done', `<p>${escapeHtml(describe(leak))}</p><p>${escapeHtml(words.done)}</p>${dashboardLink(leak.id)}`));
  });

  app.on(['GET', 'POST'], '/r/:token', async function rotateAction(c) {
    const claims = checked(c, ['rotate']);
    if (claims instanceof Response) return claims;
    const leak = statement(db, `${LEAK_SUMMARY} WHERE l.id = ? AND l.org_id = ?`).get(claims.leakId, claims.orgId) as LeakSummary | undefined;
    if (leak === undefined) return c.html(page('Leak not found', '<p>This leak no longer exists. Nothing was done.</p>'), 404);
    if (linkUsed(db, claims)) return refusal(c, 'used');
    if (!deps.rotate) return c.html(page('Not available', '<p>Rotation through a platform connection is not available on this leakwatch now. Nothing was done: rotate the meeting in its own settings, then press "I rotated it" in the email.</p>'), 409);
    if (c.req.method !== 'POST') {
      return c.html(
        page(
          'Rotate this meeting for me',
          `<p>${escapeHtml(describe(leak))}: severity <strong>${escapeHtml(leak.severity)}</strong>, now <strong>${escapeHtml(leak.status)}</strong>.</p>
<p>Through your organisation's ${escapeHtml(platformName(leak.platform))} connection, leakwatch gives the meeting a new random passcode (so a new join link) and turns its waiting room on. The link and passcode that were posted stop working at once; <strong>your pupils then need the new invitation</strong>, which you copy from ${escapeHtml(platformName(leak.platform))}. The leak is marked resolved.</p>
<form method="post"><button type="submit">Rotate it</button></form>
<p class="muted">This link works once.</p>${dashboardLink(leak.id)}`,
        ),
      );
    }
    await readForm(c);
    const now = clock();
    // Claimed before the platform is called, so two presses cannot rotate twice; given back if it fails.
    if (!useLink(db, claims, now)) return refusal(c, 'used');
    let result: RotationResult;
    try {
      result = await deps.rotate({ orgId: claims.orgId, leakId: leak.id, actor: `email:${claims.recipient}` });
    } catch (error) {
      statement(db, 'DELETE FROM used_links WHERE nonce = ?').run(claims.nonce);
      const known = error instanceof InputError || error instanceof CredentialError;
      if (!known) log.warn({ leak: leak.id, err: error }, 'rotation failed');
      const why = known ? (error as Error).message : `${platformName(leak.platform)} did not answer as expected (${(error as Error).message}); try again in a few minutes`;
      return c.html(page('Not rotated', `<p>${escapeHtml(describe(leak))} was not rotated: ${escapeHtml(why)}.</p><p>Nothing was changed; this link still works.</p>${dashboardLink(leak.id)}`), known ? 409 : 502);
    }
    return c.html(
      page(
        'Rotated',
        `<p>${escapeHtml(describe(leak))}: ${escapeHtml(result.changes.join(' and '))}. The posted link and passcode no longer work, and the leak is resolved.</p>
<p>Copy the new invitation from <a href="${escapeHtml(result.whereNew)}">${escapeHtml(platformName(result.platform))}</a> and share it only through your class's private channel.${result.organiserTold ? ' The organiser has been emailed the same.' : ''}</p>${dashboardLink(leak.id)}`,
      ),
    );
  });

  app.on(['GET', 'POST'], '/unsubscribe/:token', async function unsubscribe(c) {
    const claims = checked(c, ['unsubscribe']);
    if (claims instanceof Response) return claims;
    const gone = orgGone(c, claims);
    if (gone) return gone;
    const org = orgName(claims.orgId);
    if (c.req.method !== 'POST') {
      return c.html(
        page(
          'Unsubscribe',
          `<p>Stop leakwatch alerts and digests about ${escapeHtml(org)} to ${escapeHtml(claims.recipient)}?</p>
<p class="muted">Leaked links of your meetings will still be shown to your organisation's admins, who may contact you.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
    }
    await readForm(c);
    setSubscribed(claims, false);
    return c.html(page('Unsubscribed', `<p>${escapeHtml(claims.recipient)} will get no more alerts or digests about ${escapeHtml(org)}.</p>`));
  });

  app.on(['GET', 'POST'], '/manage/:token', async function manage(c) {
    const claims = checked(c, ['manage']);
    if (claims instanceof Response) return claims;
    const gone = orgGone(c, claims);
    if (gone) return gone;
    if (c.req.method === 'POST') {
      const form = await readForm(c);
      setSubscribed(claims, form.get('subscribe') === 'yes');
    }
    const unsubscribed = isUnsubscribed(db, claims.orgId, claims.recipient);
    const leaks = statement(
      db,
      `${LEAK_SUMMARY} WHERE l.org_id = ? AND l.id IN (SELECT leak_id FROM outbox WHERE org_id = ? AND recipient = ? AND leak_id IS NOT NULL)
       ORDER BY l.last_seen DESC LIMIT 100`,
    ).all(claims.orgId, claims.orgId, claims.recipient) as LeakSummary[];
    const rows = leaks.map((l) => [platformName(l.platform), l.title ?? maskMeetingId(l.meeting_id), l.severity, l.status].map(escapeHtml));
    return c.html(
      page(
        `Your alerts at ${orgName(claims.orgId)}`,
        `<p>${escapeHtml(claims.recipient)} is <strong>${unsubscribed ? 'unsubscribed from' : 'subscribed to'}</strong> alerts and digests.</p>
<form method="post"><input type="hidden" name="subscribe" value="${unsubscribed ? 'yes' : 'no'}"><button type="submit">${unsubscribed ? 'Subscribe again' : 'Unsubscribe'}</button></form>
<h2>Leaks we told you about</h2>
${leaks.length === 0 ? '<p>None.</p>' : table(['Platform', 'Meeting', 'Severity', 'Status'], rows)}`,
      ),
    );
  });

  app.on(['GET', 'POST'], '/verify/:token', async function verify(c) {
    if (c.req.method !== 'POST') {
      return c.html(
        page('Confirm your domain', '<p>Confirm that your organisation controls this domain, so that leakwatch may alert its people about leaked meeting links.</p><form method="post"><button type="submit">Confirm</button></form>'),
      );
    }
    await readForm(c);
    try {
      const identifier = confirmVerificationToken(db, c.req.param('token'), 'email-link', deps.onVerified, clock());
      return c.html(page('Confirmed', `<p>${escapeHtml(identifier.value)} is verified. Its people can now receive leakwatch alerts.</p>`));
    } catch (error) {
      if (error instanceof InputError) return c.html(page('This link does not work', `<p>${escapeHtml(error.message)}.</p>`), 410);
      throw error;
    }
  });

  return app;
}
