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

const DEEP_SCHEMES = [...new Set(PLATFORMS.flatMap((p) => p.schemes ?? []))].join('|');

/**
 * Where a link may start: a scheme with `//`, a deep-link scheme, a fully
 * percent-encoded `https%3A%2F%2F`, or a bare dotted host. The look-behinds
 * let only the first character of a word start a match, which keeps the scan
 * linear on long runs of letters or dots.
 */
const LINK_START = new RegExp(
  String.raw`(?<![A-Za-z0-9+.\-])(?:[A-Za-z][A-Za-z0-9+.\-]{0,20}:\/\/|(?:${DEEP_SCHEMES}):|https?%3A%2F%2F)` +
    String.raw`|(?<![A-Za-z0-9@._%+\-\/])(?:[A-Za-z0-9][A-Za-z0-9\-]{0,62}\.)+[A-Za-z][A-Za-z0-9\-]{0,62}(?![A-Za-z0-9])`,
  'gi',
);

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
  for (const platform of SELF_HOSTED) {
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

/** Every catalogued meeting link in `text`, in order, with offsets into `text`. */
export function findLinkMeetings(text: string): Candidate[] {
  const found: Candidate[] = [];
  LINK_START.lastIndex = 0;
  for (let m = LINK_START.exec(text); m !== null; m = LINK_START.exec(text)) {
    const start = m.index;
    let end = scanEnd(text, start + m[0].length);
    let raw = text.slice(start, end).replace(TRAILING_PUNCTUATION, '');
    end = start + raw.length;
    LINK_START.lastIndex = Math.max(end, start + 1);
    if (!/[/?#:]/.test(raw.slice(m[0].length - 1))) continue; // a bare host is never a meeting
    const more = continuation(text, raw, end);
    raw += more.digits;
    end = more.end;
    const resolved = resolve(raw, 0);
    if (resolved === null) continue;
    LINK_START.lastIndex = Math.max(LINK_START.lastIndex, end);
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
