/**
 * Redirect wrappers that hide the real link (catalogue §5): Google's
 * `/url?q=`, Facebook/Messenger/Instagram link shims, Outlook SafeLinks (also
 * Teams' own `atp-safelinks.html`), Proofpoint URL Defense v1/v2/v3, YouTube
 * and Reddit redirects, and any other link that carries a whole `http(s)://`
 * URL in a parameter. Opaque shorteners (t.co, bit.ly, Mimecast) would need
 * the network and are left alone.
 */
import { param, percentDecode, type Link } from './link.js';

/** A query parameter holding the target, for hosts whose wrapper we know. */
function knownWrapper(link: Link): string | null {
  const { host, path } = link;
  const p = path.toLowerCase();
  if (/(?:^|\.)google\.[a-z.]{2,8}$/.test(host) && p === '/url') return param(link.query, 'q') ?? param(link.query, 'url');
  if (/^(?:l|lm)\.(?:facebook|messenger|instagram)\.com$/.test(host)) return param(link.query, 'u');
  if (host.endsWith('.safelinks.protection.outlook.com') || host === 'safelinks.protection.outlook.com') return param(link.query, 'url');
  if (host === 'statics.teams.cdn.office.net' && p.endsWith('/atp-safelinks.html')) return param(link.query, 'url');
  if (/(?:^|\.)youtube\.com$/.test(host) && p === '/redirect') return param(link.query, 'q');
  if (host === 'out.reddit.com') return param(link.query, 'url');
  if (host === 'urldefense.proofpoint.com' && p === '/v1/url') return param(link.query, 'u');
  if (host === 'urldefense.proofpoint.com' && p === '/v2/url') {
    const u = param(link.query, 'u');
    return u === null ? null : percentDecode(u.replace(/_/g, '/').replace(/-([0-9A-Fa-f]{2})/g, '%$1'));
  }
  return null;
}

/**
 * Proofpoint v3: `urldefense.com/v3/__URL__;BASE64!!…`. Characters Proofpoint
 * could not leave in place are written as `*` and listed, base64url-encoded,
 * after `__;`.
 */
function proofpointV3(raw: string): string | null {
  const m = /\/v3\/__(.+?)__;([A-Za-z0-9_-]*)/.exec(raw) ?? /\/v3\/__(.+?)__/.exec(raw);
  if (m?.[1] === undefined) return null;
  const replacements = [...Buffer.from((m[2] ?? '').replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')];
  let i = 0;
  return m[1].replace(/\*\*?/g, (star) => (star.length === 1 && i < replacements.length ? (replacements[i++] ?? star) : star));
}

const EMBEDDED = /(?:^|[=&])(https?(?::\/\/|%3A%2F%2F|%253A%252F%252F)[^&]*)/i;

/**
 * The link `link` redirects to, or null when it is no wrapper. The caller
 * loops (wrappers nest, e.g. SafeLinks around Google) with a bound.
 */
export function unwrap(link: Link): string | null {
  if (link.query === '' && link.host !== 'urldefense.com') return null;
  if (link.host === 'urldefense.com') return proofpointV3(link.raw);
  const known = knownWrapper(link);
  if (known !== null) return known.length > 0 ? known : null;
  if (!/http/i.test(link.query)) return null;
  const embedded = EMBEDDED.exec(link.query)?.[1];
  return embedded === undefined ? null : percentDecode(percentDecode(embedded));
}
