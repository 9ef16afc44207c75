/**
 * Finds links in normalised text and resolves each to a catalogued meeting:
 * deep links by scheme, hosts by their catalogued domain (on label
 * boundaries), redirect wrappers unwrapped, and self-hosted software asked
 * last. Each link is scanned once, left to right, so the work is linear in
 * the text.
 */
import type { Candidate } from './candidate.js';
import { parseLink, percentDecode, type Link } from './link.js';
import { PLATFORMS, SELF_HOSTED, platformForHost, platformForScheme, type LinkMeeting, type Platform } from './platforms/index.js';
import { unwrap } from './unwrap.js';

const DEEP_SCHEME = new RegExp(`(?<![A-Za-z0-9])(?:${[...new Set(PLATFORMS.flatMap((p) => p.schemes ?? []))].join('|')}):`, 'i');
const ENCODED_SCHEME = /https?%3A%2F%2F/i;
const BARE_HOST = /(?<![A-Za-z0-9.@%+_-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z0-9-]*/;

/**
 * Every link has a `.` in its host or a `:` after its scheme. Scanning for
 * those two characters and then reading the surrounding token is linear and
 * much cheaper than trying a URL pattern at every word.
 */
const TRIGGER = /[.:]/g;

/** Characters that end a link: blanks, quotes, brackets, and anything outside printable ASCII. */
function isLinkChar(code: number): boolean {
  if (code <= 0x20 || code >= 0x7f) return false;
  // " ' ( ) < > [ \ ] ^ ` { | }
  return !(code === 0x22 || code === 0x27 || code === 0x28 || code === 0x29 || code === 0x3c || code === 0x3e ||
    code === 0x5b || code === 0x5c || code === 0x5d || code === 0x5e || code === 0x60 || code === 0x7b || code === 0x7c || code === 0x7d);
}

const TRAILING_PUNCTUATION = /[.,;:!?*']+$/;
const MAX_LINK = 4096;

function scanEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_LINK);
  let i = from;
  while (i < limit && isLinkChar(text.charCodeAt(i))) i++;
  // Outlook renders Teams links with a plain JSON context: `context={"Tid":"…"}`.
  if (text.charCodeAt(i) === 0x7b && text.charCodeAt(i - 1) === 0x3d) {
    const close = text.indexOf('}', i);
    if (close > i && close - i < 600 && !/\s/.test(text.slice(i, close))) {
      i = close + 1;
      while (i < limit && isLinkChar(text.charCodeAt(i))) i++;
    }
  }
  return i;
}

const ID_GROUP = /(?:[ \t]+|[ \t]*-[ \t]*|[ \t]*\r?\n[ \t]*)(\d{1,8})(?!\d)/y;

/**
 * Meeting ids split by blanks, dashes or a line break right after a link
 * (`zoom.us/j/845 1239 7261`): appends groups while the id is still shorter
 * than any real one (9 digits), so trailing numbers in prose stay out.
 */
function continuation(text: string, raw: string, end: number): { digits: string; end: number } {
  const tail = /\/([\d-]*\d)$/.exec(raw);
  if (tail?.[1] === undefined || raw.includes('?') || raw.includes('#')) return { digits: '', end };
  let count = tail[1].replace(/\D/g, '').length;
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
  const inner = unwrap(link) ?? nestedInPath(link);
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

/** Every catalogued meeting link in `text`, in order, with offsets into `text`. */
export function findLinkMeetings(text: string): Candidate[] {
  const found: Candidate[] = [];
  let from = 0;
  TRIGGER.lastIndex = 0;
  for (let m = TRIGGER.exec(text); m !== null; m = TRIGGER.exec(text)) {
    let tokenStart = m.index;
    while (tokenStart > from && isLinkChar(text.charCodeAt(tokenStart - 1))) tokenStart--;
    const tokenEnd = scanEnd(text, m.index + 1);
    from = Math.max(tokenEnd, m.index + 1);
    TRIGGER.lastIndex = from;
    const token = text.slice(tokenStart, tokenEnd);
    if (token.length < 6 || !/[/?#]/.test(token)) continue; // a bare host or a sentence end, never a meeting
    const offset = linkStart(token);
    if (offset < 0) continue;
    const start = tokenStart + offset;
    let raw = text.slice(start, tokenEnd).replace(TRAILING_PUNCTUATION, '');
    if (!/[/?#]/.test(raw)) continue; // a bare host is never a meeting
    let end = start + raw.length;
    const more = continuation(text, raw, end);
    raw += more.digits;
    end = more.end;
    const resolved = resolve(raw, 0);
    if (resolved === null) continue;
    from = Math.max(from, end);
    TRIGGER.lastIndex = from;
    const { platform, meeting, host } = resolved;
    found.push({
      platform: platform.slug,
      meetingId: meeting.meetingId,
      passcode: meeting.passcode ?? null,
      url: meeting.url,
      host: host === '' ? null : host,
      orgHint: meeting.orgHint ?? null,
      start,
      end,
      hostStart: meeting.hostStart === true,
      fromText: false,
    });
  }
  return found;
}
