import { lookup as systemLookup, promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { addressRefusal } from './address.js';
import { BlockedUrlError } from './blocked-url-error.js';
import type { UrlGuardOptions } from './guard-options.js';
import { isTrustedHost } from './trusted-hosts.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupOptions = { family?: number | string; all?: boolean; hints?: number };

/** Per query to a configured DNS server; a name that does not resolve within this fails the connection, which is retried like any network error. */
const DNS_TIMEOUT_MS = 3_000;
const DNS_TRIES = 2;

/**
 * A `lookup` for `http.request` that refuses addresses that are not globally
 * routable unicast (see `address.ts`). Node connects only to the addresses it
 * returns, so the check applies to the address actually connected to, on
 * every connection and every redirect: a name that resolves to a public
 * address once and to 127.0.0.1 the next time (DNS rebinding) is caught.
 *
 * `guard` is `http.allowPrivateHosts` alone or the whole guard; `target`, the
 * URL being fetched, lets a `host:port` of `http.allowHosts` through (a
 * lookup is not told the port).
 */
export function guardedLookup(guard: boolean | UrlGuardOptions, target?: URL) {
  const options: UrlGuardOptions = typeof guard === 'boolean' ? { allowPrivateHosts: guard } : guard;
  const unchecked = options.allowPrivateHosts || (target !== undefined && isTrustedHost(target, options.allowHosts));
  const resolve = options.dnsServers?.length ? resolverLookup(options.dnsServers) : osLookup;
  return function lookup(hostname: string, lookupOptions: object, callback: LookupCallback): void {
    const wanted = lookupOptions as LookupOptions;
    resolve(hostname, wanted).then(
      (list) => {
        const blocked = unchecked ? undefined : list.map((a) => ({ address: a.address, refusal: addressRefusal(a.address) })).find((a) => a.refusal !== null);
        if (blocked) {
          const refusal = new BlockedUrlError(
            `${hostname} resolves to ${blocked.address}, ${blocked.refusal}; refused (leakwatch connects only to public addresses; http.allowHosts trusts a host:port)`,
          ) as NodeJS.ErrnoException;
          refusal.code = 'EBLOCKED';
          return callback(refusal, []);
        }
        if (wanted.all) return callback(null, list);
        const first = list[0];
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

/** The system's resolver, as Node uses by default (/etc/hosts, then DNS). */
function osLookup(hostname: string, options: LookupOptions): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    systemLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

const resolvers = new Map<string, dns.Resolver>();

/** A and AAAA records from the configured DNS servers (`http.dnsServers`); no /etc/hosts. */
function resolverLookup(servers: readonly string[]) {
  const key = servers.join(',');
  let resolver = resolvers.get(key);
  if (!resolver) {
    resolver = new dns.Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
    try {
      resolver.setServers([...servers]);
    } catch (error) {
      throw new Error(`http.dnsServers: ${JSON.stringify(servers)} is not a list of "host" or "host:port" DNS servers: ${(error as Error).message}`, { cause: error });
    }
    resolvers.set(key, resolver);
  }
  const chosen = resolver;
  return async function resolveBoth(hostname: string, options: LookupOptions): Promise<LookupAddress[]> {
    const family = isIP(hostname);
    if (family !== 0) return [{ address: hostname, family }];
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const answers = await Promise.allSettled([
      wanted === 6 ? Promise.resolve([]) : chosen.resolve4(hostname),
      wanted === 4 ? Promise.resolve([]) : chosen.resolve6(hostname),
    ]);
    const list: LookupAddress[] = [];
    answers.forEach((answer, index) => {
      if (answer.status === 'fulfilled') for (const address of answer.value) list.push({ address, family: index === 0 ? 4 : 6 });
    });
    if (list.length > 0) return list;
    const failure = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected' && (answer.reason as NodeJS.ErrnoException).code !== 'ENODATA');
    const cause = failure?.reason as NodeJS.ErrnoException | undefined;
    throw Object.assign(new Error(`${hostname}: no address from ${servers.join(', ')}${cause ? ` (${cause.code ?? cause.message})` : ''}`, { cause }), {
      code: cause?.code ?? 'ENOTFOUND',
      hostname,
    });
  };
}
