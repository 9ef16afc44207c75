import { redactUrl } from './redact.js';
import { isIP } from 'node:net';
import { addressRefusal } from './address.js';
import { BlockedUrlError } from './blocked-url-error.js';
import type { UrlGuardOptions } from './guard-options.js';
import { bareHost, isTrustedHost } from './trusted-hosts.js';

export { addressRefusal, isPrivateAddress } from './address.js';
export type { UrlGuardOptions } from './guard-options.js';
export { BlockedUrlError } from './blocked-url-error.js';
export { guardedLookup } from './guarded-lookup.js';
export { isTrustedHost, normaliseHostPort } from './trusted-hosts.js';

/**
 * Checks a user-supplied URL before anything is fetched: http(s) only, no
 * credentials in it, and (unless allowed) no `localhost` name and no literal
 * address that is not globally routable unicast, in whatever notation it was
 * written: WHATWG URL parsing has already turned `http://0x7f.1/` and
 * `http://2130706433/` into 127.0.0.1 and `[::ffff:127.0.0.1]` into
 * `[::ffff:7f00:1]`. Names are checked at connection time by
 * {@link guardedLookup}, on the addresses actually connected to.
 */
export function checkUserUrl(raw: string, options: UrlGuardOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError('not a URL (it does not parse)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedUrlError(`${redactUrl(url)}: only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new BlockedUrlError(`${url.host}: a URL with credentials in it is refused; use a secret link or a public feed`);
  if (options.allowPrivateHosts || isTrustedHost(url, options.allowHosts)) return url;
  const host = bareHost(url.hostname);
  let refusal: string | null = null;
  if (host === 'localhost' || host.endsWith('.localhost')) refusal = 'a loopback name';
  else if (isIP(host) !== 0) refusal = addressRefusal(host);
  if (refusal) {
    throw new BlockedUrlError(`${redactUrl(url)}: ${host} is ${refusal}; leakwatch fetches only public addresses (http.allowHosts trusts a host:port, http.allowPrivateHosts every address)`);
  }
  return url;
}

