// What an emulated network path should add (PathSpec), validated once, and the per-direction figures both implementations derive from it.

import { H1Error } from '../../errors.js';

/** The two ways h1bench builds a path: the kernel's netem qdisc on a veth pair, or the user-space delay line (TUN + socat + relay). */
export type PathImpl = 'netem' | 'delay-line';
/** `auto` picks netem where the kernel has sch_netem, else the delay line. */
export type PathImplChoice = PathImpl | 'auto';

/**
 * The path between the server and the client namespace. Like netem on both ends of a link, every
 * figure except the RTT applies to each direction on its own: 10% loss drops 10% of the packets
 * going each way, 100 Mbit/s is the rate of each direction.
 */
export interface PathSpec {
  /** Round-trip time added, ms; each direction gets rttMs / 2. */
  readonly rttMs: number;
  /**
   * ± ms added to each one-way delay, uniformly distributed (netem's `delay D J`); 0 for none. The
   * delay line never reorders: packets closer together than the spread wait for the one before, as
   * in a FIFO queue, so a dense stream sees delays toward D + J. netem reorders them instead.
   */
  readonly jitterMs: number;
  /** Percentage of packets dropped in each direction, independently, in [0, 100). */
  readonly lossPct: number;
  /** Rate of each direction in bits/s (a bottleneck link before the delay); null for unlimited. */
  readonly bandwidthBitsPerSec: number | null;
  readonly impl: PathImplChoice;
  /**
   * Seed of the delay line's loss and jitter draws, so a run can be repeated packet for packet as
   * long as the packets are the same; null draws a fresh seed. netem has no seed and ignores it.
   */
  readonly seed: number | null;
}

/** What one direction of the path does to each packet, in the relay's units (µs, fractions). */
export interface OneWay {
  readonly delayUs: number;
  readonly jitterUs: number;
  /** Probability in [0, 1) that a packet is dropped. */
  readonly lossFraction: number;
  readonly rateBitsPerSec: number | null;
  /** Packets held at most (netem's default `limit 1000`); more are dropped as overflow. */
  readonly queueLimit: number;
}

/** netem's default queue limit (tc-netem(8) `limit`): the delay line uses the same so both drop alike. */
export const DEFAULT_QUEUE_LIMIT = 1000;
/** A minute of RTT is far beyond any real path; bigger numbers are typos (e.g. µs given as ms). */
const MAX_RTT_MS = 60_000;
/** Below ~8 kbit/s a 1500-byte packet takes longer than a second to send: no useful HTTP benchmark. */
const MIN_BANDWIDTH = 8_000;

const IMPLS: readonly PathImplChoice[] = ['netem', 'delay-line', 'auto'];

function invalid(field: string, why: string): H1Error {
  return new H1Error('H1B_INVALID_OPTION', `path ${field}: ${why}`);
}

/** Check every field once and return a frozen copy; throws H1B_INVALID_OPTION naming the field. */
export function validatePathSpec(spec: PathSpec): PathSpec {
  const { rttMs, jitterMs, lossPct, bandwidthBitsPerSec, impl, seed } = spec;
  if (!Number.isFinite(rttMs) || rttMs < 0 || rttMs > MAX_RTT_MS) throw invalid('rttMs', `${rttMs} is not in [0, ${MAX_RTT_MS}] ms`);
  // A jitter above the one-way delay would ask for negative delays, which netem clamps to 0 and skews.
  if (!Number.isFinite(jitterMs) || jitterMs < 0 || jitterMs > rttMs / 2) {
    throw invalid('jitterMs', `${jitterMs} is not in [0, rtt/2 = ${rttMs / 2}] ms (jitter applies to each one-way delay)`);
  }
  if (!Number.isFinite(lossPct) || lossPct < 0 || lossPct >= 100) throw invalid('lossPct', `${lossPct} is not in [0, 100)`);
  if (bandwidthBitsPerSec !== null && (!Number.isInteger(bandwidthBitsPerSec) || bandwidthBitsPerSec < MIN_BANDWIDTH)) {
    throw invalid('bandwidthBitsPerSec', `${bandwidthBitsPerSec} is not an integer ≥ ${MIN_BANDWIDTH} bit/s (or null for unlimited)`);
  }
  if (!IMPLS.includes(impl)) throw invalid('impl', `${String(impl)} is not one of ${IMPLS.join(', ')}`);
  if (seed !== null && (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)) throw invalid('seed', `${seed} is not a 32-bit unsigned integer`);
  return Object.freeze({ rttMs, jitterMs, lossPct, bandwidthBitsPerSec, impl, seed });
}

/** The per-direction figures of a validated spec. */
export function oneWay(spec: PathSpec): OneWay {
  return Object.freeze({
    delayUs: Math.round((spec.rttMs * 1000) / 2),
    jitterUs: Math.round(spec.jitterMs * 1000),
    lossFraction: spec.lossPct / 100,
    rateBitsPerSec: spec.bandwidthBitsPerSec,
    queueLimit: DEFAULT_QUEUE_LIMIT,
  });
}
