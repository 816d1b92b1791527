// TCP connection reconstruction from segments: handshakes, who closed first, resets, data segments, retransmissions.

import type { ConnectionEnd, FlowOptions, Side, TcpFlowSummary, WireConnection } from './flow-types.js';
import { ACK, FIN, RST, SYN, type TcpSegment } from './tcp.js';
import { compactLabels, TlsRecordScanner } from './tls-records.js';

export type { ConnectionEnd, Endpoint, FlowOptions, LadderPacket, Side, Teardowns, TcpFlowSummary, WireConnection } from './flow-types.js';

/** Mutable per-connection state the tracker needs besides the public record. */
interface FlowState {
  readonly conn: WireConnection;
  /** Not a connection to the server port (see open()): tracked only so its segments are skipped. */
  readonly foreign: boolean;
  /** Raw ISN (or first seq − 1 when the SYN was not seen) per side; null until that side sent. */
  clientBase: number | null;
  serverBase: number | null;
  /** Next relative sequence number expected from each side (highest end seen). */
  clientNext: number;
  serverNext: number;
  synAckSeen: boolean;
  /** Per-direction TLS record scanners (only when packets are kept for a ladder). */
  clientTls: TlsRecordScanner | null;
  serverTls: TlsRecordScanner | null;
}

/** a < b in 32-bit serial-number arithmetic (RFC 1982), so wrapped sequence numbers compare right. */
const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;

/** Feed segments in capture order with add(), then read the summary with finish(). */
export class TcpFlowTracker {
  private readonly serverPort: number | null;
  private readonly keepPackets: boolean;
  /** The latest connection per 4-tuple, bucketed by port pair; a new SYN with a new ISN replaces it (port reuse). */
  private readonly active = new Map<number, FlowState[]>();
  private readonly all: WireConnection[] = [];
  private segments = 0;
  private ignored = 0;

  constructor(options: FlowOptions = {}) {
    this.serverPort = options.serverPort ?? null;
    this.keepPackets = options.keepPackets ?? true;
  }

  add(segment: TcpSegment): void {
    if (this.serverPort !== null && segment.srcPort !== this.serverPort && segment.dstPort !== this.serverPort) {
      this.ignored++;
      return;
    }
    const synOnly = (segment.flags & (SYN | ACK)) === SYN;
    // Keyed by the unordered port pair (a number: no string per packet), then matched on addresses.
    const key = portPairKey(segment);
    let bucket = this.active.get(key);
    const index = bucket ? findFlow(bucket, segment) : -1;
    let state = index >= 0 ? bucket![index] : undefined;
    // A new SYN with a new ISN on a known 4-tuple is a new connection (port reuse after TIME_WAIT).
    if (state && synOnly && !isSynRetransmission(state, segment)) state = undefined;
    if (!state) {
      state = this.open(segment, synOnly);
      if (!bucket) this.active.set(key, (bucket = []));
      if (index >= 0) bucket[index] = state;
      else bucket.push(state);
    }
    if (state.foreign) {
      this.ignored++;
      return;
    }
    this.segments++;
    this.account(state, segment, synOnly);
  }

  finish(): TcpFlowSummary {
    const summary: TcpFlowSummary = {
      segments: this.segments,
      ignored: this.ignored,
      connections: this.all,
      handshakes: 0,
      failedHandshakes: 0,
      teardowns: { serverFirst: 0, clientFirst: 0, reset: 0 },
      open: 0,
      preexisting: 0,
      syn: 0,
      synAck: 0,
      fin: 0,
      rst: 0,
      dataSegments: 0,
      retransmissions: 0,
    };
    for (const conn of this.all) {
      // A SYN whose handshake never completed (refused, unanswered, capture stopped) failed to connect.
      if (conn.sawSyn && !conn.handshake) conn.end = 'failed';
      if (conn.sawSyn && conn.handshake) summary.handshakes++;
      if (!conn.sawSyn) summary.preexisting++;
      else if (conn.end === 'failed') summary.failedHandshakes++;
      else if (conn.end === 'open') summary.open++;
      else summary.teardowns[conn.end]++;
      summary.syn += conn.syn;
      summary.synAck += conn.synAck;
      summary.fin += conn.fin.client + conn.fin.server;
      summary.rst += conn.rst.client + conn.rst.server;
      summary.dataSegments += conn.dataSegments.client + conn.dataSegments.server;
      summary.retransmissions += conn.retransmissions;
    }
    return summary;
  }

  private open(segment: TcpSegment, synOnly: boolean): FlowState {
    const from = { address: segment.src, port: segment.srcPort };
    const to = { address: segment.dst, port: segment.dstPort };
    const senderIsClient = senderIsClientOf(segment, this.serverPort);
    const conn: WireConnection = {
      id: this.all.length + 1,
      client: senderIsClient ? from : to,
      server: senderIsClient ? to : from,
      sawSyn: false,
      handshake: false,
      firstUs: segment.tsUs,
      lastUs: segment.tsUs,
      syn: 0,
      synAck: 0,
      fin: { client: 0, server: 0 },
      rst: { client: 0, server: 0 },
      firstFin: null,
      end: 'open',
      dataSegments: { client: 0, server: 0 },
      payloadBytes: { client: 0, server: 0 },
      retransmissions: 0,
      packets: [],
    };
    // A connection *from* the server port number to elsewhere (another program's client that got that
    // source port) matches a `port N` filter too: its SYN gives it away, and the rest of it is skipped.
    const foreign = this.serverPort !== null && synOnly && segment.dstPort !== this.serverPort;
    if (!foreign) this.all.push(conn);
    const scanners = this.keepPackets;
    return {
      conn,
      foreign,
      clientBase: null,
      serverBase: null,
      clientNext: 1,
      serverNext: 1,
      synAckSeen: false,
      clientTls: scanners ? new TlsRecordScanner() : null,
      serverTls: scanners ? new TlsRecordScanner() : null,
    };
  }

  private account(state: FlowState, segment: TcpSegment, synOnly: boolean): void {
    const conn = state.conn;
    const from: Side = segment.src === conn.client.address && segment.srcPort === conn.client.port ? 'client' : 'server';
    const flags = segment.flags;
    conn.lastUs = segment.tsUs;

    // Relative numbering bases: the ISN when this side's SYN is seen, else first seq − 1 (so data starts at 1).
    if (from === 'client') {
      if (state.clientBase === null || synOnly) state.clientBase = flags & SYN ? segment.seq : (segment.seq - 1) >>> 0;
      if (synOnly) conn.sawSyn = true;
    } else if (state.serverBase === null || flags & SYN) {
      state.serverBase = flags & SYN ? segment.seq : (segment.seq - 1) >>> 0;
    }
    const base = from === 'client' ? state.clientBase! : state.serverBase!;
    const relSeq = (segment.seq - base) >>> 0;
    let relAck: number | null = null;
    if (flags & ACK) {
      let peerBase = from === 'client' ? state.serverBase : state.clientBase;
      // Peer never sent yet (capture started mid-stream): anchor it so its first byte is 1.
      if (peerBase === null) {
        peerBase = (segment.ack - 1) >>> 0;
        if (from === 'client') state.serverBase = peerBase;
        else state.clientBase = peerBase;
      }
      relAck = (segment.ack - peerBase) >>> 0;
    }

    if (synOnly) conn.syn++;
    else if (flags & SYN && flags & ACK) {
      conn.synAck++;
      if (from === 'server' && relAck === 1) state.synAckSeen = true;
    } else if (from === 'client' && state.synAckSeen && !conn.handshake && relAck !== null && relAck >= 1) {
      conn.handshake = true;
    }

    const occupied = segment.payloadLength + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
    const next = from === 'client' ? state.clientNext : state.serverNext;
    // A keep-alive probe re-sends the byte before `next` (RFC 9293 §3.8.4); it is not a retransmission.
    const keepAlive = segment.payloadLength <= 1 && !(flags & (SYN | FIN)) && relSeq === ((next - 1) >>> 0);
    // A SYN or SYN-ACK is a retransmission when its side already sent one with this ISN (counted above).
    const retransmission =
      flags & SYN ? (from === 'client' ? conn.syn : conn.synAck) > 1 : occupied > 0 && !keepAlive && before(relSeq, next);
    if (retransmission) conn.retransmissions++;
    // TLS records are read from each direction's bytes in order: a retransmission repeats scanned bytes, a segment
    // that starts past `next` leaves a gap (the scanner then stops for that direction).
    let tls: string[] | null = null;
    const scanner = from === 'client' ? state.clientTls : state.serverTls;
    if (scanner !== null && segment.payloadLength > 0 && !retransmission) {
      const dataSeq = flags & SYN ? (relSeq + 1) >>> 0 : relSeq;
      const labels = dataSeq === next ? scanner.feed(segment.payload ?? EMPTY, segment.payloadLength) : scanner.gap();
      if (labels !== null && labels.length > 0) tls = compactLabels(labels);
    }
    const end = (relSeq + occupied) >>> 0;
    if (occupied > 0 && before(next, end)) {
      if (from === 'client') state.clientNext = end;
      else state.serverNext = end;
    }

    if (segment.payloadLength > 0) {
      conn.dataSegments[from]++;
      conn.payloadBytes[from] += segment.payloadLength;
    }
    if (flags & FIN) {
      conn.fin[from]++;
      if (conn.firstFin === null) conn.firstFin = from;
    }
    if (flags & RST) conn.rst[from]++;
    if (conn.end === 'open' || conn.end === 'failed') conn.end = endAfter(conn, flags, from);

    if (this.keepPackets) {
      conn.packets.push({
        index: segment.index,
        tsUs: segment.tsUs,
        timestamped: segment.timestamped,
        from,
        flags,
        relSeq,
        relAck,
        payloadLength: segment.payloadLength,
        window: segment.window,
        retransmission,
        ...(tls !== null ? { tls } : {}),
      });
    }
  }
}

/** The first FIN or RST decides how an established connection ended; before establishment it failed. */
const EMPTY = new Uint8Array(0);

function endAfter(conn: WireConnection, flags: number, from: Side): ConnectionEnd {
  const established = conn.handshake || !conn.sawSyn;
  if (!(flags & (FIN | RST))) return conn.end;
  if (!established) return 'failed';
  if (flags & RST && conn.firstFin === null) return 'reset';
  if (flags & FIN) return from === 'client' ? 'clientFirst' : 'serverFirst';
  return conn.end;
}

function isSynRetransmission(state: FlowState, segment: TcpSegment): boolean {
  const conn = state.conn;
  return (
    conn.sawSyn &&
    segment.src === conn.client.address &&
    segment.srcPort === conn.client.port &&
    state.clientBase === segment.seq
  );
}

/** Who opened: the SYN's sender; the SYN-ACK's receiver; else the side not on the server port; else the higher port. */
function senderIsClientOf(segment: TcpSegment, serverPort: number | null): boolean {
  if (segment.flags & SYN) return !(segment.flags & ACK);
  if (serverPort !== null) return segment.dstPort === serverPort;
  // Ephemeral ports are high: the lower port is almost always the listener.
  return segment.srcPort > segment.dstPort;
}

/** Same number for both directions of a 4-tuple's ports. */
function portPairKey(segment: TcpSegment): number {
  return segment.srcPort < segment.dstPort ? segment.srcPort * 65536 + segment.dstPort : segment.dstPort * 65536 + segment.srcPort;
}

/** Index of the flow in `bucket` with this segment's addresses and ports in either direction, or -1. */
function findFlow(bucket: readonly FlowState[], segment: TcpSegment): number {
  for (let i = 0; i < bucket.length; i++) {
    const { client, server } = bucket[i]!.conn;
    if (
      (client.port === segment.srcPort && client.address === segment.src && server.port === segment.dstPort && server.address === segment.dst) ||
      (client.port === segment.dstPort && client.address === segment.dst && server.port === segment.srcPort && server.address === segment.src)
    ) {
      return i;
    }
  }
  return -1;
}
