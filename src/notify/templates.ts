/**
 * The notifier's emails: the alert about a leaked meeting (and its escalation
 * to the admins), the digest of later posts, and the dashboard's sign-in link. Pure functions from the view
 * (`view.ts`) to a subject, a text part and an HTML part.
 *
 * The organiser must see within seconds what leaked, where, how urgent it is
 * and what to do; so every body leads with a one-line summary and the
 * platform's rotation steps. Everything a post or a user wrote is untrusted:
 * escaped in the HTML part (URLs linked only through `safeHref`), kept on one
 * line or quoted with `> ` in the text part, and stripped of line breaks in
 * the subject. No passcode is ever shown other than masked, as the view has it.
 */
import { escapeHtml, safeHref } from './html.js';
import { platformName, reportSteps, rotationSteps, sourceName } from './rotation.js';
import type { AlertEmailInput, DigestEmailInput, LeakLinks, LeakView, RecipientLinks, RenderedEmail, Severity, SightingView, SignInEmailInput, ConnectionFailedEmailInput } from './view.js';

export { platformName, sourceName } from './rotation.js';

// ---------------------------------------------------------------------------
// Plain-text helpers

/** Line breaks, control characters and bidi overrides: nothing may break or reorder a line. */
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** `text` on one line: controls and line breaks become spaces, runs of spaces one. */
function oneLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, ' ').replace(/\s+/g, ' ').trim();
}

/** `text` cut to `max` characters (code points), with `…` when cut. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** An ISO time as `2026-11-28 14:05 UTC`; an unparsable one as written (on one line). */
function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return oneLine(iso);
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)} UTC`;
}

/** Minutes as `45 min`, `2 h` or `2 h 30 min`. */
function formatMinutes(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 120) return `${m} min`;
  const rest = m % 60;
  return rest === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${rest} min`;
}

// ---------------------------------------------------------------------------
// Meeting ids and names

const MASK = '•';
/** Letters and digits are masked; everything else (`-`, spaces, `:`, `@`, `.`) is a separator. */
const SIGNIFICANT = /[\p{L}\p{N}]/u;
/** A masked stretch longer than this is shortened to {@link SHORT_MASK}. */
const MAX_MASKED_SPAN = 12;
const SHORT_MASK = MASK.repeat(6);

/**
 * The meeting id with its middle masked, for subjects and headings.
 *
 * Rule: letters and digits count, separators (anything else: `-`, spaces,
 * `:`, `.`, `@`) are kept in place and not counted. With 9 or more letters
 * and digits the first 3 and the last 3 stay; with 3 to 8 the first and the
 * last; with 1 or 2 none. Every other letter or digit becomes `•`. A masked
 * stretch longer than 12 characters (long Teams or Webex ids) is shortened
 * to 6 bullets, so the result stays short. Line breaks and control characters
 * are removed first.
 *
 *     84512397261      → 845•••••261
 *     845 1239 7261    → 845 •••• •261
 *     abc-defg-hij     → abc-••••-hij
 *     maths            → m•••s
 */
export function maskMeetingId(meetingId: string): string {
  const chars = Array.from(oneLine(meetingId));
  const count = chars.filter((c) => SIGNIFICANT.test(c)).length;
  const keep = count >= 9 ? 3 : count >= 3 ? 1 : 0;
  let seen = 0;
  let first = -1;
  let last = -1;
  const out = chars.map((c, i) => {
    if (!SIGNIFICANT.test(c)) return c;
    seen++;
    if (seen <= keep || seen > count - keep) return c;
    if (first < 0) first = i;
    last = i;
    return MASK;
  });
  if (first >= 0 && last - first + 1 > MAX_MASKED_SPAN) out.splice(first, last - first + 1, SHORT_MASK);
  return out.join('');
}

/** `Zoom meeting`, but `GoTo Meeting` and `Slack huddle` as they are. */
function meetingNoun(platform: string): string {
  const name = platformName(platform);
  return /\b(?:meeting|huddle)$/i.test(name) ? name : `${name} meeting`;
}

/** The registered meeting's title on one line, or null when it has none. */
function titleOf(leak: LeakView): string | null {
  const title = leak.meetingTitle === null ? '' : oneLine(leak.meetingTitle);
  return title === '' ? null : title;
}

/** The meeting as subjects and headings name it: its title in quotes, else its masked id. */
function meetingRef(leak: LeakView): string {
  const title = titleOf(leak);
  return title === null ? maskMeetingId(leak.meetingId) : `"${truncate(title, 80)}"`;
}

/** The sighting seen last (the view lists them most recent first; ties keep that order). */
function latestSighting(sightings: readonly SightingView[]): SightingView | null {
  let latest: SightingView | null = null;
  for (const s of sightings) {
    if (latest === null || timeOf(s.seenAt) > timeOf(latest.seenAt)) latest = s;
  }
  return latest;
}

function timeOf(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** `on 4chan`, `on a Discourse forum`, or `publicly` without a sighting. */
function whereSeen(leak: LeakView): string {
  const latest = latestSighting(leak.sightings);
  return latest === null ? 'publicly' : `on ${oneLine(sourceName(latest.source))}`;
}

/** Sources of `sightings`, each once, in order. */
function distinctSources(sightings: readonly SightingView[]): string[] {
  return [...new Set(sightings.map((s) => s.source))];
}

// ---------------------------------------------------------------------------
// Severity

interface SeverityLook {
  label: string;
  urgency: string;
  /** Badge and accent colour; white text on it is readable. */
  color: string;
  /** Light background of the banner. */
  tint: string;
}

const SEVERITY: Readonly<Record<Severity, SeverityLook>> = {
  critical: { label: 'CRITICAL', urgency: 'act now', color: '#7f1d1d', tint: '#fef2f2' },
  high: { label: 'HIGH', urgency: 'act today', color: '#c2410c', tint: '#fff7ed' },
  medium: { label: 'MEDIUM', urgency: 'rotate it before the next session', color: '#b45309', tint: '#fffbeb' },
  low: { label: 'LOW', urgency: 'review when you can', color: '#4b5563', tint: '#f3f4f6' },
};

function severityLook(severity: Severity): SeverityLook {
  return SEVERITY[severity] ?? SEVERITY.low;
}

/** `CRITICAL: ` and `HIGH: ` lead a subject; lower severities don't. */
function subjectSeverity(severity: Severity): string {
  return severity === 'critical' || severity === 'high' ? `${severityLook(severity).label}: ` : '';
}

// ---------------------------------------------------------------------------
// What the alert says, shared by both parts

const PASSCODE_STATE: Readonly<Record<'matches' | 'differs' | 'unknown', string>> = {
  matches: "the posted passcode is the meeting's current passcode",
  differs: 'the posted passcode differs from the registered one, it may be old',
  unknown: 'the posted passcode could not be compared with a registered one',
};

/** A passcode learnt from a reply: the meeting was in one post, its passcode in a reply to it. */
const IN_REPLY = 'posted in a reply to the post with the meeting';

const HOST_START_FLAG =
  'this link lets anyone start the meeting as host. Delete the meeting rather than only changing its passcode, and share only join links, never start links.';
const RAID_FLAG = 'the post calls on people to join and disrupt the meeting ("raid", "bomb", "join and …"). Expect an attempt at the next session.';
const LINKS_EXPIRE = 'These links are for you only: each works once and expires; after that, use "Manage your alerts".';
const BUTTONS = { rotate: 'Rotate it for me', resolve: 'I rotated it', acknowledge: 'Acknowledge', ignore: 'Not ours / public on purpose' } as const;

/** How a flagged exposure is announced, in words (never by colour alone). */
const FLAG_WORD: Readonly<Record<'critical' | 'warning', string>> = { critical: 'CRITICAL', warning: 'WARNING' };

/** One line of the "what was exposed" list. */
interface Exposure {
  label: string;
  value: string;
  /** Shown as a warning. */
  flag?: 'critical' | 'warning';
}

/** The facts of an alert, on one line each, before any escaping. */
interface AlertFacts {
  subject: string;
  /** `CRITICAL — act now`: the severity and what it asks for. */
  lead: string;
  /** What happened, in one sentence. */
  sentence: string;
  /** The one-line summary: lead and sentence. */
  summary: string;
  /** For a match on the organisation's name only: a caution that it may not be theirs. */
  caution: string | null;
  platformName: string;
  steps: string[];
  exposures: Exposure[];
  reasons: string[];
  reports: string[];
  /** Sightings not shown. */
  morePosts: number;
  why: string;
}

function alertFacts(input: AlertEmailInput): AlertFacts {
  const { leak } = input;
  const look = severityLook(leak.severity);
  const org = oneLine(leak.orgName);
  const minutes = input.unacknowledgedMinutes;
  const escalated = input.kind === 'escalation';
  const duration = minutes !== undefined && Number.isFinite(minutes) ? formatMinutes(minutes) : null;

  const whose = leak.matchKind === 'name' ? 'possibly your' : 'your';
  const what = `${meetingNoun(leak.platform)} ${meetingRef(leak)} was posted ${whereSeen(leak)}`;
  const prefix = subjectSeverity(leak.severity);
  let headline = prefix === '' ? `${capitalise(whose)} ${what}` : `${prefix}${whose} ${what}`;
  if (escalated) headline = `Unacknowledged${duration === null ? '' : ` for ${duration}`}: ${headline}`;

  const total = Math.max(leak.totalSightings, leak.sightings.length);
  const lead = `${look.label} — ${look.urgency}`;
  const id = oneLine(leak.meetingId);
  const named = titleOf(leak) === null ? id : `${meetingRef(leak)} (ID ${id})`;
  let sentence = `${capitalise(whose)} ${meetingNoun(leak.platform)} ${named} was posted ${whereSeen(leak)}`;
  if (total > 1) sentence += ` (${total} posts in all)`;
  sentence += '.';
  if (escalated) sentence += ` Nobody has acknowledged the alert${duration === null ? ' yet' : ` for ${duration}`}.`;

  const caution =
    leak.matchKind === 'name'
      ? `The post names ${org}, but the meeting is not registered with leakwatch, so it may not be yours. If it isn't, click "${BUTTONS.ignore}".`
      : null;

  const role =
    input.role === 'organiser'
      ? `You get this email because you are the organiser of this meeting, registered with leakwatch by ${org}.`
      : `You get this email because you are an admin of ${org} on leakwatch.`;
  const why = escalated ? `${role} It was escalated to you because nobody acknowledged the first alert.` : role;

  const rotation = rotationSteps(leak.platform);
  const sources = distinctSources(leak.sightings);
  return {
    subject: oneLine(`[leakwatch] ${headline}`),
    lead,
    sentence,
    summary: `${lead}: ${sentence}`,
    caution,
    platformName: rotation.platformName,
    steps: rotation.steps,
    exposures: exposures(leak),
    reasons: leak.reasons.map(oneLine).filter((r) => r !== ''),
    reports: sources.length === 0 ? [reportSteps('')] : sources.map(reportSteps),
    morePosts: Math.max(0, leak.totalSightings - leak.sightings.length),
    why,
  };
}

function exposures(leak: LeakView): Exposure[] {
  const out: Exposure[] = [{ label: 'Meeting ID', value: `${oneLine(leak.meetingId)} (public already: it was posted)` }];
  const title = titleOf(leak);
  if (title !== null) {
    out.push({ label: 'Meeting', value: `${title}${leak.recurring ? ' (recurring: the same link works for every session)' : ''}` });
  } else if (leak.recurring) {
    out.push({ label: 'Meeting', value: 'recurring: the same link works for every session' });
  }
  const masked = [...new Set(leak.sightings.map((s) => s.passcodeMasked).filter((p): p is string => p !== null).map(oneLine))];
  const state = leak.passcodeState === null ? null : (PASSCODE_STATE[leak.passcodeState] ?? null);
  const inReply = leak.sightings.some((s) => s.passcodeMasked !== null && s.inReplyTo);
  if (masked.length > 0) {
    out.push({ label: 'Passcode', value: `${masked.join(', ')} (masked here${inReply ? `; ${IN_REPLY}` : ''})${state === null ? '' : `: ${state}`}` });
  } else if (state !== null) {
    out.push({ label: 'Passcode', value: `posted (masked in our records): ${state}` });
  } else {
    out.push({ label: 'Passcode', value: 'none was posted' });
  }
  if (leak.hostStart || leak.sightings.some((s) => s.hostStart)) out.push({ label: 'Host-start link', value: HOST_START_FLAG, flag: 'critical' });
  if (leak.raidLanguage || leak.sightings.some((s) => s.raidLanguage)) out.push({ label: 'Raid language', value: RAID_FLAG, flag: 'warning' });
  return out;
}

/** A sighting's facts on one line each. */
interface SightingFacts {
  source: string;
  when: string;
  author: string | null;
  postUrl: string | null;
  link: string | null;
  passcode: string | null;
  /** The passcode was posted in this post, a reply to the post that names the meeting (linked when known). */
  inReplyTo: { postUrl: string | null } | null;
  flags: string[];
  excerptLines: string[];
}

function sightingFacts(s: SightingView): SightingFacts {
  const when = s.postedAt === null ? `seen ${formatTime(s.seenAt)}` : `posted ${formatTime(s.postedAt)}, seen ${formatTime(s.seenAt)}`;
  const author = s.author === null ? '' : oneLine(s.author);
  const postUrl = s.postUrl === null ? '' : oneLine(s.postUrl);
  const link = s.link === null ? '' : oneLine(s.link);
  const flags: string[] = [];
  if (s.hostStart) flags.push('HOST-START LINK');
  if (s.raidLanguage) flags.push('RAID LANGUAGE');
  return {
    source: capitalise(oneLine(sourceName(s.source))),
    when,
    author: author === '' ? null : author,
    postUrl: postUrl === '' ? null : postUrl,
    link: link === '' ? null : link,
    passcode: s.passcodeMasked === null ? null : oneLine(s.passcodeMasked),
    inReplyTo: s.inReplyTo ? { postUrl: s.inReplyTo.postUrl === null || oneLine(s.inReplyTo.postUrl) === '' ? null : oneLine(s.inReplyTo.postUrl) } : null,
    flags,
    excerptLines: excerptLines(s.excerpt),
  };
}

/** The excerpt's lines, each on its own, without leading and trailing blank lines. */
function excerptLines(excerpt: string): string[] {
  const lines = excerpt.split(/\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/).map((line) => line.replace(UNSAFE_IN_LINE, ' ').trimEnd());
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines;
}

function morePostsLine(n: number): string {
  return `…and ${plural(n, 'more post', 'more posts')}: see them all under "Manage your alerts".`;
}

// ---------------------------------------------------------------------------
// Text part

/** A heading of the text part: a blank line, the heading, and a rule under it. */
function textHeading(line: string): string[] {
  return ['', line, '-'.repeat(Array.from(line).length)];
}

function textSighting(s: SightingFacts): string[] {
  const lines = [`* ${s.source}: ${s.when}${s.author === null ? '' : `, by ${s.author}`}`];
  lines.push(`  Post: ${s.postUrl ?? '(no link to the post)'}`);
  if (s.link !== null) lines.push(`  Link as posted: ${s.link}`);
  if (s.passcode !== null) lines.push(`  Passcode as posted: ${s.passcode} (masked)${s.inReplyTo === null ? '' : `, in a reply to ${s.inReplyTo.postUrl ?? 'the post with the meeting'}`}`);
  if (s.flags.length > 0) lines.push(`  !! ${s.flags.join(' · ')}`);
  for (const line of s.excerptLines) lines.push(`  > ${line}`);
  return lines;
}

function textActions(links: LeakLinks, indent = ''): string[] {
  return [
    ...(links.rotate ? [`${indent}${BUTTONS.rotate} (a new passcode and the waiting room on, through your platform connection): ${oneLine(links.rotate)}`] : []),
    `${indent}${BUTTONS.resolve}: ${oneLine(links.resolve)}`,
    `${indent}${BUTTONS.acknowledge}: ${oneLine(links.acknowledge)}`,
    `${indent}${BUTTONS.ignore}: ${oneLine(links.ignore)}`,
  ];
}

function textFooter(why: string, links: RecipientLinks): string[] {
  return ['', '-- ', why, `Manage your alerts: ${oneLine(links.manage)}`, `Unsubscribe: ${oneLine(links.unsubscribe)}`];
}

function alertText(facts: AlertFacts, input: AlertEmailInput): string {
  const { leak, links } = input;
  const lines: string[] = [facts.summary];
  if (facts.caution !== null) lines.push(facts.caution);

  lines.push(...textHeading(`WHAT TO DO NOW (${facts.platformName})`));
  facts.steps.forEach((step, i) => lines.push(`${i + 1}. ${step}`));
  lines.push(`When you are done, click "${BUTTONS.resolve}" below.`);

  lines.push(...textHeading('WHERE IT WAS SEEN'));
  if (leak.sightings.length === 0) lines.push('(no post is on record any more)');
  for (const s of leak.sightings) lines.push(...textSighting(sightingFacts(s)));
  if (facts.morePosts > 0) lines.push(morePostsLine(facts.morePosts));

  lines.push(...textHeading('WHAT WAS EXPOSED'));
  for (const e of facts.exposures) lines.push(`- ${e.flag === undefined ? '' : `!! ${FLAG_WORD[e.flag]}: `}${e.label}: ${e.value}`);

  lines.push(...textHeading(`HOW URGENT: ${severityLook(leak.severity).label}`));
  for (const reason of facts.reasons) lines.push(`- ${reason}`);

  lines.push(...textHeading('HAVE THE POST TAKEN DOWN'));
  for (const report of facts.reports) lines.push(`- ${report}`);

  lines.push(...textHeading('TELL US WHAT YOU DID'));
  lines.push(...textActions(links));
  lines.push(LINKS_EXPIRE);

  lines.push(...textFooter(facts.why, links));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// HTML part

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TEXT = '#111827';
const MUTED = '#6b7280';
const RULE = '#e5e7eb';
const LINK = '#1d4ed8';

/** A link to `url` when it is a safe web URL, else the URL (or label) as plain text. */
function htmlLink(url: string, label: string = url): string {
  const href = safeHref(url);
  const text = escapeHtml(label);
  if (href === null) return `<span style="color:${MUTED};word-break:break-all;">${text === escapeHtml(url) ? text : `${text} (${escapeHtml(url)})`}</span>`;
  return `<a href="${escapeHtml(href)}" style="color:${LINK};text-decoration:underline;word-break:break-all;">${text}</a>`;
}

type ButtonKind = 'primary' | 'secondary' | 'outline';

const BUTTON_STYLE: Readonly<Record<ButtonKind, string>> = {
  primary: 'background-color:#15803d;border:1px solid #15803d;color:#ffffff;',
  secondary: 'background-color:#1f2937;border:1px solid #1f2937;color:#ffffff;',
  outline: 'background-color:#ffffff;border:1px solid #9ca3af;color:#374151;',
};

/** An `<a>` styled as a button; an unsafe URL is shown as text, not linked. */
function htmlButton(url: string, label: string, kind: ButtonKind, small = false): string {
  const href = safeHref(url);
  const size = small ? 'padding:8px 14px;font-size:13px;' : 'padding:12px 18px;font-size:15px;';
  const base = `display:inline-block;${size}line-height:18px;font-family:${FONT};font-weight:600;text-decoration:none;border-radius:6px;margin:0 8px 8px 0;`;
  if (href === null) return `<span style="${base}${BUTTON_STYLE.outline}">${escapeHtml(label)}: ${escapeHtml(url)}</span>`;
  return `<a href="${escapeHtml(href)}" style="${base}${BUTTON_STYLE[kind]}">${escapeHtml(label)}</a>`;
}

function htmlActions(links: LeakLinks, small = false): string {
  return [
    ...(links.rotate ? [htmlButton(links.rotate, BUTTONS.rotate, 'primary', small)] : []),
    htmlButton(links.resolve, BUTTONS.resolve, links.rotate ? 'secondary' : 'primary', small),
    htmlButton(links.acknowledge, BUTTONS.acknowledge, 'secondary', small),
    htmlButton(links.ignore, BUTTONS.ignore, 'outline', small),
  ].join('\n');
}

function htmlBadge(severity: Severity): string {
  const look = severityLook(severity);
  return `<span style="display:inline-block;padding:3px 8px;border-radius:4px;background-color:${look.color};color:#ffffff;font-family:${FONT};font-size:12px;line-height:16px;font-weight:700;letter-spacing:0.06em;">${look.label}</span>`;
}

function htmlFlag(text: string, kind: 'critical' | 'warning'): string {
  const color = kind === 'critical' ? '#7f1d1d' : '#92400e';
  const tint = kind === 'critical' ? '#fef2f2' : '#fffbeb';
  return `<span style="display:inline-block;padding:2px 6px;border-radius:3px;background-color:${tint};border:1px solid ${color};color:${color};font-family:${FONT};font-size:11px;line-height:14px;font-weight:700;letter-spacing:0.05em;margin:0 6px 0 0;">${escapeHtml(text)}</span>`;
}

/** A section of the single column: a heading and its content. */
function htmlSection(title: string, content: string, first = false): string {
  const border = first ? '' : `border-top:1px solid ${RULE};`;
  return `<tr><td style="padding:24px 32px;${border}">
<h2 style="margin:0 0 12px 0;font-family:${FONT};font-size:17px;line-height:24px;font-weight:700;color:${TEXT};">${escapeHtml(title)}</h2>
${content}
</td></tr>`;
}

function htmlParagraph(html: string, style = ''): string {
  return `<p style="margin:0 0 10px 0;font-family:${FONT};font-size:15px;line-height:22px;color:${TEXT};${style}">${html}</p>`;
}

function htmlList(items: readonly string[], ordered: boolean): string {
  const tag = ordered ? 'ol' : 'ul';
  const lis = items
    .map((item) => `<li style="margin:0 0 8px 0;padding-left:4px;font-family:${FONT};font-size:15px;line-height:22px;color:${TEXT};">${escapeHtml(item)}</li>`)
    .join('\n');
  return `<${tag} style="margin:0 0 12px 0;padding:0 0 0 22px;">\n${lis}\n</${tag}>`;
}

function htmlSighting(s: SightingFacts): string {
  const meta = `${escapeHtml(s.when)}${s.author === null ? '' : ` · by <strong>${escapeHtml(s.author)}</strong>`}`;
  const rows = [
    `<div style="font-family:${FONT};font-size:15px;line-height:22px;color:${TEXT};font-weight:700;">${escapeHtml(s.source)}</div>`,
    `<div style="font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};">${meta}</div>`,
  ];
  if (s.flags.length > 0) rows.push(`<div style="margin:6px 0 0 0;">${s.flags.map((f) => htmlFlag(f, f === 'HOST-START LINK' ? 'critical' : 'warning')).join('')}</div>`);
  rows.push(
    `<div style="margin:8px 0 0 0;font-family:${FONT};font-size:13px;line-height:20px;color:${TEXT};">Post: ${s.postUrl === null ? `<span style="color:${MUTED};">no link to the post</span>` : htmlLink(s.postUrl)}</div>`,
  );
  if (s.link !== null) {
    rows.push(
      `<div style="font-family:${FONT};font-size:13px;line-height:20px;color:${TEXT};">Link as posted: <span style="font-family:Menlo,Consolas,monospace;color:${MUTED};word-break:break-all;">${escapeHtml(s.link)}</span></div>`,
    );
  }
  if (s.passcode !== null) {
    rows.push(
      `<div style="font-family:${FONT};font-size:13px;line-height:20px;color:${TEXT};">Passcode as posted: <span style="font-family:Menlo,Consolas,monospace;">${escapeHtml(s.passcode)}</span> (masked)${
        s.inReplyTo === null ? '' : `, in a reply to ${s.inReplyTo.postUrl === null ? 'the post with the meeting' : htmlLink(s.inReplyTo.postUrl)}`
      }</div>`,
    );
  }
  if (s.excerptLines.length > 0) {
    rows.push(
      `<blockquote style="margin:10px 0 0 0;padding:8px 12px;border-left:3px solid #d1d5db;background-color:#f9fafb;font-family:${FONT};font-size:14px;line-height:20px;color:#374151;white-space:pre-wrap;word-break:break-word;">${s.excerptLines.map(escapeHtml).join('<br>')}</blockquote>`,
    );
  }
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;margin:0 0 12px 0;border:1px solid ${RULE};border-radius:6px;">
<tr><td style="padding:12px 14px;">
${rows.join('\n')}
</td></tr>
</table>`;
}

function htmlExposures(items: readonly Exposure[]): string {
  const rows = items.map((e) => {
    if (e.flag !== undefined) {
      const color = e.flag === 'critical' ? '#7f1d1d' : '#92400e';
      const tint = e.flag === 'critical' ? '#fef2f2' : '#fffbeb';
      return `<tr><td colspan="2" style="padding:10px 12px;background-color:${tint};border-left:4px solid ${color};font-family:${FONT};font-size:14px;line-height:20px;color:${color};"><strong>${FLAG_WORD[e.flag]} · ${escapeHtml(e.label)}:</strong> ${escapeHtml(e.value)}</td></tr>
<tr><td colspan="2" style="height:8px;line-height:8px;font-size:0;">&nbsp;</td></tr>`;
    }
    return `<tr>
<td valign="top" style="padding:0 12px 8px 0;width:110px;font-family:${FONT};font-size:14px;line-height:20px;color:${MUTED};">${escapeHtml(e.label)}</td>
<td valign="top" style="padding:0 0 8px 0;font-family:${FONT};font-size:14px;line-height:20px;color:${TEXT};word-break:break-word;">${escapeHtml(e.value)}</td>
</tr>`;
  });
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;">\n${rows.join('\n')}\n</table>`;
}

function htmlFooter(why: string, links: RecipientLinks, recipient: string): string {
  const small = `font-family:${FONT};font-size:12px;line-height:18px;color:${MUTED};`;
  return `<tr><td style="padding:20px 32px;background-color:#f9fafb;border-top:1px solid ${RULE};border-radius:0 0 8px 8px;">
<p style="margin:0 0 8px 0;${small}">${escapeHtml(why)} Sent to ${escapeHtml(oneLine(recipient))}.</p>
<p style="margin:0;${small}">${htmlLink(links.manage, 'Manage your alerts')} &nbsp;·&nbsp; ${htmlLink(links.unsubscribe, 'Unsubscribe')}</p>
</td></tr>`;
}

/** The header row: the wordmark and what kind of message this is. */
function htmlMasthead(kind: string): string {
  return `<tr><td style="padding:18px 32px;border-bottom:1px solid ${RULE};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td style="font-family:${FONT};font-size:18px;line-height:24px;font-weight:800;color:${TEXT};letter-spacing:-0.01em;">leak<span style="color:#b91c1c;">watch</span></td>
<td align="right" style="font-family:${FONT};font-size:13px;line-height:24px;color:${MUTED};">${escapeHtml(kind)}</td>
</tr></table>
</td></tr>`;
}

/** The whole document around the rows of the single 600 px column. */
function htmlDocument(title: string, preheader: string, rows: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${escapeHtml(title)}</title>
<style>
body { margin: 0; padding: 0; }
@media (max-width: 620px) { .lw-column { width: 100% !important; } }
</style>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#f3f4f6;">${escapeHtml(preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" class="lw-column" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:600px;background-color:#ffffff;border:1px solid ${RULE};border-radius:8px;">
${rows.join('\n')}
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function alertHtml(facts: AlertFacts, input: AlertEmailInput): string {
  const { leak, links } = input;
  const look = severityLook(leak.severity);
  const escalated = input.kind === 'escalation';
  const rows: string[] = [htmlMasthead(escalated ? 'Escalated leak alert' : 'Leaked meeting alert')];

  const caution = facts.caution === null ? '' : htmlParagraph(escapeHtml(facts.caution), `margin:10px 0 0 0;font-size:14px;color:#374151;`);
  rows.push(`<tr><td style="padding:20px 32px;background-color:${look.tint};border-left:6px solid ${look.color};">
<div style="margin:0 0 8px 0;">${htmlBadge(leak.severity)} <span style="font-family:${FONT};font-size:13px;line-height:16px;font-weight:700;color:${look.color};text-transform:uppercase;letter-spacing:0.04em;">${escapeHtml(look.urgency)}</span></div>
<p style="margin:0;font-family:${FONT};font-size:18px;line-height:26px;font-weight:600;color:${TEXT};">${escapeHtml(facts.sentence)}</p>
${caution}
</td></tr>`);

  rows.push(
    htmlSection(
      `What to do now (${facts.platformName})`,
      `${htmlList(facts.steps, true)}\n${htmlParagraph(`When you are done, click <strong>${escapeHtml(BUTTONS.resolve)}</strong> at the end of this email.`, `font-size:14px;color:#374151;`)}`,
      true,
    ),
  );

  const sightings = leak.sightings.map((s) => htmlSighting(sightingFacts(s)));
  if (sightings.length === 0) sightings.push(htmlParagraph('No post is on record any more.', `color:${MUTED};`));
  if (facts.morePosts > 0) sightings.push(htmlParagraph(escapeHtml(morePostsLine(facts.morePosts)), `font-size:14px;color:${MUTED};`));
  rows.push(htmlSection('Where it was seen', sightings.join('\n')));

  rows.push(htmlSection('What was exposed', htmlExposures(facts.exposures)));

  rows.push(
    htmlSection(
      'How urgent it is',
      `<div style="margin:0 0 10px 0;">${htmlBadge(leak.severity)} <span style="font-family:${FONT};font-size:14px;color:${TEXT};">${escapeHtml(capitalise(look.urgency))}, because:</span></div>\n${htmlList(facts.reasons, false)}`,
    ),
  );

  rows.push(htmlSection('Have the post taken down', htmlList(facts.reports, false)));

  rows.push(
    htmlSection(
      'Tell us what you did',
      `<div style="margin:0 0 4px 0;">${htmlActions(links)}</div>\n${htmlParagraph(escapeHtml(LINKS_EXPIRE), `margin:0;font-size:13px;line-height:18px;color:${MUTED};`)}`,
    ),
  );

  rows.push(htmlFooter(facts.why, links, input.recipient));
  return htmlDocument(facts.subject, facts.summary, rows);
}

// ---------------------------------------------------------------------------
// The alert

/**
 * The alert about a leak to one recipient (its organiser or an admin), or its
 * escalation to the admins when nobody acknowledged it. The subject names the
 * severity (high and critical), the platform, the meeting (title, else masked
 * id) and the source of the latest post.
 */
export function renderAlertEmail(input: AlertEmailInput): RenderedEmail {
  const facts = alertFacts(input);
  return { subject: facts.subject, text: alertText(facts, input), html: alertHtml(facts, input) };
}

// ---------------------------------------------------------------------------
// The digest

const DIGEST_HEADING = 'New posts of meetings we already told you about';

interface DigestItemFacts {
  heading: string;
  status: string;
  sightings: SightingFacts[];
}

const STATUS: Readonly<Record<LeakView['status'], string>> = {
  open: 'not rotated yet',
  notified: 'alerted, not acknowledged yet',
  acknowledged: 'acknowledged, not rotated yet',
  resolved: 'marked as rotated; if these posts are newer than the rotation, check that the posted link no longer works',
  ignored: 'marked as not ours / public on purpose',
};

function digestItemFacts(leak: LeakView, newSightings: readonly SightingView[]): DigestItemFacts {
  return {
    heading: `${meetingNoun(leak.platform)} ${meetingRef(leak)}`,
    status: `Status: ${STATUS[leak.status] ?? leak.status}.`,
    sightings: newSightings.map(sightingFacts),
  };
}

/**
 * Later posts of leaks the recipient was already alerted about, grouped per
 * leak, with each leak's action links.
 */
export function renderDigestEmail(input: DigestEmailInput): RenderedEmail {
  const org = oneLine(input.orgName);
  const posts = input.items.reduce((n, item) => n + item.newSightings.length, 0);
  const meetings = input.items.length;
  const subject = oneLine(`[leakwatch] ${plural(posts, 'new post', 'new posts')} of ${plural(meetings, 'meeting', 'meetings')} we already told you about (${org})`);
  const summary = `${plural(posts, 'new post', 'new posts')} of ${plural(meetings, 'leaked meeting', 'leaked meetings')} at ${org} since ${formatTime(input.since)}.`;
  const advice = 'If a meeting below still works with the posted link, rotate it now: the steps are in the first alert and on your "Manage your alerts" page.';
  const why = `You get this digest because you receive leakwatch alerts for ${org}.`;
  const items = input.items.map((item) => ({ item, facts: digestItemFacts(item.leak, item.newSightings) }));

  const text: string[] = [DIGEST_HEADING, summary, advice];
  for (const { item, facts } of items) {
    text.push(...textHeading(`${severityLook(item.leak.severity).label}: ${facts.heading}`));
    text.push(facts.status);
    for (const s of facts.sightings) text.push(...textSighting(s));
    text.push('', ...textActions(item.links));
  }
  text.push('', LINKS_EXPIRE);
  text.push(...textFooter(why, input.links));

  const rows: string[] = [htmlMasthead('Digest')];
  rows.push(`<tr><td style="padding:24px 32px 8px 32px;">
<h1 style="margin:0 0 8px 0;font-family:${FONT};font-size:20px;line-height:28px;font-weight:700;color:${TEXT};">${escapeHtml(DIGEST_HEADING)}</h1>
${htmlParagraph(escapeHtml(summary))}
${htmlParagraph(escapeHtml(advice), `font-size:14px;color:#374151;`)}
</td></tr>`);
  for (const { item, facts } of items) {
    const look = severityLook(item.leak.severity);
    rows.push(`<tr><td style="padding:12px 32px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border:1px solid ${RULE};border-left:6px solid ${look.color};border-radius:6px;">
<tr><td style="padding:16px 18px;">
<div style="margin:0 0 6px 0;">${htmlBadge(item.leak.severity)}</div>
<h2 style="margin:0 0 4px 0;font-family:${FONT};font-size:17px;line-height:24px;font-weight:700;color:${TEXT};">${escapeHtml(facts.heading)}</h2>
${htmlParagraph(escapeHtml(facts.status), `font-size:13px;line-height:18px;color:${MUTED};`)}
${facts.sightings.map(htmlSighting).join('\n')}
<div style="margin:4px 0 0 0;">${htmlActions(item.links, true)}</div>
</td></tr>
</table>
</td></tr>`);
  }
  rows.push(`<tr><td style="padding:8px 32px 20px 32px;">${htmlParagraph(escapeHtml(LINKS_EXPIRE), `margin:0;font-size:13px;line-height:18px;color:${MUTED};`)}</td></tr>`);
  rows.push(htmlFooter(why, input.links, input.recipient));

  return { subject, text: `${text.join('\n')}\n`, html: htmlDocument(subject, summary, rows) };
}

// ---------------------------------------------------------------------------
// The sign-in link

/**
 * The dashboard's sign-in link. It says who asked (the address, nothing
 * else is known), how long it works, and that ignoring it is safe.
 */
export function renderSignInEmail(input: SignInEmailInput): RenderedEmail {
  const recipient = oneLine(input.recipient);
  const subject = '[leakwatch] Your sign-in link';
  const asked = `Someone, hopefully you, asked to sign in to leakwatch as ${recipient}.`;
  const works = `The link works once, for ${formatMinutes(input.ttlMinutes)} (until ${formatTime(input.expiresAt)}).`;
  const ignore = 'If you did not ask, ignore this email: nobody can sign in without the link, and nothing changes.';
  const text = [asked, '', 'Open this link to sign in:', input.link, '', works, ignore].join('\n');
  const rows = [
    htmlMasthead('Sign in'),
    `<tr><td style="padding:24px 32px;">
${htmlParagraph(escapeHtml(asked))}
<div style="margin:16px 0 12px 0;">${htmlButton(input.link, 'Sign in to leakwatch', 'primary')}</div>
${htmlParagraph(escapeHtml(works), `font-size:14px;color:#374151;`)}
${htmlParagraph(escapeHtml(ignore), `font-size:13px;line-height:18px;color:${MUTED};`)}
</td></tr>`,
  ];
  return { subject, text: `${text}\n`, html: htmlDocument(subject, asked, rows) };
}

// ---------------------------------------------------------------------------
// A connection's credential refused

/**
 * A connected platform account stopped working because the platform refuses
 * its credential: what stopped, since when, and how an admin mends it. Sent
 * once per episode; nothing in it is a secret.
 */
export function renderConnectionFailedEmail(input: ConnectionFailedEmailInput): RenderedEmail {
  const provider = oneLine(input.provider);
  const organisation = oneLine(input.organisation);
  const subject = `[leakwatch] The ${provider} connection of ${organisation} stopped working`;
  const what = `Since ${formatTime(input.since)}, ${provider} refuses the credentials leakwatch was given for account ${oneLine(input.accountId)} (connection ${input.connectionId}).`;
  const why = `${provider} said: ${oneLine(input.error)}`;
  const effect = `Until it is mended, new, changed and cancelled meetings of the account are not kept in step, so leaks of new meetings may be missed. Meetings imported before stay registered.`;
  const steps = [
    `In the ${provider} App Marketplace, open the Server-to-Server OAuth app leakwatch uses and check that it is activated and still has its scopes.`,
    'If its client secret was regenerated, or the app was deleted, connect the account again with the new credentials (`leakwatch disconnect ' + input.connectionId + '`, then `leakwatch connect`), or ask your leakwatch operator to.',
  ];
  const once = 'This email is sent once; you will not be told again until the connection has worked and fails anew.';
  const text = [what, '', why, '', effect, '', 'What to do:', ...steps.map((step, i) => `${i + 1}. ${step}`), '', once].join('\n');
  const rows = [
    htmlMasthead('Connection'),
    `<tr><td style="padding:24px 32px;">
${htmlParagraph(escapeHtml(what))}
${htmlParagraph(escapeHtml(why), `font-size:14px;color:#374151;`)}
${htmlParagraph(escapeHtml(effect))}
<ol style="margin:0 0 12px 0;padding-left:20px;">${steps.map((step) => `<li style="margin:0 0 6px 0;">${escapeHtml(step)}</li>`).join('')}</ol>
${htmlParagraph(escapeHtml(once), `font-size:13px;line-height:18px;color:${MUTED};`)}
</td></tr>`,
  ];
  return { subject, text: `${text}\n`, html: htmlDocument(subject, what, rows) };
}

// ---------------------------------------------------------------------------
// An invitation

export interface InvitationEmailInput {
  recipient: string;
  orgName: string;
  role: 'admin' | 'organiser';
  /** Who added them, as the audit log names them (an address, or `operator:NAME`). */
  invitedBy: string;
  /** The dashboard's sign-in page: an invitation carries no credential, the person asks for their own link. */
  signInUrl: string;
}

/**
 * The email to someone an admin added to an organisation: who added them,
 * what the role means, and where to sign in. No sign-in link is in it (one
 * forwarded invitation must not be a way in); the person asks for their own.
 */
export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const org = oneLine(input.orgName);
  const by = oneLine(input.invitedBy.replace(/^web:/, ''));
  const subject = truncate(`[leakwatch] You were added to ${org} as ${input.role === 'admin' ? 'an admin' : 'an organiser'}`, 200);
  const added = `${by} added you (${oneLine(input.recipient)}) to ${org} on leakwatch, which watches public posts for leaked links of the organisation's video meetings.`;
  const means =
    input.role === 'admin'
      ? 'As an admin you manage its domains, people, meetings and settings, and you see every leak of the organisation.'
      : 'As an organiser you are emailed when a link of one of your meetings is posted in public, with what to do, and you see those leaks on the dashboard.';
  const how = 'To sign in, open the page below and enter this address: leakwatch emails you a link that works once. There is no password.';
  const ignore = "If you do not know why, reply to this email or ask your organisation's IT team; until you sign in, nothing else is sent to you but alerts about your meetings.";
  const text = [added, '', means, '', how, input.signInUrl, '', ignore].join('\n');
  const rows = [
    htmlMasthead('You were added'),
    `<tr><td style="padding:24px 32px;">
${htmlParagraph(escapeHtml(added))}
${htmlParagraph(escapeHtml(means))}
${htmlParagraph(escapeHtml(how))}
<div style="margin:16px 0 12px 0;">${htmlButton(input.signInUrl, 'Go to leakwatch', 'primary')}</div>
${htmlParagraph(escapeHtml(ignore), `font-size:13px;line-height:18px;color:${MUTED};`)}
</td></tr>`,
  ];
  return { subject, text: `${text}\n`, html: htmlDocument(subject, added, rows) };
}

// ---------------------------------------------------------------------------
// A meeting rotated for its organiser

export interface RotatedEmailInput {
  recipient: string;
  platform: string;
  meetingId: string;
  title: string | null;
  /** What was changed ("a new passcode (so a new join link)", "the waiting room on"). */
  changes: string[];
  /** Where the organiser finds the new invitation (the meeting's page on the platform). */
  whereNew: string;
  /** Who pressed the button. */
  by: string;
  /** What of the posted link still works, where the platform leaves it working; absent: nothing does. */
  oldLink?: string | undefined;
}

/**
 * After "Rotate it for me": what was done, that the old link and passcode
 * no longer work, and where the new invitation is. Never the new passcode or
 * link: this email could be forwarded, or read by the same student.
 */
export function renderRotatedEmail(input: RotatedEmailInput): RenderedEmail {
  const platform = platformName(input.platform);
  const meeting = input.title ? `“${oneLine(input.title)}” (${maskMeetingId(input.meetingId)})` : maskMeetingId(input.meetingId);
  const subject = truncate(`[leakwatch] Rotated: ${platform} meeting ${meeting}`, 200);
  const done = `The ${platform} meeting ${meeting} was rotated through your organisation's ${platform} connection, as ${oneLine(input.by.replace(/^email:/, ''))} asked: ${input.changes.join(' and ')}.`;
  const dead = input.oldLink ? oneLine(input.oldLink) : 'The link and passcode that were posted no longer work. Your pupils need the new invitation.';
  const where = `Open the meeting in ${platform} (signed in as its host) to copy the new invitation, and share it only through your class's private channel (your learning platform or school email), not where the old one leaked:`;
  const never = 'For safety this email does not contain the new link or passcode.';
  const text = [done, '', dead, '', where, input.whereNew, '', never].join('\n');
  const href = safeHref(input.whereNew);
  const rows = [
    htmlMasthead('Rotated'),
    `<tr><td style="padding:24px 32px;">
${htmlParagraph(escapeHtml(done))}
${htmlParagraph(`<strong>${escapeHtml(dead)}</strong>`)}
${htmlParagraph(escapeHtml(where))}
<div style="margin:16px 0 12px 0;">${href ? htmlButton(href, `Open the meeting in ${platform}`, 'primary') : escapeHtml(input.whereNew)}</div>
${htmlParagraph(escapeHtml(never), `font-size:13px;line-height:18px;color:${MUTED};`)}
</td></tr>`,
  ];
  return { subject, text: `${text}\n`, html: htmlDocument(subject, done, rows) };
}
