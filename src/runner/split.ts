// Exact split of one run's load into N parts (for --workers N and --shard I/N): connections, -n, --rate, schedule offsets.

import { H1Error } from '../errors.js';

/** The load of a whole run, as validated from `bench run`'s options. */
export interface LoadToSplit {
  /** `-c`: concurrent connections, a whole number ≥ 1. */
  readonly connections: number;
  /** `-n`: requests to complete in total; null = run for a duration. */
  readonly requests: number | null;
  /** `--rate`: open-loop requests per second in total (may be fractional); null = closed loop. */
  readonly rate: number | null;
}

/** One part's share of the load; the parts of a split add up exactly to the {@link LoadToSplit}. */
export interface LoadPart {
  /** 0-based position of this part: the `I` of `--shard I/N`. */
  readonly index: number;
  /** How many parts the load was split into: the `N` of `--shard I/N`. */
  readonly count: number;
  /** Connections this part opens, ≥ 1. */
  readonly connections: number;
  /** Requests this part completes, ≥ 1; null when the run is bounded by a duration. */
  readonly requests: number | null;
  /** Requests per second this part sends on its own schedule; null = closed loop. */
  readonly rate: number | null;
  /**
   * Microseconds this part's open-loop schedule starts after the shared start instant: `index / (count · rate)` s with
   * `rate` this part's rate (total / count), that is `index / total rate`.
   * Fractional on purpose: the schedule rounds each intended send time once (`RateSchedule.intendedAt`), so rounding
   * the offset as well would add a second rounding error. Always 0 in closed loop.
   */
  readonly startOffsetUs: number;
}

/** Options for {@link splitLoad}. */
export interface SplitOptions {
  /** The option that asked for the split, named in error messages (default `--workers/--shard`). */
  readonly option?: string;
}

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/**
 * Split a run's load into `parts` parts whose figures add up exactly to what was asked.
 *
 * - Connections and `-n` are whole numbers: every part gets ⌊total / parts⌋ and the first `total mod parts` parts one
 *   more (the way a deck is dealt), so no two parts differ by more than one.
 * - The rate is shared equally, `rate / parts` each: equal shares are what lets the parts' schedules interleave into
 *   one constant arrival rate (below). Floating point cannot always represent `rate / parts` exactly, so the last part
 *   takes `rate − (sum of the others)` instead: summed in index order (as `Array.prototype.reduce` does), the parts'
 *   rates then equal the asked rate bit for bit. The subtraction and the final addition are exact by Sterbenz' lemma,
 *   because the partial sum of the other parts lies within [rate / 2, rate]; the last share differs from `rate / parts`
 *   by a few ulps at most.
 * - Open-loop schedules interleave: each part sends every `1 / r = N / rate` s (r = rate / N, its own rate) and part i
 *   starts `i / (N · r) = i / rate` s after the shared start, so the merged instants are `start + j / rate` for
 *   j = 0, 1, 2, …: exactly the single-process schedule, wrk2's constant arrival rate kept across processes and machines.
 *
 * @param load the whole run's load (connections ≥ 1; requests ≥ 1 or null; rate > 0 or null)
 * @param parts how many parts, a whole number ≥ 1; 1 returns the load unchanged (offset 0)
 * @returns `parts` parts in index order
 * @throws H1Error `H1B_INVALID_OPTION` (exit 2) when `parts` is not a whole number ≥ 1, when there are fewer connections
 *   than parts (a part with no connection could send nothing), or fewer `-n` requests than parts.
 */
export function splitLoad(load: LoadToSplit, parts: number, options: SplitOptions = {}): LoadPart[] {
  const option = options.option ?? '--workers/--shard';
  if (!Number.isInteger(parts) || parts < 1) {
    throw invalid(`${option} must split the load into a whole number of parts ≥ 1 (got ${String(parts)})`);
  }
  if (load.connections < parts) {
    throw invalid(
      `${option}: ${parts} parts need at least ${parts} connections, one each, but -c is ${load.connections}; ` +
        `raise -c to ${parts} or more, or use at most ${load.connections} parts`,
    );
  }
  if (load.requests !== null && load.requests < parts) {
    throw invalid(
      `${option}: ${parts} parts need at least ${parts} requests, one each, but -n is ${load.requests}; ` +
        `raise -n to ${parts} or more, or use at most ${load.requests} parts`,
    );
  }
  const rates = load.rate === null ? null : shareRate(load.rate, parts);
  const result: LoadPart[] = [];
  for (let index = 0; index < parts; index++) {
    result.push(
      Object.freeze({
        index,
        count: parts,
        connections: dealt(load.connections, parts, index),
        requests: load.requests === null ? null : dealt(load.requests, parts, index),
        rate: rates === null ? null : (rates[index] ?? null),
        startOffsetUs: load.rate === null ? 0 : (index * 1_000_000) / load.rate,
      }),
    );
  }
  return result;
}

/** Part `index`'s share of a whole `total`: the first `total mod parts` parts get one more. */
function dealt(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/** `rate / parts` each, the last taking the floating-point residue so the index-order sum is exactly `rate`. */
function shareRate(rate: number, parts: number): number[] {
  const share = rate / parts;
  const rates = new Array<number>(parts).fill(share);
  let others = 0;
  for (let index = 0; index < parts - 1; index++) others += share;
  rates[parts - 1] = rate - others;
  return rates;
}
