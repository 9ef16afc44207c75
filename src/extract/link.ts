/**
 * One link, split into the parts platform parsers read. Hand-written instead
 * of WHATWG `URL` because links in posts are often not valid URLs (deep links
 * without an authority, schemeless hosts, stray `%`), and parsers need the
 * parts exactly as written.
 */

/** A link as written in the (normalised) text. */
export interface Link {
  /** Lower-case scheme without `:`, or `''` for a schemeless `zoom.us/j/…`. */
  scheme: string;
  /** Lower-case host without port, or `''` for deep links such as `msteams:/l/…`. */
  host: string;
  /** Path as written (`/j/812…`), `''` when absent. */
  path: string;
  /** Query without the `?`, still percent-encoded. */
  query: string;
  /** Fragment without the `#`, still percent-encoded. */
  fragment: string;
  /** The whole link string that was parsed. */
  raw: string;
  /** Non-empty path segments, as written. */
  segments: readonly string[];
}

function isSchemeChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2e || c === 0x2d;
}

function isHostChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

/**
 * Splits `raw` into its parts; null when there is no host and no scheme.
 * Written as one left-to-right pass (this runs for every candidate link).
 */
export function parseLink(raw: string): Link | null {
  let i = 0;
  let scheme = '';
  let hasAuthority = true;
  // scheme: a letter, then up to 20 scheme characters, then ':'
  const first = raw.charCodeAt(0);
  if ((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a)) {
    let j = 1;
    while (j < raw.length && j <= 21 && isSchemeChar(raw.charCodeAt(j))) j++;
    if (raw.charCodeAt(j) === 0x3a) {
      scheme = raw.slice(0, j).toLowerCase();
      i = j + 1;
      hasAuthority = raw.charCodeAt(i) === 0x2f && raw.charCodeAt(i + 1) === 0x2f;
      if (hasAuthority) while (raw.charCodeAt(i) === 0x2f) i++;
    }
  }
  let host = '';
  if (hasAuthority) {
    // userinfo ends at '@' before any of / ? #
    for (let k = i; k < raw.length; k++) {
      const c = raw.charCodeAt(k);
      if (c === 0x2f || c === 0x3f || c === 0x23) break;
      if (c === 0x40) {
        i = k + 1;
        break;
      }
    }
    let h = i;
    while (h < raw.length && isHostChar(raw.charCodeAt(h))) h++;
    host = raw.slice(i, h).toLowerCase();
    i = h;
    if (raw.charCodeAt(i) === 0x3a) {
      i++;
      while (raw.charCodeAt(i) >= 0x30 && raw.charCodeAt(i) <= 0x39) i++;
    }
    while (host.endsWith('.')) host = host.slice(0, -1);
  }
  if (host === '' && scheme === '') return null;
  let end = raw.length;
  let fragment = '';
  const hash = raw.indexOf('#', i);
  if (hash >= 0) {
    fragment = raw.slice(hash + 1);
    end = hash;
  }
  let query = '';
  const q = raw.indexOf('?', i);
  if (q >= 0 && q < end) {
    query = raw.slice(q + 1, end);
    end = q;
  }
  const path = raw.slice(i, end);
  let parts: string[] | null = null;
  return {
    scheme, host, path, query, fragment, raw,
    // Split on first use: links that no platform reads never pay for it.
    get segments(): readonly string[] {
      parts ??= segments(path);
      return parts;
    },
  };
}

const PERCENT = /%([0-9A-Fa-f]{2})/g;

/**
 * Decodes percent-escapes once, leniently: a stray `%` stays as it is and
 * bytes that are not UTF-8 decode as Latin-1 instead of throwing.
 */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
  } catch {
    return s.replace(PERCENT, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

/** Decodes until stable (at most `rounds` times): wrappers double-encode. */
export function percentDecodeDeep(s: string, rounds = 3): string {
  let current = s;
  for (let i = 0; i < rounds; i++) {
    const next = percentDecode(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * The value of query (or fragment) parameter `name`, percent-decoded once; the
 * name is compared case-insensitively (`MTID`, `mtid`). Null when absent.
 */
export function param(query: string, name: string): string | null {
  if (query === '') return null;
  const wanted = name.toLowerCase();
  for (let start = 0; start <= query.length; ) {
    let amp = query.indexOf('&', start);
    if (amp < 0) amp = query.length;
    let eq = query.indexOf('=', start);
    if (eq < 0 || eq > amp) eq = amp;
    const key = query.slice(start, eq);
    if ((key.length === name.length && key.toLowerCase() === wanted) || (key.includes('%') && percentDecode(key).toLowerCase() === wanted)) {
      return eq === amp ? '' : percentDecode(query.slice(eq + 1, amp));
    }
    start = amp + 1;
  }
  return null;
}

/** Path split on `/` without empty segments. */
export function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) if (part.length > 0) out.push(part);
  return out;
}
