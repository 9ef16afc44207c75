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
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]{0,20}):(\/\/)?/;
const HOST_CHARS = /^[A-Za-z0-9.-]*/;

/** Splits `raw` into its parts; null when there is no host and no scheme. */
export function parseLink(raw: string): Link | null {
  let rest = raw;
  let scheme = '';
  let hasAuthority = true;
  const s = SCHEME.exec(rest);
  if (s !== null && s[1] !== undefined) {
    scheme = s[1].toLowerCase();
    hasAuthority = s[2] !== undefined;
    rest = rest.slice(s[0].length);
    if (hasAuthority) rest = rest.replace(/^\/+/, '');
  }
  let host = '';
  if (hasAuthority) {
    const userinfo = /^[^/?#@]*@/.exec(rest);
    if (userinfo !== null) rest = rest.slice(userinfo[0].length);
    host = (HOST_CHARS.exec(rest)?.[0] ?? '').toLowerCase();
    rest = rest.slice(host.length);
    const port = /^:\d{0,5}/.exec(rest);
    if (port !== null) rest = rest.slice(port[0].length);
    host = host.replace(/\.+$/, '');
  }
  if (host === '' && scheme === '') return null;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  return { scheme, host, path: rest, query, fragment, raw };
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
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (percentDecode(key).toLowerCase() === wanted) {
      return eq < 0 ? '' : percentDecode(pair.slice(eq + 1));
    }
  }
  return null;
}

/** Path split on `/` without empty segments. */
export function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) if (part.length > 0) out.push(part);
  return out;
}
