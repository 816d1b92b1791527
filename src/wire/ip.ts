// IPv4 and IPv6 (with extension headers) decoding: addresses, upper-layer protocol and where its bytes start.

export const PROTO_TCP = 6;

/** IPv6 extension headers whose length is (HdrExtLen + 1) * 8 (RFC 8200 §4, RFC 5533, RFC 7401, RFC 6275). */
const IPV6_EXT_8 = new Set([0, 43, 60, 135, 139, 140]);
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;

export interface IpPacket {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** Upper-layer protocol after all extension headers (6 = TCP). */
  readonly protocol: number;
  /** Offset in the frame where the upper-layer header starts. */
  readonly payloadOffset: number;
  /**
   * Upper-layer length from the IP length fields, not the captured bytes: a snap length may
   * cut the payload, and Ethernet pads short frames. Captured length when the field is 0 (TSO, jumbograms).
   */
  readonly payloadLength: number;
}

/**
 * Decode the IP header at `offset` of `data`. Returns null for anything we cannot or should not
 * count: not IPv4/IPv6, truncated header, or a non-first fragment (its bytes have no TCP header).
 */
export function decodeIp(data: Uint8Array, offset: number): IpPacket | null {
  if (data.length < offset + 1) return null;
  const version = data[offset]! >> 4;
  if (version === 4) return decodeIpv4(data, offset);
  if (version === 6) return decodeIpv6(data, offset);
  return null;
}

function decodeIpv4(data: Uint8Array, offset: number): IpPacket | null {
  if (data.length < offset + 20) return null;
  const headerLength = (data[offset]! & 0x0f) * 4;
  if (headerLength < 20 || data.length < offset + headerLength) return null;
  const totalLength = (data[offset + 2]! << 8) | data[offset + 3]!;
  const fragmentOffset = ((data[offset + 6]! & 0x1f) << 8) | data[offset + 7]!;
  if (fragmentOffset !== 0) return null;
  const captured = data.length - offset;
  return {
    version: 4,
    src: formatIpv4(data, offset + 12),
    dst: formatIpv4(data, offset + 16),
    protocol: data[offset + 9]!,
    payloadOffset: offset + headerLength,
    payloadLength: (totalLength === 0 ? captured : totalLength) - headerLength,
  };
}

function decodeIpv6(data: Uint8Array, offset: number): IpPacket | null {
  if (data.length < offset + 40) return null;
  const declared = (data[offset + 4]! << 8) | data[offset + 5]!;
  let remaining = declared === 0 ? data.length - offset - 40 : declared;
  let next = data[offset + 6]!;
  let cursor = offset + 40;
  for (;;) {
    let length: number;
    if (IPV6_EXT_8.has(next)) {
      if (data.length < cursor + 2) return null;
      length = (data[cursor + 1]! + 1) * 8;
    } else if (next === IPV6_FRAGMENT) {
      if (data.length < cursor + 8) return null;
      // Fragment offset is the top 13 bits of bytes 2-3; only the first fragment carries the TCP header.
      const fragmentOffset = ((data[cursor + 2]! << 8) | data[cursor + 3]!) >> 3;
      if (fragmentOffset !== 0) return null;
      length = 8;
    } else if (next === IPV6_AH) {
      if (data.length < cursor + 2) return null;
      length = (data[cursor + 1]! + 2) * 4;
    } else {
      break;
    }
    next = data[cursor]!;
    cursor += length;
    remaining -= length;
  }
  return {
    version: 6,
    src: formatIpv6(data, offset + 8),
    dst: formatIpv6(data, offset + 24),
    protocol: next,
    payloadOffset: cursor,
    payloadLength: remaining,
  };
}

/** Text of recently seen IPv4 addresses: a capture repeats a few addresses millions of times. */
const ipv4Text = new Map<number, string>();
const IPV4_CACHE_LIMIT = 4096;

export function formatIpv4(data: Uint8Array, at: number): string {
  const value = ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
  let text = ipv4Text.get(value);
  if (text === undefined) {
    if (ipv4Text.size >= IPV4_CACHE_LIMIT) ipv4Text.clear();
    text = `${data[at]}.${data[at + 1]}.${data[at + 2]}.${data[at + 3]}`;
    ipv4Text.set(value, text);
  }
  return text;
}

/** RFC 5952 text form: lowercase hex, the longest run (≥ 2) of zero groups as `::`, IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIpv6(data: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((data[at + 2 * i]! << 8) | data[at + 2 * i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(data, at + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
