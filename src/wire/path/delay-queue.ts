// One direction of the delay line: which packets are dropped and when each is due at the far end (rate, delay, jitter), in arrival order.

import { SLOT_BYTES, type PacketRing } from './packet-ring.js';
import type { OneWay } from './spec.js';

/** Uniform draws in [0, 1); injectable so tests and seeded runs are repeatable. */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state PRNG, good enough for loss and jitter
 * draws, and fast. Math.random cannot be seeded, which a repeatable run needs.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What happened to an offered packet: held until due, dropped by the loss draw, or dropped because the queue was full. */
export type Offer = 'queued' | 'lost' | 'overflow';

/**
 * The producer side of one direction: decides each packet's fate and due time (µs on the shared
 * monotonic clock; fractional when a rate paces them) and pushes it into the ring the sender takes
 * from. Model: the packet is dropped with probability lossFraction (before it takes room, as
 * netem_enqueue does); else, when a rate is set, it waits for the link and takes length·8/rate to
 * send (length = the IP packet: the TUN device has no link header); then it travels delayUs ±
 * jitterUs. Unlike netem with jitter, packets never overtake each other: a packet is due no earlier
 * than the one before it, as on a single real path, so TCP sees no spurious reordering.
 */
export class DelayQueue {
  /** When the paced link finishes sending what it holds. */
  private linkFreeUs = Number.NEGATIVE_INFINITY;
  private lastDue = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly way: OneWay,
    private readonly random: Random,
    /** Holds at most way.queueLimit packets (netem's limit): more overflow. */
    readonly ring: PacketRing,
  ) {}

  /** Due time of the packet queued last (-Infinity before the first). */
  get lastDueUs(): number {
    return this.lastDue;
  }

  /** Offer a packet that arrived at nowUs. */
  offer(packet: Uint8Array, nowUs: number): Offer {
    const { lossFraction, jitterUs, rateBitsPerSec, delayUs } = this.way;
    if (lossFraction > 0 && this.random() < lossFraction) return 'lost';
    if (this.ring.length >= this.ring.memory.capacity || packet.length > SLOT_BYTES) return 'overflow';
    let departUs = nowUs;
    if (rateBitsPerSec !== null) {
      departUs = Math.max(nowUs, this.linkFreeUs) + (packet.length * 8_000_000) / rateBitsPerSec;
      this.linkFreeUs = departUs;
    }
    // netem's uniform jitter: delay + a draw in [-jitter, +jitter] (tabledist without a table).
    let dueUs = departUs + delayUs + (jitterUs > 0 ? (this.random() * 2 - 1) * jitterUs : 0);
    if (dueUs < this.lastDue) dueUs = this.lastDue;
    this.lastDue = dueUs;
    this.ring.push(packet, dueUs);
    return 'queued';
  }
}
