// Test helper: builds TCP/IP frames, link headers and pcap/pcapng files byte by byte (hand-made fixtures).

export interface SegmentSpec {
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: number;
}

export const IPV4_CLIENT = [10, 0, 0, 1];
export const IPV4_SERVER = [10, 0, 0, 2];

/** A 20-byte TCP header (+12 bytes of options when `options`) followed by `payload` zero bytes. */
export function tcp(spec: SegmentSpec, options = false): Uint8Array {
  const header = options ? 32 : 20;
  const bytes = new Uint8Array(header + (spec.payload ?? 0));
  const view = new DataView(bytes.buffer);
  view.setUint16(0, spec.sport);
  view.setUint16(2, spec.dport);
  view.setUint32(4, spec.seq >>> 0);
  view.setUint32(8, (spec.ack ?? 0) >>> 0);
  bytes[12] = (header / 4) << 4;
  bytes[13] = spec.flags;
  view.setUint16(14, spec.window ?? 512);
  if (options) bytes.fill(1, 20, 32); // NOPs
  return bytes;
}

export function ipv4(src: number[], dst: number[], payload: Uint8Array, protocol = 6, fragmentOffset = 0): Uint8Array {
  const bytes = new Uint8Array(20 + payload.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x45;
  view.setUint16(2, bytes.length);
  view.setUint16(6, fragmentOffset);
  bytes[8] = 64;
  bytes[9] = protocol;
  bytes.set(src, 12);
  bytes.set(dst, 16);
  bytes.set(payload, 20);
  return bytes;
}

/** IPv6 with optional extension headers: each [nextHeaderType, bytes] in order. */
export function ipv6(src: number[], dst: number[], payload: Uint8Array, extensions: Array<[number, Uint8Array]> = [], protocol = 6): Uint8Array {
  const extBytes = extensions.reduce((sum, [, b]) => sum + b.length, 0);
  const bytes = new Uint8Array(40 + extBytes + payload.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x60;
  view.setUint16(4, extBytes + payload.length);
  bytes[6] = extensions.length > 0 ? extensions[0]![0] : protocol;
  bytes[7] = 64;
  bytes.set(src, 8);
  bytes.set(dst, 24);
  let at = 40;
  extensions.forEach(([, ext], i) => {
    const copy = Uint8Array.from(ext);
    copy[0] = i + 1 < extensions.length ? extensions[i + 1]![0] : protocol;
    bytes.set(copy, at);
    at += copy.length;
  });
  bytes.set(payload, at);
  return bytes;
}

/** ::1-style 16-byte address from 8 groups. */
export function v6(...groups: number[]): number[] {
  const out: number[] = [];
  for (const g of groups) out.push(g >> 8, g & 0xff);
  return out;
}

export function ethernet(ip: Uint8Array, vlans: number[] = [], padTo = 0): Uint8Array {
  const etherType = (ip[0]! >> 4) === 6 ? 0x86dd : 0x0800;
  const header: number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  for (const tpid of vlans) header.push(tpid >> 8, tpid & 0xff, 0, 5);
  header.push(etherType >> 8, etherType & 0xff);
  const length = Math.max(header.length + ip.length, padTo);
  const bytes = new Uint8Array(length);
  bytes.set(header);
  bytes.set(ip, header.length);
  return bytes;
}

export function sll(ip: Uint8Array, packetType = 0, arphrd = 772): Uint8Array {
  const bytes = new Uint8Array(16 + ip.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, packetType);
  view.setUint16(2, arphrd);
  view.setUint16(4, 6);
  view.setUint16(14, (ip[0]! >> 4) === 6 ? 0x86dd : 0x0800);
  bytes.set(ip, 16);
  return bytes;
}

export function sll2(ip: Uint8Array, packetType = 0, arphrd = 772): Uint8Array {
  const bytes = new Uint8Array(20 + ip.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, (ip[0]! >> 4) === 6 ? 0x86dd : 0x0800);
  view.setUint32(4, 1);
  view.setUint16(8, arphrd);
  bytes[10] = packetType;
  bytes[11] = 6;
  bytes.set(ip, 20);
  return bytes;
}

/** BSD loopback header: 4-byte address family, little- or big-endian. */
export function bsdNull(ip: Uint8Array, family: number, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(4 + ip.length);
  new DataView(bytes.buffer).setUint32(0, family, littleEndian);
  bytes.set(ip, 4);
  return bytes;
}

export interface FrameSpec {
  tsUs: number;
  data: Uint8Array;
  /** pcapng only: interface id (default 0). */
  iface?: number;
}

export function pcap(frames: FrameSpec[], linkType: number, opts: { littleEndian?: boolean; nanos?: boolean; modified?: boolean } = {}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const extra = opts.modified ? 8 : 0;
  const size = 24 + frames.reduce((sum, f) => sum + 16 + extra + f.data.length, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, opts.modified ? 0xa1b2cd34 : opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, le);
  view.setUint16(4, 2, le);
  view.setUint16(6, 4, le);
  view.setUint32(16, 262144, le);
  view.setUint32(20, linkType, le);
  let at = 24;
  for (const frame of frames) {
    const seconds = Math.floor(frame.tsUs / 1e6);
    const micros = frame.tsUs % 1e6;
    view.setUint32(at, seconds, le);
    view.setUint32(at + 4, opts.nanos ? micros * 1000 + 999 : micros, le);
    view.setUint32(at + 8, frame.data.length, le);
    view.setUint32(at + 12, frame.data.length, le);
    bytes.set(frame.data, at + 16 + extra);
    at += 16 + extra + frame.data.length;
  }
  return bytes;
}

export interface NgInterface {
  linkType: number;
  /** if_tsresol byte; undefined = default µs. */
  tsresol?: number;
  snapLength?: number;
}

/** Block-level pcapng writer; `blocks` lets a test interleave unknown blocks and simple packet blocks. */
export class PcapngWriter {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly le = true) {}

  private block(type: number, body: Uint8Array): this {
    const padded = body.length + ((4 - (body.length % 4)) % 4);
    const bytes = new Uint8Array(12 + padded);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, type, this.le);
    view.setUint32(4, bytes.length, this.le);
    bytes.set(body, 8);
    view.setUint32(bytes.length - 4, bytes.length, this.le);
    this.parts.push(bytes);
    return this;
  }

  section(): this {
    const body = new Uint8Array(16);
    const view = new DataView(body.buffer);
    view.setUint32(0, 0x1a2b3c4d, this.le);
    view.setUint16(4, 1, this.le);
    view.setBigInt64(8, -1n, this.le);
    return this.block(0x0a0d0d0a, body);
  }

  iface(spec: NgInterface): this {
    const options: number[] = [];
    if (spec.tsresol !== undefined) options.push(...this.u16(9), ...this.u16(1), spec.tsresol, 0, 0, 0);
    options.push(0, 0, 0, 0);
    const body = new Uint8Array(8 + options.length);
    const view = new DataView(body.buffer);
    view.setUint16(0, spec.linkType, this.le);
    view.setUint32(4, spec.snapLength ?? 0, this.le);
    body.set(options, 8);
    return this.block(1, body);
  }

  /** Enhanced Packet Block; `units` is the raw timestamp in the interface's resolution. */
  epb(iface: number, units: bigint, data: Uint8Array): this {
    const body = new Uint8Array(20 + data.length);
    const view = new DataView(body.buffer);
    view.setUint32(0, iface, this.le);
    view.setUint32(4, Number(units >> 32n), this.le);
    view.setUint32(8, Number(units & 0xffffffffn), this.le);
    view.setUint32(12, data.length, this.le);
    view.setUint32(16, data.length, this.le);
    body.set(data, 20);
    return this.block(6, body);
  }

  spb(data: Uint8Array): this {
    const body = new Uint8Array(4 + data.length);
    new DataView(body.buffer).setUint32(0, data.length, this.le);
    body.set(data, 4);
    return this.block(3, body);
  }

  unknown(type: number, length = 8): this {
    return this.block(type, new Uint8Array(length).fill(0xee));
  }

  bytes(): Uint8Array {
    const total = this.parts.reduce((sum, p) => sum + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  private u16(value: number): number[] {
    return this.le ? [value & 0xff, value >> 8] : [value >> 8, value & 0xff];
  }
}

const F = 0x01, S = 0x02, R = 0x04, P = 0x08, A = 0x10;
export const FLAGS = { F, S, R, P, A };

/**
 * One HTTP/1.0-style connection, client port `cport` to server 8080, ISNs as given:
 * handshake, 38-byte request, 100-byte response, server FIN first, client FIN, last ACK (10 segments).
 * Returns [fromClient, segment] pairs; times advance 100 µs per segment from `startUs`.
 */
export function http10Exchange(cport: number, cisn: number, sisn: number): Array<[boolean, SegmentSpec]> {
  const c = (seq: number, ack: number, flags: number, payload = 0): [boolean, SegmentSpec] => [true, { sport: cport, dport: 8080, seq: (cisn + seq) >>> 0, ack: (sisn + ack) >>> 0, flags, payload }];
  const s = (seq: number, ack: number, flags: number, payload = 0): [boolean, SegmentSpec] => [false, { sport: 8080, dport: cport, seq: (sisn + seq) >>> 0, ack: (cisn + ack) >>> 0, flags, payload }];
  return [
    [true, { sport: cport, dport: 8080, seq: cisn, flags: S, window: 65495 }],
    s(0, 1, S | A),
    c(1, 1, A),
    c(1, 1, P | A, 38),
    s(1, 39, A),
    s(1, 39, P | A, 100),
    s(101, 39, F | A),
    c(39, 102, A),
    c(39, 102, F | A),
    s(102, 40, A),
  ];
}

/** Wrap exchange segments into IPv4 frames through `link`, 100 µs apart. */
export function frames(
  segments: Array<[boolean, SegmentSpec]>,
  link: (ip: Uint8Array) => Uint8Array,
  startUs = 1_700_000_000_000_000,
  family: 4 | 6 = 4,
): FrameSpec[] {
  const client = family === 4 ? IPV4_CLIENT : v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
  const server = family === 4 ? IPV4_SERVER : v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
  return segments.map(([fromClient, spec], i) => {
    const [src, dst] = fromClient ? [client, server] : [server, client];
    const body = tcp(spec);
    const ip = family === 4 ? ipv4(src, dst, body) : ipv6(src, dst, body);
    return { tsUs: startUs + i * 100, data: link(ip) };
  });
}
