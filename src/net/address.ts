import ipaddr from 'ipaddr.js';

/**
 * Which IP addresses leakwatch may connect to on a user's behalf: only
 * globally routable unicast, as ipaddr.js classifies it (`range() ===
 * 'unicast'`), and for IPv6 only inside 2000::/3, the one block IANA
 * allocates global unicast from.
 *
 * An IPv6 address that carries an IPv4 address is judged by the IPv4 address
 * it carries, since that is where the packets end up:
 * - IPv4-mapped `::ffff:a.b.c.d`: how a dual-stack socket shows an IPv4 peer;
 * - 6to4 `2002:AABB:CCDD::/48`: relayed to AA.BB.CC.DD;
 * - NAT64 `64:ff9b::/96` (RFC 6052) and `64:ff9b:1::/48` (RFC 8215, local use):
 *   translated to the last 32 bits. The local-use prefix is accepted only in
 *   the /96 layout (bits 48–95 zero): in the other layouts RFC 6052 allows,
 *   where the IPv4 bits sit depends on a prefix length only the network's
 *   operator knows, so the address is refused rather than guessed at.
 * A wrapped public address is allowed (`2002:808:808::` is 8.8.8.8 over
 * 6to4, `64:ff9b::808:808` is 8.8.8.8 behind a NAT64), a wrapped private
 * one refused (`2002:a9fe:a9fe::` is the cloud metadata address 169.254.169.254).
 *
 * Refused whatever they carry:
 * - IPv4-compatible `::a.b.c.d` (deprecated by RFC 4291 in 2006; nothing
 *   legitimate uses it, and a Linux `sit` tunnel would deliver it to the IPv4
 *   address, `::127.0.0.1` to loopback);
 * - Teredo `2001:0::/32`: it carries two IPv4 addresses (the Teredo server,
 *   and the client XOR 0xffffffff) and reaches the client through whichever
 *   relay answers; a server such as leakwatch has no reason to call a Teredo
 *   client, so it is not worth checking both;
 * - site-local `fec0::/10` (deprecated, RFC 3879, but still routed inside
 *   some networks), and every other special range ipaddr.js knows.
 */

/**
 * Why `address` may not be connected to, as a phrase ("a loopback address",
 * "a link-local address (169.254.169.254 inside a 6to4 address)"), or null
 * when it is globally routable unicast. Any notation ipaddr.js reads is
 * accepted (`0x7f.1` is 127.0.0.1); anything else is refused.
 */
export function addressRefusal(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(dottedTailToHex(address));
  } catch {
    return 'not an IP address';
  }
  if (parsed.kind() === 'ipv4') return ipv4Refusal(parsed as ipaddr.IPv4);
  const parts = (parsed as ipaddr.IPv6).parts;
  const range = (parsed as ipaddr.IPv6).range();
  if (range === 'unspecified' || range === 'loopback') return `the IPv6 ${range} address`;
  if (range === 'ipv4Mapped') return wrapped(embeddedIpv4(parts[6]!, parts[7]!), 'an IPv4-mapped');
  if (parts.slice(0, 6).every((part) => part === 0)) {
    return `an IPv4-compatible address (deprecated; it wraps ${embeddedIpv4(parts[6]!, parts[7]!).toString()})`;
  }
  if (range === '6to4') return wrapped(embeddedIpv4(parts[1]!, parts[2]!), 'a 6to4');
  if (range === 'teredo') return 'a Teredo address (refused whatever it wraps: it reaches a client behind NAT through a relay)';
  if (range === 'rfc6052') {
    const localUse = parts[2] === 1;
    if (localUse && !parts.slice(3, 6).every((part) => part === 0)) {
      return 'a local-use NAT64 address (64:ff9b:1::/48) not in the /96 layout, so the IPv4 address in it cannot be located';
    }
    return wrapped(embeddedIpv4(parts[6]!, parts[7]!), 'a NAT64');
  }
  if (range !== 'unicast') return named(range);
  // ipaddr.js calls everything it has no name for unicast; outside 2000::/3 that is unallocated or reserved space.
  if (parts[0]! >> 13 !== 0b001) return 'an IPv6 address outside 2000::/3, the global unicast space';
  return null;
}

/** Whether an IP address is anything but globally routable unicast (what is not an IP address at all counts as private). */
export function isPrivateAddress(address: string): boolean {
  return addressRefusal(address) !== null;
}

function ipv4Refusal(address: ipaddr.IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : named(range);
}

/**
 * `::1.2.3.4` as `::102:304`: ipaddr.js 2.5 reads a dotted tail after `::`
 * as IPv4-mapped (`::ffff:102:304`), which would judge an IPv4-compatible
 * address by the wrong rule.
 */
function dottedTailToHex(address: string): string {
  const match = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!match) return address;
  const octets = match.slice(2).map(Number);
  if (octets.some((octet) => octet > 255)) return address;
  const [a, b, c, d] = octets as [number, number, number, number];
  return `${match[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** The IPv4 address in two 16-bit IPv6 parts. */
function embeddedIpv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function wrapped(inner: ipaddr.IPv4, form: string): string | null {
  const refusal = ipv4Refusal(inner);
  return refusal === null ? null : `${refusal} (${inner.toString()} inside ${form} address)`;
}

/** ipaddr.js range names, as the kind of address they are. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
  multicast: 'a multicast',
  linkLocal: 'a link-local',
  loopback: 'a loopback',
  carrierGradeNat: 'a carrier-grade NAT',
  private: 'a private',
  reserved: 'a reserved or documentation',
  as112: 'an AS112 (DNS sink)',
  amt: 'an AMT relay',
  uniqueLocal: 'a unique local (private)',
  deprecatedSiteLocal: 'a site-local (deprecated, private)',
  discard: 'a discard-only',
  rfc6145: 'an IPv4-translated (SIIT)',
  benchmarking: 'a benchmarking',
  as112v6: 'an AS112 (DNS sink)',
  deprecatedOrchid: 'an ORCHID',
  orchid2: 'an ORCHIDv2',
  droneRemoteIdProtocolEntityTags: 'a drone remote ID',
  segmentRouting: 'a segment routing',
};

function named(range: string): string {
  return `${RANGE_NAMES[range] ?? `a ${range}`} address`;
}
