import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a URL supplied by a user must not reach: this machine, private
 * networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * multicast and reserved ranges. Checked on the address actually connected
 * to, so a name that resolves differently the second time (DNS rebinding)
 * is caught too.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked against the IPv4 rules: BlockList does that itself.
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** A URL leakwatch will not fetch, with why. */
export class BlockedUrlError extends Error {
  override name = 'BlockedUrlError';
}

/** Whether an IP address is private, loopback, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Checks a user-supplied URL before anything is fetched: http(s) only, no
 * credentials in it, and (unless allowed) no literal private address.
 * Names are checked again at connection time by {@link guardedLookup}.
 */
export function checkUserUrl(raw: string, options: { allowPrivateHosts: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedUrlError(`${raw}: only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new BlockedUrlError(`${url.host}: a URL with credentials in it is refused; use a secret link or a public feed`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateHosts && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))) {
    throw new BlockedUrlError(`${raw}: ${host} is a private, loopback or link-local address; leakwatch fetches only public addresses (http.allowPrivateHosts allows others)`);
  }
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses private addresses. Used on every
 * connection (and every redirect), so the check applies to the address
 * actually connected to.
 */
export function guardedLookup(allowPrivateHosts: boolean) {
  return function lookup(hostname: string, options: object, callback: LookupCallback): void {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const blocked = allowPrivateHosts ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (blocked) {
        const refusal = new BlockedUrlError(`${hostname} resolves to ${blocked.address}, a private, loopback or link-local address; refused`) as NodeJS.ErrnoException;
        refusal.code = 'EBLOCKED';
        return callback(refusal, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
