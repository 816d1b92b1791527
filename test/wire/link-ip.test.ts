// Link types (Ethernet+VLAN, SLL, SLL2, raw IP, BSD loopback), IPv4/IPv6 decoding, extension headers, address text.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipOffset, NOT_IP } from '../../src/wire/link.js';
import { decodeIp, formatIpv6 } from '../../src/wire/ip.js';
import { decodeTcp } from '../../src/wire/tcp.js';
import { decodeCapture } from '../../src/wire/decode.js';
import type { TcpSegment } from '../../src/wire/tcp.js';
import { bsdNull, ethernet, FLAGS, frames, http10Exchange, ipv4, ipv6, IPV4_CLIENT, IPV4_SERVER, pcap, sll, sll2, tcp, v6 } from './builder.js';

const syn = tcp({ sport: 40000, dport: 8080, seq: 1, flags: FLAGS.S });
const data = tcp({ sport: 40000, dport: 8080, seq: 2, ack: 3, flags: FLAGS.P | FLAGS.A, payload: 38 }, true);
const v4 = ipv4(IPV4_CLIENT, IPV4_SERVER, data);
const LO6 = v6(0, 0, 0, 0, 0, 0, 0, 1);
const v6packet = ipv6(LO6, LO6, data);

function segmentOf(linkType: number, frame: Uint8Array): TcpSegment | null {
  const offset = ipOffset(linkType, frame);
  if (offset === NOT_IP) return null;
  const ip = decodeIp(frame, offset);
  return ip ? decodeTcp(frame, ip, 1, 0, true) : null;
}

describe('link layers', () => {
  const cases: Array<[string, number, Uint8Array]> = [
    ['Ethernet', 1, ethernet(v4)],
    ['Ethernet 802.1Q', 1, ethernet(v4, [0x8100])],
    ['Ethernet QinQ (802.1ad + 802.1Q)', 1, ethernet(v4, [0x88a8, 0x8100])],
    ['Linux SLL', 113, sll(v4)],
    ['Linux SLL2', 276, sll2(v4)],
    ['raw IP (101)', 101, v4],
    ['raw IPv4 (228)', 228, v4],
    ['raw IPv6 (229)', 229, v6packet],
    ['BSD null, little-endian AF_INET', 0, bsdNull(v4, 2, true)],
    ['BSD null, big-endian AF_INET6 (macOS 30)', 0, bsdNull(v6packet, 30, false)],
    ['OpenBSD loop', 108, bsdNull(v4, 2, false)],
  ];
  for (const [name, linkType, frame] of cases) {
    test(`${name}: finds the TCP segment`, () => {
      const segment = segmentOf(linkType, frame);
      assert.ok(segment, 'decoded');
      assert.equal(segment.srcPort, 40000);
      assert.equal(segment.dstPort, 8080);
      assert.equal(segment.seq, 2);
      assert.equal(segment.ack, 3);
      assert.equal(segment.flags, FLAGS.P | FLAGS.A);
      assert.equal(segment.payloadLength, 38, 'payload excludes the 32-byte TCP header with options');
    });
  }

  test('non-IP frames are skipped: ARP, unknown families, too short', () => {
    const arp = ethernet(v4);
    arp[12] = 0x08;
    arp[13] = 0x06;
    assert.equal(ipOffset(1, arp), NOT_IP);
    assert.equal(ipOffset(0, bsdNull(v4, 7, true)), NOT_IP);
    assert.equal(ipOffset(1, new Uint8Array(10)), NOT_IP);
    assert.equal(ipOffset(276, new Uint8Array(10)), NOT_IP);
  });

  test('loopback packets captured twice on "any" (outgoing copy) are counted once', () => {
    assert.equal(ipOffset(113, sll(v4, 4, 772)), NOT_IP);
    assert.equal(ipOffset(276, sll2(v4, 4, 772)), NOT_IP);
    // Outgoing on a real NIC (ARPHRD_ETHER 1) is the only copy and is kept.
    assert.equal(ipOffset(113, sll(v4, 4, 1)), 16);
  });

  test('an undecodable link type throws H1B_PCAP_LINKTYPE', () => {
    assert.throws(() => ipOffset(147, v4), { code: 'H1B_PCAP_LINKTYPE' });
  });

  test('Ethernet padding does not count as payload (lengths come from the IP header)', () => {
    const tiny = ipv4(IPV4_CLIENT, IPV4_SERVER, syn);
    const padded = ethernet(tiny, [], 60 + 14);
    assert.equal(segmentOf(1, padded)?.payloadLength, 0);
  });
});

describe('IP', () => {
  test('IPv4 addresses and protocol', () => {
    const ip = decodeIp(v4, 0);
    assert.deepEqual(ip && [ip.version, ip.src, ip.dst, ip.protocol, ip.payloadOffset, ip.payloadLength], [4, '10.0.0.1', '10.0.0.2', 6, 20, 70]);
  });

  test('IPv4: a snap length that cut the payload still reports the full length', () => {
    const cut = v4.subarray(0, 20 + 32 + 5);
    assert.equal(segmentOf(101, cut)?.payloadLength, 38);
  });

  test('IPv4 non-first fragments are skipped; UDP is not TCP', () => {
    assert.equal(decodeIp(ipv4(IPV4_CLIENT, IPV4_SERVER, data, 6, 185), 0), null);
    assert.equal(decodeIp(ipv4(IPV4_CLIENT, IPV4_SERVER, data, 17), 0)?.protocol, 17);
  });

  test('IPv6 walks hop-by-hop, destination options, routing, AH and first-fragment headers', () => {
    const hop = new Uint8Array(8);
    const dest = new Uint8Array(16);
    dest[1] = 1; // (1 + 1) * 8 = 16 bytes
    const routing = new Uint8Array(8);
    const ah = new Uint8Array(12);
    ah[1] = 1; // (1 + 2) * 4 = 12 bytes
    const fragment = new Uint8Array(8);
    const packet = ipv6(LO6, LO6, data, [[0, hop], [60, dest], [43, routing], [51, ah], [44, fragment]]);
    const ip = decodeIp(packet, 0);
    assert.ok(ip);
    assert.equal(ip.protocol, 6);
    assert.equal(ip.payloadOffset, 40 + 8 + 16 + 8 + 12 + 8);
    assert.equal(ip.payloadLength, data.length);
    assert.equal(segmentOf(101, packet)?.payloadLength, 38);
  });

  test('IPv6 non-first fragment is skipped', () => {
    const fragment = new Uint8Array(8);
    fragment[2] = 0x01; // offset 32 (×8 bytes)
    assert.equal(decodeIp(ipv6(LO6, LO6, data, [[44, fragment]]), 0), null);
  });

  test('IPv6 text follows RFC 5952', () => {
    const text = (groups: number[]): string => formatIpv6(Uint8Array.from(v6(...groups)), 0);
    assert.equal(text([0, 0, 0, 0, 0, 0, 0, 1]), '::1');
    assert.equal(text([0, 0, 0, 0, 0, 0, 0, 0]), '::');
    assert.equal(text([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), '2001:db8::1:0:0:1');
    assert.equal(text([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]), '2001:db8:0:1:1:1:1:1');
    assert.equal(text([0xfe80, 0, 0, 0, 0xabcd, 0, 0, 0]), 'fe80::abcd:0:0:0');
    assert.equal(text([0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001]), '::ffff:127.0.0.1');
  });
});

describe('decodeCapture over every link type', () => {
  const links: Array<[string, number, (ip: Uint8Array) => Uint8Array]> = [
    ['Ethernet', 1, (ip) => ethernet(ip)],
    ['SLL', 113, (ip) => sll(ip)],
    ['SLL2', 276, (ip) => sll2(ip)],
    ['raw', 101, (ip) => ip],
    ['null', 0, (ip) => bsdNull(ip, (ip[0]! >> 4) === 6 ? 24 : 2, true)],
  ];
  for (const [name, linkType, link] of links) {
    for (const family of [4, 6] as const) {
      test(`${name} / IPv${family}: all 10 segments with addresses`, () => {
        const segments: TcpSegment[] = [];
        const summary = decodeCapture(pcap(frames(http10Exchange(40000, 1, 2), link, 1_700_000_000_000_000, family), linkType), (s) => segments.push(s));
        assert.equal(summary.tcpSegments, 10);
        assert.equal(summary.skipped, 0);
        assert.equal(segments[0]!.src, family === 4 ? '10.0.0.1' : '2001:db8::1');
        assert.equal(segments[5]!.payloadLength, 100);
      });
    }
  }
});
