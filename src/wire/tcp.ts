// TCP header decoding (RFC 9293 §3.1) into one segment record, and the flag names a ladder prints.

import type { IpPacket } from './ip.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;

/** One TCP segment as seen on the wire, addresses included (what the flow tracker consumes). */
export interface TcpSegment {
  /** Record number in the capture file (1-based). */
  readonly index: number;
  readonly tsUs: number;
  readonly timestamped: boolean;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** Raw 32-bit sequence and acknowledgment numbers (unsigned). */
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  /** Payload bytes per the IP length fields (not limited by the snap length). */
  readonly payloadLength: number;
  /** The payload bytes the capture kept (a view, at most payloadLength; fewer when the snap length cut them). */
  readonly payload?: Uint8Array;
}

/** Decode the TCP header that `ip` points at; null when the header is cut short or malformed. */
export function decodeTcp(
  data: Uint8Array,
  ip: IpPacket,
  index: number,
  tsUs: number,
  timestamped: boolean,
): TcpSegment | null {
  const at = ip.payloadOffset;
  if (data.length < at + 20) return null;
  const headerLength = (data[at + 12]! >> 4) * 4;
  if (headerLength < 20 || headerLength > ip.payloadLength) return null;
  return {
    index,
    tsUs,
    timestamped,
    src: ip.src,
    srcPort: (data[at]! << 8) | data[at + 1]!,
    dst: ip.dst,
    dstPort: (data[at + 2]! << 8) | data[at + 3]!,
    seq: ((data[at + 4]! << 24) | (data[at + 5]! << 16) | (data[at + 6]! << 8) | data[at + 7]!) >>> 0,
    ack: ((data[at + 8]! << 24) | (data[at + 9]! << 16) | (data[at + 10]! << 8) | data[at + 11]!) >>> 0,
    flags: data[at + 13]!,
    window: (data[at + 14]! << 8) | data[at + 15]!,
    payloadLength: ip.payloadLength - headerLength,
    payload: data.subarray(Math.min(data.length, at + headerLength), Math.min(data.length, at + ip.payloadLength)),
  };
}

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [SYN, 'SYN'],
  [FIN, 'FIN'],
  [RST, 'RST'],
  [PSH, 'PSH'],
  [ACK, 'ACK'],
  [URG, 'URG'],
  [ECE, 'ECE'],
  [CWR, 'CWR'],
];

/** `SYN,ACK`, `FIN,ACK`, `PSH,ACK`: the order Wireshark's flow graph uses, most telling flag first. */
export function flagNames(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) names.push(name);
  return names.length > 0 ? names.join(',') : 'none';
}
