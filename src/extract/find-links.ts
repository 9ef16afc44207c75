/**
 * Finds links in normalised text and resolves each to a catalogued meeting:
 * deep links by scheme, hosts by their catalogued domain (on label
 * boundaries), redirect wrappers unwrapped, and self-hosted software asked
 * last. Each link is scanned once, left to right, so the work is linear in
 * the text.
 */
import type { Candidate } from './candidate.js';
import { LINK_HINT } from './gate.js';
import { meetingLinkSecrets, type Span } from './secrets.js';
import { parseLink, percentDecode, type Link } from './link.js';
import { PLATFORMS, SELF_HOSTED, platformForHost, platformForScheme, type LinkMeeting, type Platform } from './platforms/index.js';
import { unwrap } from './unwrap.js';

const DEEP_SCHEME = new RegExp(`(?<![A-Za-z0-9])(?:${[...new Set(PLATFORMS.flatMap((p) => p.schemes ?? []))].join('|')}):`, 'i');
const ENCODED_SCHEME = /https?%3A%2F%2F/i;
const BARE_HOST = /(?<![A-Za-z0-9.@%+_-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*/;

/**
 * Every link has a `.` in its host or a `:` after its scheme, between link
 * characters (a full stop before a blank ends a sentence). Scanning for those
 * and then reading the surrounding token is linear and much cheaper than
 * trying a URL pattern at every word.
 */
const TRIGGER = /(?<=[A-Za-z0-9])[.:](?=[A-Za-z0-9/%])/g;

/** Characters that end a link: blanks, quotes, brackets, and anything outside printable ASCII. */
function isLinkChar(code: number): boolean {
  if (code <= 0x20 || code >= 0x7f) return false;
  // " ' ( ) < > [ \ ] ^ ` { | }
  return !(code === 0x22 || code === 0x27 || code === 0x28 || code === 0x29 || code === 0x3c || code === 0x3e ||
    code === 0x5b || code === 0x5c || code === 0x5d || code === 0x5e || code === 0x60 || code === 0x7b || code === 0x7c || code === 0x7d);
}

/**
 * `raw` without what a link ends up followed by: sentence punctuation
 * (`…/j/123).` → `…/j/123`) and a percent-encoded `>`, `"` or `)` left by
 * mail clients that encoded the `<…>` around a link (MeetingBar #727).
 */
function withoutTrailingPunctuation(raw: string): string {
  let end = raw.length;
  for (;;) {
    const c = raw.charCodeAt(end - 1);
    if (c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x21 || c === 0x3f || c === 0x2a || c === 0x27) end--;
    else if (end >= 3 && /^%(?:3E|22|29)$/i.test(raw.slice(end - 3, end))) end -= 3;
    else break;
  }
  return end === raw.length ? raw : raw.slice(0, end);
}
const MAX_LINK = 2048;

/** Longest plain JSON context read as part of a link. */
const MAX_CONTEXT = 600;

function scanEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_LINK);
  let i = from;
  while (i < limit && isLinkChar(text.charCodeAt(i))) i++;
  // Outlook renders Teams links with a plain JSON context: `context={"Tid":"…"}`.
  if (text.charCodeAt(i) === 0x7b && text.charCodeAt(i - 1) === 0x3d) {
    // Looked for within its longest length only: a search to the end of the text for every
    // `={` that is never closed would cost the text's length each time.
    const context = text.slice(i, i + MAX_CONTEXT);
    const close = context.indexOf('}');
    if (close > 0 && !/\s/.test(context.slice(0, close))) {
      i += close + 1;
      while (i < limit && isLinkChar(text.charCodeAt(i))) i++;
    }
  }
  return i;
}

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const ID_GROUP = /(?:[ \t]+|[ \t]*-[ \t]*|[ \t]*\r?\n[ \t]*)(\d{1,8})(?!\d)/y;

/**
 * Meeting ids split by blanks, dashes or a line break right after a link
 * (`zoom.us/j/845 1239 7261`): appends groups while the id is still shorter
 * than any real one (9 digits), so trailing numbers in prose stay out.
 */
function continuation(text: string, raw: string, end: number): { digits: string; end: number } {
  // The last path segment must be digits (dashes allowed), with no query or fragment after it.
  let k = raw.length - 1;
  let count = 0;
  for (let c = raw.charCodeAt(k); (c >= 0x30 && c <= 0x39) || c === 0x2d; c = raw.charCodeAt(--k)) if (c !== 0x2d) count++;
  if (count === 0 || raw.charCodeAt(k) !== 0x2f || !isDigitCode(raw.charCodeAt(raw.length - 1))) return { digits: '', end };
  if (raw.includes('?') || raw.includes('#')) return { digits: '', end };
  let digits = '';
  let at = end;
  while (count < 9) {
    ID_GROUP.lastIndex = at;
    const m = ID_GROUP.exec(text);
    if (m?.[1] === undefined || count + m[1].length > 15) break;
    digits += m[1];
    count += m[1].length;
    at = ID_GROUP.lastIndex;
  }
  return count >= 9 ? { digits, end: at } : { digits: '', end };
}

interface Resolved {
  platform: Platform;
  meeting: LinkMeeting;
  host: string;
}

const MAX_WRAPPERS = 5;

function resolve(raw: string, depth: number): Resolved | null {
  if (depth > MAX_WRAPPERS) return null;
  if (/^https?%3A%2F%2F/i.test(raw)) return resolve(percentDecode(raw), depth + 1);
  const link = parseLink(raw);
  if (link === null) return null;
  const byScheme = platformForScheme(link.scheme);
  if (byScheme !== null) {
    const meeting = byScheme.parse(link);
    if (meeting !== null) return { platform: byScheme, meeting, host: meeting.host ?? link.host };
  }
  if (link.host === '' || !link.host.includes('.')) return null;
  const owner = platformForHost(link.host);
  if (owner !== null) {
    const meeting = owner.parse(link);
    if (meeting !== null) return { platform: owner, meeting, host: meeting.host ?? link.host };
  }
  // Archived copies are unwrapped at the top level only: an archive of an archive is not a leak.
  const inner = unwrap(link) ?? (depth === 0 ? nestedInPath(link) : null);
  if (inner !== null) {
    const found = resolve(inner, depth + 1);
    if (found !== null) return found;
  }
  if (owner !== null) return null;
  const where = link.host + link.path;
  for (const platform of SELF_HOSTED) {
    if (platform.selfHostedHint !== undefined && !platform.selfHostedHint.test(where)) continue;
    const meeting = platform.parse(link);
    if (meeting !== null) return { platform, meeting, host: meeting.host ?? link.host };
  }
  return null;
}

/** Archives and proxies put a whole URL in the path: `web.archive.org/web/2020/https://zoom.us/j/…`. */
function nestedInPath(link: Link): string | null {
  const at = link.raw.slice(1).search(/https?:\/\//i);
  return at < 0 ? null : link.raw.slice(at + 1);
}

/** Where, inside a token of link characters, the link itself starts; -1 when there is none. */
function linkStart(token: string): number {
  const scheme = token.indexOf('://');
  if (scheme > 0) {
    let s = scheme;
    while (s > 0 && /[A-Za-z0-9+.-]/.test(token[s - 1] ?? '')) s--;
    while (s < scheme && !/[A-Za-z]/.test(token[s] ?? '')) s++;
    if (s < scheme) return s;
  }
  const deep = DEEP_SCHEME.exec(token);
  if (deep !== null) return deep.index;
  const encoded = ENCODED_SCHEME.exec(token);
  if (encoded !== null) return encoded.index;
  return BARE_HOST.exec(token)?.index ?? -1;
}

/**
 * The secrets of the meeting link at `[start, end)`: its secret parameters,
 * and a passcode the platform reads from elsewhere in the link (BlueJeans'
 * `/ID/PASSCODE` path) where it is written.
 */
function linkSecretsOf(text: string, start: number, end: number, passcode: string | null): Span[] {
  const spans = meetingLinkSecrets(text, start, end);
  if (passcode === null || passcode.length === 0) return spans;
  const at = text.lastIndexOf(passcode, end - passcode.length);
  if (at >= start && !spans.some((s) => s.start <= at && at + passcode.length <= s.end)) spans.push({ start: at, end: at + passcode.length });
  return spans;
}

/** Every catalogued meeting link in `text`, in order, with offsets into `text`. */
export function findLinkMeetings(text: string): Candidate[] {
  const found: Candidate[] = [];
  // Posts repeat the same link (an invitation pasted twice, spam): resolve each once.
  const resolvedBefore = new Map<string, Resolved | null>();
  let from = 0;
  TRIGGER.lastIndex = 0;
  for (let m = TRIGGER.exec(text); m !== null; m = TRIGGER.exec(text)) {
    let tokenStart = m.index;
    while (tokenStart > from && isLinkChar(text.charCodeAt(tokenStart - 1))) tokenStart--;
    const tokenEnd = scanEnd(text, m.index + 1);
    from = Math.max(tokenEnd, m.index + 1);
    TRIGGER.lastIndex = from;
    const token = text.slice(tokenStart, tokenEnd);
    if (token.length < 6 || !/[/?#]|%2F/i.test(token)) continue; // a bare host, never a meeting
    if (!LINK_HINT.test(token)) continue; // no catalogued host in it, not even wrapped
    const offset = linkStart(token);
    if (offset < 0) continue;
    const start = tokenStart + offset;
    let raw = withoutTrailingPunctuation(text.slice(start, tokenEnd));
    if (!/[/?#]|%2F/i.test(raw)) continue; // a bare host is never a meeting
    let end = start + raw.length;
    const more = continuation(text, raw, end);
    raw += more.digits;
    end = more.end;
    let resolved = resolvedBefore.get(raw);
    if (resolved === undefined) {
      resolved = resolve(raw, 0);
      resolvedBefore.set(raw, resolved);
    }
    if (resolved === null) continue;
    from = Math.max(from, end);
    TRIGGER.lastIndex = from;
    const { platform, meeting, host } = resolved;
    found.push({
      platform: platform.slug,
      meetingId: meeting.meetingId,
      passcode: meeting.passcode ?? null,
      passcodeWritten: false,
      token: null,
      url: meeting.url,
      host: host === '' ? null : host,
      orgHint: meeting.orgHint ?? null,
      start,
      end,
      hostStart: meeting.hostStart === true,
      fromText: false,
      secrets: linkSecretsOf(text, start, end, meeting.passcode ?? null),
    });
  }
  return found;
}
