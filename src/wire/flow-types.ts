// The typed result of TCP connection reconstruction: per-connection records, ladder packets and totals.

import type { Teardowns } from '../measurements.js';

export type { Teardowns } from '../measurements.js';

export type Side = 'client' | 'server';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** One segment of a connection as a ladder shows it: direction and numbers relative to each side's ISN. */
export interface LadderPacket {
  readonly index: number;
  readonly tsUs: number;
  readonly timestamped: boolean;
  readonly from: Side;
  readonly flags: number;
  /** Sequence number relative to the sender's ISN (its SYN is 0, its first data byte 1). */
  readonly relSeq: number;
  /** Acknowledgment relative to the peer's ISN; null without the ACK flag. */
  readonly relAck: number | null;
  readonly payloadLength: number;
  readonly window: number;
  readonly retransmission: boolean;
  /**
   * TLS records that start in this segment, in order (`ClientHello`, `ServerHello`, `ChangeCipherSpec`,
   * `Application Data (encrypted)`…); absent when the stream is not TLS or its records could not be followed.
   */
  readonly tls?: readonly string[];
}

/**
 * How a connection ended: the side whose FIN came first, `reset` when an RST came before any FIN,
 * `open` when the capture ended first, `failed` when the handshake never completed (refused, timed out).
 */
export type ConnectionEnd = 'serverFirst' | 'clientFirst' | 'reset' | 'open' | 'failed';

export interface WireConnection {
  /** 1-based, in order of each connection's first segment. */
  readonly id: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** The capture saw the client's SYN; false for connections already open when the capture started. */
  sawSyn: boolean;
  /** SYN → SYN-ACK → ACK all seen. */
  handshake: boolean;
  firstUs: number;
  lastUs: number;
  syn: number;
  synAck: number;
  fin: { client: number; server: number };
  rst: { client: number; server: number };
  firstFin: Side | null;
  end: ConnectionEnd;
  dataSegments: { client: number; server: number };
  payloadBytes: { client: number; server: number };
  retransmissions: number;
  /** Every segment, for ladders; empty when the tracker was told not to keep them. */
  readonly packets: LadderPacket[];
}

export interface TcpFlowSummary {
  /** Segments considered (after the optional port filter). */
  segments: number;
  /** Segments on other ports, ignored because of the port filter. */
  ignored: number;
  connections: WireConnection[];
  /** Connections whose SYN, SYN-ACK and ACK were all seen. */
  handshakes: number;
  /** SYNs whose handshake never completed (refused, unanswered): not counted as teardowns. */
  failedHandshakes: number;
  /** Connections opened in the capture (SYN seen), by how they ended; still-open ones are in `open`. */
  teardowns: Teardowns;
  open: number;
  /** Connections already open when the capture started (no SYN seen): drawn, but in no handshake or teardown count. */
  preexisting: number;
  syn: number;
  synAck: number;
  fin: number;
  rst: number;
  dataSegments: number;
  retransmissions: number;
}

export interface FlowOptions {
  /** Only segments to or from this port; also decides which side is the server when no SYN was seen. */
  readonly serverPort?: number | null;
  /** Keep every segment per connection for ladder diagrams (default true; off for big captures). */
  readonly keepPackets?: boolean;
}
