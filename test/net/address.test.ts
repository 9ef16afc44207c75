import { describe, expect, it } from 'vitest';
import { addressRefusal, isPrivateAddress } from '../../src/net/url-guard.js';

/**
 * Only globally routable unicast is public. Every IPv6 form that carries an
 * IPv4 address is judged by that address, and the forms that cannot be
 * judged (Teredo, IPv4-compatible, a local-use NAT64 address outside the /96
 * layout) are refused outright.
 */
describe('isPrivateAddress', () => {
  it.each([
    // IPv4 special ranges, as ipaddr.js knows them.
    ['0.0.0.0', 'this network (0/8)'],
    ['0.1.2.3', 'this network (0/8)'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrier-grade NAT (100.64/10)'],
    ['100.127.255.254', 'carrier-grade NAT (100.64/10)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local: cloud metadata'],
    ['172.16.0.1', 'private'],
    ['192.0.0.8', 'IETF protocol assignments (192.0.0/24)'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking (198.18/15)'],
    ['198.19.255.255', 'benchmarking (198.18/15)'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.7', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast (SSDP)'],
    ['240.0.0.1', 'reserved (240/4)'],
    ['255.255.255.255', 'broadcast'],
    // Plain IPv6.
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fec0::1', 'site-local (deprecated)'],
    ['feff:ffff::1', 'site-local (deprecated)'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['3fff::1', 'documentation (RFC 9637)'],
    ['5f00::1', 'segment routing'],
    ['::1:0:0:0', 'outside 2000::/3'],
    ['4000::1', 'outside 2000::/3'],
    // IPv4-mapped.
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata'],
    ['::ffff:0:7f00:1', 'IPv4-translated (SIIT)'],
    // IPv4-compatible (deprecated): refused whatever they carry.
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::7f00:1', 'IPv4-compatible loopback, hex'],
    ['::a9fe:a9fe', 'IPv4-compatible metadata'],
    ['::8.8.8.8', 'IPv4-compatible, even public'],
    // 6to4: 2002:AABB:CCDD::/48 is AA.BB.CC.DD.
    ['2002:a9fe:a9fe::', '6to4 of 169.254.169.254'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
    ['2002:a00:1:1::1', '6to4 of 10.0.0.1'],
    ['2002::', '6to4 of 0.0.0.0'],
    // Teredo: refused whatever it carries.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (server 65.54.227.120, client 192.0.2.45)'],
    ['2001:0:53aa:64c::80ff:fffe', 'Teredo with client 127.0.0.1'],
    ['2001::1', 'Teredo'],
    // NAT64.
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
    ['64:ff9b::127.0.0.1', 'NAT64 of 127.0.0.1, dotted'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b:1::a00:1', 'local-use NAT64 of 10.0.0.1'],
    ['64:ff9b:1::c0a8:101', 'local-use NAT64 of 192.168.1.1'],
    ['64:ff9b:1:808:8:800::', 'local-use NAT64 in the /48 layout'],
    // Not an address at all.
    ['not-an-ip', 'not an address'],
    ['', 'empty'],
  ])('refuses %s (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    ['8.8.8.8', 'public IPv4'],
    ['1.1.1.1', 'public IPv4'],
    ['172.32.0.1', 'just outside 172.16/12'],
    ['100.128.0.1', 'just outside 100.64/10'],
    ['198.20.0.1', 'just outside 198.18/15'],
    ['2606:4700:4700::1111', 'public IPv6'],
    ['2a00:1450:4001:80b::200e', 'public IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
    ['::ffff:808:808', 'IPv4-mapped public, hex'],
    ['2002:808:808::', '6to4 of 8.8.8.8'],
    ['2002:0808:0808::1', '6to4 of 8.8.8.8, zero-padded'],
    ['64:ff9b::808:808', 'NAT64 of 8.8.8.8'],
    ['64:ff9b::8.8.8.8', 'NAT64 of 8.8.8.8, dotted'],
    ['64:ff9b:1::808:808', 'local-use NAT64 of 8.8.8.8'],
  ])('allows %s (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('addressRefusal', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['::1', 'the IPv6 loopback address'],
    ['2002:a9fe:a9fe::', 'a link-local address (169.254.169.254 inside a 6to4 address)'],
    ['64:ff9b::a00:1', 'a private address (10.0.0.1 inside a NAT64 address)'],
    ['::ffff:7f00:1', 'a loopback address (127.0.0.1 inside an IPv4-mapped address)'],
    ['::7f00:1', 'an IPv4-compatible address (deprecated; it wraps 127.0.0.1)'],
    ['fec0::1', 'a site-local (deprecated, private) address'],
    ['2001:0:53aa:64c::80ff:fffe', expect.stringMatching(/^a Teredo address \(refused whatever it wraps/)],
    ['8.8.8.8', null],
  ])('%s: %s', (address, refusal) => {
    expect(addressRefusal(address)).toEqual(refusal);
  });
});
