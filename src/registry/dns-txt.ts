/**
 * Domain verification by DNS TXT record: a school proves it controls a domain
 * by publishing `leakwatch-verification=<token>`, as with Google or HIBP.
 * Looking the record up distinguishes "not there" (tell the school to publish
 * it) from "could not ask" (try again later), because the two need different
 * advice.
 */
import { promises as dns } from 'node:dns';

export interface TxtLookupOptions {
  /**
   * Name servers to ask, each an IP address with an optional port:
   * `'192.0.2.53'`, `'192.0.2.53:5353'`, `'[2001:db8::53]:5353'`.
   * @default the system's resolvers (from /etc/resolv.conf)
   */
  servers?: string[];
  /**
   * How long the first try waits for each server. c-ares doubles it on every
   * later round and only checks it on a timer tick of min(timeoutMs, 1000 ms),
   * so a silent server costs between 1× and 2× this on the first try.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * How many times each server is asked before giving up.
   * @default 2
   */
  tries?: number;
}

export type TxtLookupResult =
  /** `records` holds one string per TXT record, its character-strings joined. */
  | { status: 'found'; records: string[] }
  /** The name does not exist (NXDOMAIN) or has no TXT records (NODATA). */
  | { status: 'missing' }
  /** No usable answer; worth retrying later. `reason` names the lookup and the servers. */
  | { status: 'unreachable'; reason: string };

/** The record prefix a school publishes; the token follows it. */
export const VERIFICATION_PREFIX = 'leakwatch-verification=';

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_TRIES = 2;
const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * What each c-ares failure means for the school. Anything not listed is still
 * reported as unreachable, with its code, so one odd resolver cannot crash a
 * verification run.
 */
const FAILURE_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'was refused: nothing is listening on the DNS port',
  ESERVFAIL: 'failed: the server answered SERVFAIL (it could not resolve the name)',
  EREFUSED: 'was refused: the server answered REFUSED (it will not resolve this name for us)',
  EFORMERR: 'failed: the server answered FORMERR (it could not parse the query)',
  ENOTIMP: 'failed: the server answered NOTIMP (it does not support this query)',
  EBADRESP: 'failed: the server sent a malformed reply',
  EEOF: 'failed: the server closed the connection before answering',
};

/**
 * Looks up the TXT records of `name`. Never throws for DNS or network
 * failures; throws TypeError only for bad arguments.
 */
export async function lookupTxt(name: string, options: TxtLookupOptions = {}): Promise<TxtLookupResult> {
  assertDomainName(name);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tries = options.tries ?? DEFAULT_TRIES;
  assertPositiveInteger('timeoutMs', timeoutMs);
  assertPositiveInteger('tries', tries);

  // A fresh resolver per lookup: c-ares caches answers per channel, and a
  // school that has just published its record must not see a stale miss.
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries });
  if (options.servers !== undefined) setServers(resolver, options.servers);

  try {
    const records = await resolver.resolveTxt(name);
    return { status: 'found', records: records.map((strings) => strings.join('')) };
  } catch (error) {
    const code = dnsErrorCode(error);
    if (code === undefined) throw error;
    if (code === 'ENODATA' || code === 'ENOTFOUND') return { status: 'missing' };
    const servers = resolver.getServers().join(', ') || '(no servers configured)';
    const what =
      code === 'ETIMEOUT'
        ? `timed out: no answer within ${timeoutMs} ms per try, ${tries} ${tries === 1 ? 'try' : 'tries'} per server`
        : (FAILURE_DESCRIPTIONS[code] ?? `failed with ${code}`);
    return { status: 'unreachable', reason: `TXT lookup of ${name} via ${servers} ${what}` };
  }
}

/**
 * The tokens published in `records` under `prefix`, in order, without
 * duplicates. Whitespace and quotes around the record or the token are
 * ignored, because DNS control panels differ on whether the user should type
 * the quotes; the prefix matches case-insensitively for the same reason. The
 * token itself is returned exactly as published.
 */
export function findVerificationToken(records: string[], prefix: string = VERIFICATION_PREFIX): string[] {
  if (typeof prefix !== 'string' || prefix.trim() === '') {
    throw new TypeError(`Expected \`prefix\` to be a non-empty string, got ${describe(prefix)}`);
  }
  const wanted = prefix.toLowerCase();
  const tokens: string[] = [];
  for (const record of records) {
    const text = stripQuotesAndSpace(record);
    if (!text.toLowerCase().startsWith(wanted)) continue;
    const token = stripQuotesAndSpace(text.slice(wanted.length));
    if (token !== '' && !tokens.includes(token)) tokens.push(token);
  }
  return tokens;
}

function stripQuotesAndSpace(text: string): string {
  return text.replace(/^["'\s]+|["'\s]+$/g, '');
}

function setServers(resolver: dns.Resolver, servers: string[]): void {
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new TypeError(`Expected \`servers\` to be a non-empty array of IP addresses, got ${describe(servers)}`);
  }
  try {
    resolver.setServers(servers);
  } catch (error) {
    throw new TypeError(
      `Expected \`servers\` to hold IP addresses with optional ports (e.g. '192.0.2.53:5353'), got ${describe(servers)}`,
      { cause: error },
    );
  }
}

/** c-ares would send a malformed query or fail with a vague EBADNAME; say what is wrong instead. */
function assertDomainName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`Expected \`name\` to be a non-empty domain name, got ${describe(name)}`);
  }
  if (!/^[\x21-\x7e]+$/.test(name)) {
    throw new TypeError(
      `Expected \`name\` to be an ASCII domain name without spaces (convert internationalized names with url.domainToASCII), got ${describe(name)}`,
    );
  }
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0 || bare.length > MAX_NAME_LENGTH) {
    throw new TypeError(`Expected \`name\` to be 1 to ${MAX_NAME_LENGTH} characters long, got ${describe(name)}`);
  }
  const badLabel = bare.split('.').find((label) => label.length === 0 || label.length > MAX_LABEL_LENGTH);
  if (badLabel !== undefined) {
    throw new TypeError(`Expected every label of \`name\` to be 1 to ${MAX_LABEL_LENGTH} characters long, got ${describe(name)}`);
  }
}

function assertPositiveInteger(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${option}\` to be an integer from 1 and up, got ${describe(value)}`);
  }
}

function dnsErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `\`${text}\` (${Array.isArray(value) ? 'array' : typeof value})`;
}
