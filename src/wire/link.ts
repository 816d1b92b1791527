// Link-layer decoding: where the IP header starts in a frame of each supported link type.

import { H1Error } from '../errors.js';
import { LINKTYPE } from './record.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** 802.1Q, 802.1ad (QinQ) and the pre-standard 0x9100 outer tag: 4 bytes each, possibly stacked. */
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
/** Linux ARPHRD_LOOPBACK and PACKET_OUTGOING (include/uapi/linux/if_arp.h, if_packet.h). */
const ARPHRD_LOOPBACK = 772;
const PACKET_OUTGOING = 4;
/** BSD address families for IPv6 differ by OS (NetBSD/OpenBSD 24, FreeBSD 28, macOS 30, Linux 10). */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

export const NOT_IP = -1;

/** Link types this module decodes; anything else is H1B_PCAP_LINKTYPE. */
export const SUPPORTED_LINKTYPES: ReadonlySet<number> = new Set(Object.values(LINKTYPE));

/**
 * Offset of the IP header inside `data` for `linkType`, or NOT_IP for frames that carry something
 * else (ARP, other ethertypes) or that are a duplicate copy (see the SLL note below).
 */
export function ipOffset(linkType: number, data: Uint8Array): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return ethernet(data);
    case LINKTYPE.LINUX_SLL:
      // 16 bytes: packet type 2, ARPHRD 2, address length 2, address 8, protocol 2.
      if (data.length < 16) return NOT_IP;
      if (isLoopbackOutgoing(u16(data, 2), u16(data, 0))) return NOT_IP;
      return isIpEthertype(u16(data, 14)) ? 16 : NOT_IP;
    case LINKTYPE.LINUX_SLL2:
      // 20 bytes: protocol 2, reserved 2, ifindex 4, ARPHRD 2, packet type 1, address length 1, address 8.
      if (data.length < 20) return NOT_IP;
      if (isLoopbackOutgoing(u16(data, 8), data[10]!)) return NOT_IP;
      return isIpEthertype(u16(data, 0)) ? 20 : NOT_IP;
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_BSD12:
    case LINKTYPE.RAW_BSD14:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return 0;
    case LINKTYPE.NULL:
      // 4-byte address family in the *capturing host's* byte order: accept either.
      if (data.length < 4) return NOT_IP;
      return isIpFamily(u32le(data, 0)) || isIpFamily(u32be(data, 0)) ? 4 : NOT_IP;
    case LINKTYPE.LOOP:
      // OpenBSD loopback: the same family word, always big-endian.
      if (data.length < 4) return NOT_IP;
      return isIpFamily(u32be(data, 0)) ? 4 : NOT_IP;
    default:
      throw new H1Error('H1B_PCAP_LINKTYPE', `link type ${linkType} is not decoded`);
  }
}

function ethernet(data: Uint8Array): number {
  let offset = 12;
  if (data.length < offset + 2) return NOT_IP;
  let etherType = u16(data, offset);
  while (VLAN_TAGS.has(etherType)) {
    offset += 4;
    if (data.length < offset + 2) return NOT_IP;
    etherType = u16(data, offset);
  }
  return isIpEthertype(etherType) ? offset + 2 : NOT_IP;
}

/**
 * With `tcpdump -i any`, Linux hands every loopback packet to the capture twice: once as it leaves
 * (PACKET_OUTGOING) and once as it arrives. Keep only the arriving copy so nothing is counted twice.
 */
function isLoopbackOutgoing(arphrd: number, packetType: number): boolean {
  return arphrd === ARPHRD_LOOPBACK && packetType === PACKET_OUTGOING;
}

function isIpEthertype(etherType: number): boolean {
  return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6;
}

function isIpFamily(family: number): boolean {
  return family === AF_INET || AF_INET6.has(family);
}

function u16(data: Uint8Array, offset: number): number {
  return (data[offset]! << 8) | data[offset + 1]!;
}

function u32be(data: Uint8Array, offset: number): number {
  return ((data[offset]! << 24) | (data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!) >>> 0;
}

function u32le(data: Uint8Array, offset: number): number {
  return ((data[offset + 3]! << 24) | (data[offset + 2]! << 16) | (data[offset + 1]! << 8) | data[offset]!) >>> 0;
}
