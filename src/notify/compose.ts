/**
 * Turns an outbox row into the message to send, from what the database says
 * at send time (so an email reports the latest severity and every sighting
 * so far) — or into a reason not to send it: the leak was acknowledged,
 * resolved or ignored meanwhile, a re-opened leak has a newer alert, the
 * recipient unsubscribed, a digest has nothing new.
 */
import { canRotate } from '../connect/rotation.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/statements.js';
import { escapeHtml, safeHref } from './html.js';
import type { LinkMaker } from './links.js';
import type { OutboxRow } from './outbox.js';
import { isRecurring } from '../registry/recurrence.js';
import { platformName, sourceName } from './rotation.js';
import { maskMeetingId, renderAlertEmail, renderConnectionFailedEmail, renderDigestEmail, renderInvitationEmail, renderRotatedEmail, renderSignInEmail } from './templates.js';
import type { LeakView, RenderedEmail, SightingView } from './view.js';
import { excludedStartsFromColumn } from '../registry/meetings.js';

/** Sightings shown in one email; the rest are counted. */
const SHOWN_SIGHTINGS = 5;
/** Characters of post text kept on each side of a reference. */
const EXCERPT_CONTEXT = 160;

export type Composed =
  | { channel: 'email'; subject: string; email: RenderedEmail; headers: Record<string, string> }
  | { channel: 'webhook'; subject: string; body: string }
  | { cancel: string };

interface LeakRow {
  id: number;
  org_id: number;
  org_name: string;
  platform: string;
  meeting_id: string;
  title: string | null;
  recurrence: string | null;
  starts_at: string | null;
  ends_at: string | null;
  time_zone: string | null;
  excluded_starts: string | null;
  owner_email: string | null;
  match_kind: LeakView['matchKind'];
  severity: LeakView['severity'];
  reasons: string;
  status: LeakView['status'];
  passcode_state: LeakView['passcodeState'];
  first_seen: string;
  last_seen: string;
  generation: number;
  updated_at?: string;
}

interface SightingRow {
  url: string | null;
  passcode_masked: string | null;
  via_reply: number;
  parent_url: string | null;
  host_start: number;
  raid_language: number;
  span_start: number;
  span_end: number;
  seen_at: string;
  source: string;
  post_url: string | null;
  author: string | null;
  created_at: string | null;
  text: string;
}

function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - EXCERPT_CONTEXT);
  const to = Math.min(text.length, end + EXCERPT_CONTEXT);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).trim()}${to < text.length ? '…' : ''}`;
}

function toSighting(row: SightingRow): SightingView {
  return {
    source: row.source,
    postUrl: row.post_url,
    author: row.author,
    postedAt: row.created_at,
    seenAt: row.seen_at,
    excerpt: excerpt(row.text, row.span_start, row.span_end),
    link: row.url,
    passcodeMasked: row.passcode_masked,
    inReplyTo: row.via_reply === 1 ? { postUrl: row.parent_url } : null,
    hostStart: row.host_start === 1,
    raidLanguage: row.raid_language === 1,
  };
}

const SIGHTINGS_SQL = `SELECT s.url, s.passcode_masked, s.via_reply, s.host_start, s.raid_language, s.span_start, s.span_end, s.seen_at,
         p.source, p.url AS post_url, p.author, p.created_at, p.text, parent.url AS parent_url
  FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id JOIN posts p ON p.id = s.post_id
    LEFT JOIN posts parent ON s.via_reply = 1 AND parent.source = p.source AND parent.source_id = p.reply_to
  WHERE ls.leak_id = ?`;

function leakRow(db: Db, leakId: number): LeakRow | undefined {
  return statement(
    db,
    `SELECT l.*, o.name AS org_name, m.title, m.recurrence, m.starts_at, m.ends_at, m.time_zone, m.excluded_starts, m.owner_email
     FROM leaks l JOIN organisations o ON o.id = l.org_id LEFT JOIN meetings m ON m.id = l.meeting_ref
     WHERE l.id = ?`,
  ).get(leakId) as LeakRow | undefined;
}

function toLeakView(db: Db, row: LeakRow, now: Date): LeakView {
  const sightings = (statement(db, `${SIGHTINGS_SQL} ORDER BY s.seen_at DESC, s.id DESC LIMIT ?`).all(row.id, SHOWN_SIGHTINGS) as SightingRow[]).map(toSighting);
  const totals = statement(
    db,
    `SELECT count(*) AS total, coalesce(max(s.host_start), 0) AS host_start, coalesce(max(s.raid_language), 0) AS raid
     FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id WHERE ls.leak_id = ?`,
  ).get(row.id) as { total: number; host_start: number; raid: number };
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    platform: row.platform,
    meetingId: row.meeting_id,
    meetingTitle: row.match_kind === 'meeting' ? row.title : null,
    // The rule severity applies: a series whose UNTIL or COUNT has passed no longer recurs.
    recurring: isRecurring({ startsAt: row.starts_at, endsAt: row.ends_at, recurrence: row.recurrence, timeZone: row.time_zone, excludedStarts: excludedStartsFromColumn(row.excluded_starts) }, now),
    matchKind: row.match_kind,
    severity: row.severity,
    reasons: JSON.parse(row.reasons) as string[],
    status: row.status,
    passcodeState: row.passcode_state,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    hostStart: totals.host_start === 1,
    raidLanguage: totals.raid === 1,
    sightings,
    totalSightings: totals.total,
  };
}

/** Whether `email` unsubscribed from the organisation's alerts and digests. */
export function isUnsubscribed(db: Db, orgId: number, email: string): boolean {
  return statement(db, 'SELECT 1 FROM unsubscribes WHERE org_id = ? AND email = ?').pluck().get(orgId, email) === 1;
}

/** Headers of every email to a person: how to unsubscribe (RFC 2369, one click per RFC 8058). */
function listHeaders(unsubscribe: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' };
}

export interface ComposeContext {
  db: Db;
  links: LinkMaker;
  now: Date;
}

/** The message an outbox row stands for now, or why it is no longer owed. */
export function compose(context: ComposeContext, row: OutboxRow): Composed {
  switch (row.kind) {
    case 'alert':
    case 'escalation':
      return row.channel === 'webhook' ? composeWebhook(context, row) : composeAlert(context, row);
    case 'digest':
      return composeDigest(context, row);
    case 'verification':
      return composeVerification(context, row);
    case 'sign-in':
      return composeSignIn(context, row);
    case 'invitation':
      return composeInvitation(context, row);
    case 'test':
      return composeTest(context, row);
    case 'rotated':
      return composeRotated(context, row);
    case 'connection-failed':
      return composeConnectionFailed(context, row);
    default:
      return { cancel: `unknown message kind ${JSON.stringify(row.kind)}` };
  }
}

const STILL_OWED = new Set(['open', 'notified']);

function owedLeak(context: ComposeContext, row: OutboxRow): LeakRow | string {
  if (row.leakId === null) return 'its leak was deleted';
  const leak = leakRow(context.db, row.leakId);
  if (leak === undefined) return 'its leak was deleted';
  const generation = (row.payload as { generation?: number }).generation ?? leak.generation;
  if (generation !== leak.generation) return `the leak re-opened since (a newer alert is queued)`;
  if (!STILL_OWED.has(leak.status)) return `the leak is ${leak.status}`;
  if (leak.match_kind === 'identifier' && !identifierStillProven(context.db, leak)) return 'the identifier it was matched by is no longer proven by the organisation';
  return leak;
}

/**
 * An alert that came through an identifier (a Zoom subdomain, a Teams
 * tenant) is owed only while the organisation still holds that identifier
 * proven: a claim undone (an admin's email that proved nothing, migration
 * 004) or revoked takes its pending alerts with it.
 */
function identifierStillProven(db: Db, leak: Pick<LeakRow, 'id' | 'org_id'>): boolean {
  return statement(
    db,
    `SELECT 1 FROM leak_sightings ls JOIN sightings s ON s.id = ls.sighting_id
     JOIN identifiers i ON i.kind = s.org_hint_kind AND i.value = s.org_hint_value AND i.org_id = ? AND i.status = 'verified'
     WHERE ls.leak_id = ? LIMIT 1`,
  ).pluck().get(leak.org_id, leak.id) === 1;
}

function composeAlert(context: ComposeContext, row: OutboxRow): Composed {
  const { db, links, now } = context;
  const leak = owedLeak(context, row);
  if (typeof leak === 'string') return { cancel: leak };
  const escalation = row.kind === 'escalation';
  if (!escalation && isUnsubscribed(db, leak.org_id, row.recipient)) return { cancel: `${row.recipient} unsubscribed` };
  const view = toLeakView(db, leak, now);
  const recipientLinks = links.recipient(leak.org_id, row.recipient, now);
  const queuedAt = (row.payload as { queuedAt?: string }).queuedAt ?? row.createdAt;
  const email = renderAlertEmail({
    kind: escalation ? 'escalation' : 'alert',
    role: leak.owner_email !== null && leak.owner_email.toLowerCase() === row.recipient.toLowerCase() && leak.match_kind === 'meeting' ? 'organiser' : 'admin',
    recipient: row.recipient,
    leak: view,
    links: {
      ...links.leak(leak.org_id, leak.id, row.recipient, now),
      // The fourth button, where leakwatch can rotate the meeting through its platform connection.
      ...(leak.match_kind === 'meeting' && canRotate(db, leak.org_id, leak.id) ? { rotate: links.rotate(leak.org_id, leak.id, row.recipient, now) } : {}),
      ...recipientLinks,
    },
    ...(escalation ? { unacknowledgedMinutes: Math.max(0, Math.round((now.getTime() - Date.parse(queuedAt)) / 60_000)) } : {}),
  });
  return { channel: 'email', subject: email.subject, email, headers: listHeaders(recipientLinks.unsubscribe) };
}

function composeDigest(context: ComposeContext, row: OutboxRow): Composed {
  const { db, links, now } = context;
  if (row.orgId === null) return { cancel: 'no organisation' };
  if (isUnsubscribed(db, row.orgId, row.recipient)) return { cancel: `${row.recipient} unsubscribed` };
  // Per leak alerted to this person: the sightings since the last message about it (its alert, or
  // the last digest), counted from when that message was rendered (its last attempt began), not
  // from when the server accepted it: a post read in between belongs in this digest. A sighting
  // counts from when it was posted or when it was recorded, whichever is later: a reply read on a
  // later crawl, or applied once its parent came, was posted before the alert but is news.
  const lastDigest = statement(db, "SELECT max(last_attempt_at) FROM outbox WHERE kind = 'digest' AND status = 'sent' AND org_id = ? AND recipient = ?")
    .pluck()
    .get(row.orgId, row.recipient) as string | null;
  const alerted = statement(
    db,
    `SELECT leak_id, max(last_attempt_at) AS sent_at FROM outbox
     WHERE kind = 'alert' AND channel = 'email' AND status = 'sent' AND org_id = ? AND recipient = ? AND leak_id IS NOT NULL
     GROUP BY leak_id`,
  ).all(row.orgId, row.recipient) as { leak_id: number; sent_at: string }[];
  const items: Parameters<typeof renderDigestEmail>[0]['items'] = [];
  const starts: string[] = [];
  for (const { leak_id: leakId, sent_at: alertSent } of alerted) {
    const leak = leakRow(db, leakId);
    if (leak === undefined || !['open', 'notified', 'acknowledged'].includes(leak.status)) continue;
    const after = lastDigest !== null && lastDigest > alertSent ? lastDigest : alertSent;
    const fresh = (
      statement(db, `${SIGHTINGS_SQL} AND (s.seen_at > ? OR s.recorded_at > ?) ORDER BY s.seen_at DESC, s.id DESC LIMIT ?`).all(leakId, after, after, SHOWN_SIGHTINGS) as SightingRow[]
    ).map(toSighting);
    if (fresh.length === 0) continue;
    starts.push(after);
    items.push({ leak: toLeakView(db, leak, now), newSightings: fresh, links: links.leak(leak.org_id, leak.id, row.recipient, now) });
  }
  if (items.length === 0) return { cancel: 'nothing new since the last message' };
  const since = starts.sort()[0]!;
  const recipientLinks = links.recipient(row.orgId, row.recipient, now);
  const orgName = items[0]!.leak.orgName;
  const email = renderDigestEmail({ recipient: row.recipient, orgName, since, items, links: recipientLinks });
  return { channel: 'email', subject: email.subject, email, headers: listHeaders(recipientLinks.unsubscribe) };
}

interface VerificationPayload {
  organisation: string;
  identifier: { kind: string; value: string };
  link: string | null;
  expiresAt: string;
}

function composeVerification(_context: ComposeContext, row: OutboxRow): Composed {
  const payload = row.payload as VerificationPayload;
  if (payload.link === null) return { cancel: 'the verification link was sent already' };
  const subject = `[leakwatch] Confirm that ${payload.organisation} controls ${payload.identifier.value}`.replace(/[\r\n]+/g, ' ');
  const text = [
    `${payload.organisation} asked leakwatch to watch public posts for leaked meeting links of ${payload.identifier.value}`,
    `(${payload.identifier.kind}) and to email its organisers about them.`,
    '',
    'If you run this domain and agree, open this link to confirm:',
    payload.link,
    '',
    `The link works once, until ${payload.expiresAt.replace('T', ' ').slice(0, 16)} UTC.`,
    'If you did not expect this, ignore this email: nothing is sent to anyone at your domain until it is confirmed.',
  ].join('\n');
  const href = safeHref(payload.link);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2937;max-width:600px;margin:0 auto;padding:24px">
<p>${escapeHtml(payload.organisation)} asked leakwatch to watch public posts for leaked meeting links of <strong>${escapeHtml(payload.identifier.value)}</strong> (${escapeHtml(payload.identifier.kind)}) and to email its organisers about them.</p>
<p>If you run this domain and agree, confirm it:</p>
<p>${href ? `<a href="${escapeHtml(href)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none">Confirm ${escapeHtml(payload.identifier.value)}</a>` : escapeHtml(payload.link)}</p>
<p style="color:#6b7280;font-size:13px">The link works once, until ${escapeHtml(payload.expiresAt.replace('T', ' ').slice(0, 16))} UTC. If you did not expect this, ignore this email: nothing is sent to anyone at your domain until it is confirmed.</p>
</body></html>`;
  return { channel: 'email', subject, email: { subject, text, html }, headers: { 'Auto-Submitted': 'auto-generated' } };
}

interface SignInPayload {
  link: string | null;
  expiresAt: string;
  ttlMinutes: number;
}

function composeSignIn(context: ComposeContext, row: OutboxRow): Composed {
  const payload = row.payload as SignInPayload;
  if (payload.link === null) return { cancel: 'the sign-in link was sent already' };
  // A link that arrives dead only confuses: the person asks again.
  if (Date.parse(payload.expiresAt) <= context.now.getTime()) return { cancel: 'the sign-in link expired before it could be sent' };
  const email = renderSignInEmail({ recipient: row.recipient, link: payload.link, expiresAt: payload.expiresAt, ttlMinutes: payload.ttlMinutes });
  return { channel: 'email', subject: email.subject, email, headers: { 'Auto-Submitted': 'auto-generated' } };
}

interface InvitationPayload {
  organisation: string;
  role: 'admin' | 'organiser';
  invitedBy: string;
  signInUrl: string;
}

function composeInvitation(context: ComposeContext, row: OutboxRow): Composed {
  const payload = row.payload as InvitationPayload;
  // Removed again before it went: say nothing.
  if (statement(context.db, 'SELECT 1 FROM contacts WHERE org_id = ? AND email = ? AND role = ?').pluck().get(row.orgId, row.recipient, payload.role) !== 1) {
    return { cancel: `${row.recipient} is no longer an ${payload.role} of the organisation` };
  }
  const email = renderInvitationEmail({ recipient: row.recipient, orgName: payload.organisation, role: payload.role, invitedBy: payload.invitedBy, signInUrl: payload.signInUrl });
  return { channel: 'email', subject: email.subject, email, headers: { 'Auto-Submitted': 'auto-generated' } };
}

function composeRotated(_context: ComposeContext, row: OutboxRow): Composed {
  const payload = row.payload as { platform: string; meetingId: string; title: string | null; changes: string[]; whereNew: string; by: string; oldLink?: string };
  const email = renderRotatedEmail({ recipient: row.recipient, ...payload });
  return { channel: 'email', subject: email.subject, email, headers: { 'Auto-Submitted': 'auto-generated' } };
}

/** A sample of what organisers receive, for `leakwatch notify test`. */
export function sampleLeak(now: Date): LeakView {
  const seen = new Date(now.getTime() - 12 * 60_000).toISOString();
  return {
    id: 0,
    orgId: 0,
    orgName: 'Westfield High School (sample)',
    platform: 'zoom',
    meetingId: '84512397261',
    meetingTitle: 'Year 9 Maths (sample)',
    recurring: true,
    matchKind: 'meeting',
    severity: 'critical',
    reasons: [
      'matches the registered meeting "Year 9 Maths (sample)"',
      'the passcode is exposed and matches the registered one',
      'raid language near the link',
      'the meeting starts within 24 hours',
    ],
    status: 'open',
    passcodeState: 'matches',
    firstSeen: seen,
    lastSeen: seen,
    hostStart: false,
    raidLanguage: true,
    sightings: [
      {
        source: 'reddit',
        postUrl: 'https://www.reddit.com/r/example/comments/abc123/sample/',
        author: 'u/sample_poster',
        postedAt: seen,
        seenAt: seen,
        excerpt: 'this is a SAMPLE post: everyone join and raid year 9 maths at 10 https://westfield.zoom.us/j/84512397261?pwd=•••••• passcode ••••••',
        link: 'https://westfield.zoom.us/j/84512397261?pwd=••••••',
        passcodeMasked: '••••••',
        hostStart: false,
        raidLanguage: true,
      },
    ],
    totalSightings: 1,
  };
}

/** The body of a test webhook call: the sample leak, `event: "leak.test"`. */
export function testWebhookBody(now: Date): string {
  return webhookBody(sampleLeak(now), 'leak.test');
}

function composeTest(context: ComposeContext, row: OutboxRow): Composed {
  const { links, now } = context;
  const leak = sampleLeak(now);
  if (row.channel === 'webhook') {
    return { channel: 'webhook', subject: 'leakwatch test', body: webhookBody(leak, 'leak.test') };
  }
  const recipientLinks = links.recipient(0, row.recipient, now);
  const email = renderAlertEmail({ kind: 'alert', role: 'organiser', recipient: row.recipient, leak, links: { ...links.leak(0, 0, row.recipient, now), ...recipientLinks } });
  const subject = `[leakwatch test] ${email.subject}`;
  return { channel: 'email', subject, email: { ...email, subject }, headers: { 'Auto-Submitted': 'auto-generated' } };
}

/** The organisation's own webhook a call is for, when it is one (the installation's `notify.webhooks` have none). */
export function orgWebhookOf(row: OutboxRow): number | null {
  const id = (row.payload as { webhookId?: unknown } | null)?.webhookId;
  return typeof id === 'number' ? id : null;
}

function composeWebhook(context: ComposeContext, row: OutboxRow): Composed {
  const webhookId = orgWebhookOf(row);
  if (webhookId !== null && statement(context.db, 'SELECT 1 FROM org_webhooks WHERE id = ? AND org_id = ?').pluck().get(webhookId, row.orgId) !== 1) {
    return { cancel: 'the organisation removed this webhook' };
  }
  const leak = owedLeak(context, row);
  if (typeof leak === 'string') return { cancel: leak };
  const view = toLeakView(context.db, leak, context.now);
  return { channel: 'webhook', subject: `${view.severity} ${view.platform} ${maskMeetingId(view.meetingId)}`, body: webhookBody(view, 'leak.alert') };
}

/** Slack escapes only these three in message text. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The JSON of a webhook call: the leak without any passcode, and a Slack-compatible `text`. */
function webhookBody(leak: LeakView, event: string): string {
  const latest = leak.sightings[0];
  const meeting = leak.meetingTitle !== null ? `"${leak.meetingTitle}" (${maskMeetingId(leak.meetingId)})` : maskMeetingId(leak.meetingId);
  const where = latest ? ` on ${sourceName(latest.source)}` : '';
  const post = latest?.postUrl && safeHref(latest.postUrl) ? ` <${slackEscape(latest.postUrl).replace(/\|/g, '%7C')}|post>` : '';
  const text = `*${leak.severity.toUpperCase()}*: ${slackEscape(platformName(leak.platform))} meeting ${slackEscape(meeting)} of ${slackEscape(leak.orgName)} was posted${slackEscape(where)}.${post} ${slackEscape(leak.reasons.join('; '))}`;
  return JSON.stringify({
    event,
    text,
    leak: {
      id: leak.id,
      orgId: leak.orgId,
      organisation: leak.orgName,
      platform: leak.platform,
      meetingId: leak.meetingId,
      meetingTitle: leak.meetingTitle,
      severity: leak.severity,
      reasons: leak.reasons,
      status: leak.status,
      matchKind: leak.matchKind,
      passcodeState: leak.passcodeState,
      firstSeen: leak.firstSeen,
      lastSeen: leak.lastSeen,
      totalSightings: leak.totalSightings,
      sightings: leak.sightings.map((s) => ({
        source: s.source,
        postUrl: s.postUrl,
        author: s.author,
        postedAt: s.postedAt,
        seenAt: s.seenAt,
        passcode: s.passcodeMasked,
        passcodeInReply: Boolean(s.inReplyTo),
        hostStart: s.hostStart,
        raidLanguage: s.raidLanguage,
      })),
    },
  });
}

interface ConnectionFailedPayload {
  connectionId: number;
  organisation: string;
  provider: string;
  accountId: string;
  error: string;
  since: string;
}

/** A refused connection credential, unless the connection works again, was removed, or this episode is over. */
function composeConnectionFailed(context: ComposeContext, row: OutboxRow): Composed {
  const payload = row.payload as ConnectionFailedPayload;
  const current = statement(context.db, 'SELECT status, failing_since FROM connections WHERE id = ?').get(payload.connectionId) as { status: string; failing_since: string | null } | undefined;
  if (!current) return { cancel: 'the connection was removed' };
  if (current.status !== 'revoked' || current.failing_since !== payload.since) return { cancel: 'the connection works again' };
  const email = renderConnectionFailedEmail({ recipient: row.recipient, ...payload });
  return { channel: 'email', subject: email.subject, email, headers: { 'Auto-Submitted': 'auto-generated' } };
}
