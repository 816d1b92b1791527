// What the owner and the relay process say to each other: the relay's config (one JSON argv) and its IPC messages.

import type { RingMemory } from './packet-ring.js';
import type { OneWay } from './spec.js';

/** One side of the relay: the UDP port it listens on and the port of the bridge it talks to, both on `host`. */
export interface RelaySide {
  /** 0 lets the kernel choose; the ready message says which. */
  readonly listenPort: number;
  readonly peerPort: number;
}

export interface RelayConfig {
  /** Address of both sides' sockets (loopback of the wire namespace). */
  readonly host: string;
  /** Talks to the server end's bridge: receives what the server sends, delivers what goes to it. */
  readonly serverSide: RelaySide;
  readonly clientSide: RelaySide;
  /** Client → server direction. */
  readonly toServer: OneWay;
  /** Server → client direction. */
  readonly toClient: OneWay;
  /** Seed of the loss and jitter draws. */
  readonly seed: number;
  /** The sender's final busy wait before a due time, µs (DEFAULT_SPIN_US). */
  readonly spinUs: number;
}

/**
 * The last stretch before a due time the sender spins instead of sleeping, µs. A futex sleep
 * (Atomics.wait) wakes up to the timer slack late (50 µs by default, prctl(2) PR_SET_TIMERSLACK)
 * plus the scheduler's wake-up latency; 100 µs covered both on the 2-vCPU VM of bench/paths-relay.ts.
 */
export const DEFAULT_SPIN_US = 100;

/** What the relay's main thread hands its sender thread (workerData). */
export interface SenderData {
  readonly host: string;
  /** Bridge ports the sender delivers to: the server end's and the client end's. */
  readonly serverPeerPort: number;
  readonly clientPeerPort: number;
  readonly toServer: RingMemory;
  readonly toClient: RingMemory;
  /** Int32 [pushes]: bumped on every push; the sender sleeps on it (Atomics.wait). */
  readonly wake: SharedArrayBuffer;
  /** BigInt64 [µs]: the due time the sender sleeps until (IDLE_DUE when none), so a push only wakes it when earlier. */
  readonly armed: SharedArrayBuffer;
  readonly spinUs: number;
}

/** `armed` when the sender has nothing queued. */
export const IDLE_DUE = 2n ** 62n;

/** Counters the sender thread keeps. */
export interface SenderCounters {
  readonly forwarded: number;
  readonly sendErrors: number;
  readonly lateUs: UsSummary;
  readonly busyWaitUs: number;
}

export type SenderMessage = { readonly type: 'ready' } | { readonly type: 'counters'; readonly counters: SenderCounters };

/** Percentiles of a µs distribution. */
export interface UsSummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Counters of the relay process since it was ready. */
export interface RelayCounters {
  /** Datagrams (IP packets) received from either bridge. */
  readonly packets: number;
  /** Sent on to the other bridge. */
  readonly forwarded: number;
  /** Dropped by the loss draw. */
  readonly dropped: number;
  /** Dropped because their direction already held queueLimit packets. */
  readonly overflow: number;
  /** IP bytes received. */
  readonly bytes: number;
  /** Packets held at the moment of the snapshot. */
  readonly queued: number;
  /** Sends the kernel refused (a bridge gone: ECONNREFUSED on the connected socket). */
  readonly sendErrors: number;
  /** How late each forwarded packet was handed to the kernel, after its due time, µs. */
  readonly lateUs: UsSummary;
  /** CPU (user + system) of the relay process since it was ready (Node's start-up excluded), µs. */
  readonly cpuUs: number;
  /** cpuUs / packets: everything the relay spends per packet, its precise waiting included. */
  readonly cpuUsPerPacket: number;
  /** Wall µs the sender spent spinning before due times (the sleep before is free). */
  readonly busyWaitUs: number;
  /** Since the relay was ready, µs. */
  readonly uptimeUs: number;
}

export type OwnerMessage = { readonly type: 'stats' };
export type RelayMessage =
  | { readonly type: 'ready'; readonly serverPort: number; readonly clientPort: number }
  | { readonly type: 'stats'; readonly counters: RelayCounters };
