// The emulated-path options every measuring command shares (--rtt, --jitter, --loss, --bandwidth, --path, --path-priority): yargs declarations and their validation into a frozen PathConfig.

import type { Argv } from 'yargs';
import { H1Error } from '../errors.js';
import type { PathConfig } from '../types.js';
import { validatePathSpec } from '../wire/path/index.js';
import { parseChoice, parseInteger } from './options.js';

/** Option values as yargs hands them over (strings, no defaults applied). */
export interface PathArgs {
  rtt?: string | string[];
  jitter?: string;
  loss?: string;
  bandwidth?: string;
  path?: string;
  pathPriority?: string;
  pathSeed?: string;
}

export const PATH_IMPLS: readonly PathConfig['impl'][] = ['auto', 'netem', 'delay-line'];
export const PATH_PRIORITIES: readonly PathConfig['priority'][] = ['nice', 'realtime'];

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/**
 * Declare the path options on a command. `list`: `--rtt` takes a comma-separated list (bench suite runs its
 * matrix once per RTT); otherwise one value.
 */
export function pathOptions<T>(yargs: Argv<T>, list = false): Argv<T> {
  return yargs
    .option('rtt', {
      type: 'string',
      describe: list
        ? 'Also run every case across an emulated network path at each of these round-trip times, e.g. 1ms,10ms,50ms (root)'
        : 'Run the embedded server and the generator in two namespaces joined by an emulated path with this round-trip time, e.g. 20ms (root)',
    })
    .option('jitter', { type: 'string', describe: 'With --rtt: ± this much on each one-way delay, e.g. 2ms [default: 0]' })
    .option('loss', { type: 'string', describe: 'With --rtt: drop this share of the packets in each direction, e.g. 0.5% [default: 0]' })
    .option('bandwidth', { type: 'string', describe: 'With --rtt: rate of each direction, e.g. 100mbit, 1gbit [default: unlimited]' })
    .option('path', { type: 'string', describe: `With --rtt: ${PATH_IMPLS.join(' | ')}; auto = netem where the kernel has it, else the user-space delay line [default: auto]` })
    .option('path-priority', {
      type: 'string',
      describe: 'With --rtt: nice (path helpers at nice −10) | realtime (helpers, server and generator SCHED_FIFO: timings hold on a busy machine) [default: nice]',
    })
    .option('path-seed', { type: 'string', describe: 'With --rtt: seed of the delay line’s loss and jitter draws, to repeat a lossy run [default: fresh]' }) as Argv<T>;
}

const TIME = /^(\d+(?:\.\d+)?)(us|µs|ms|s)$/;
const TIME_UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };

/** `20ms`, `0.5ms`, `250us`, `1s` → ms. A unit is required: a bare number is seconds for -d but would be ms here. */
export function parsePathTimeMs(value: unknown, option: string): number {
  const text = String(value).trim();
  const match = TIME.exec(text);
  if (!match) throw invalid(`--${option} '${text}' is not a time with a unit; use e.g. 20ms, 0.5ms, 250us or 1s`);
  // Whole µs: the path's own resolution (delays are scheduled in µs).
  return Math.round(Number(match[1]) * (TIME_UNIT_MS[match[2]!] ?? 1) * 1000) / 1000;
}

/** `0.5%` or `0.5` → 0.5 (percent of the packets in each direction). */
export function parseLossPct(value: unknown): number {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text);
  const pct = match ? Number(match[1]) : Number.NaN;
  if (!(pct >= 0 && pct < 100)) throw invalid(`--loss '${text}' is not a percentage in [0, 100), e.g. 0.5%`);
  return pct;
}

const RATE = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit)$/i;
const RATE_UNIT: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** `100mbit`, `1gbit`, `512kbit` (tc's units, decimal) → bit/s. */
export function parseBandwidth(value: unknown): number {
  const text = String(value).trim();
  const match = RATE.exec(text);
  if (!match) throw invalid(`--bandwidth '${text}' is not a rate; use e.g. 512kbit, 100mbit or 1gbit`);
  const bits = Math.round(Number(match[1]) * (RATE_UNIT[match[2]!.toLowerCase()] ?? 1));
  if (bits < 8_000) throw invalid(`--bandwidth '${text}' is below 8kbit: a 1500-byte packet would take longer than a second`);
  return bits;
}

/** The values of `--rtt` as given: repeated flags and comma-separated lists, flattened. */
export function rttValues(args: PathArgs): string[] {
  const raw = args.rtt === undefined ? [] : Array.isArray(args.rtt) ? args.rtt : [args.rtt];
  return raw.flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

/**
 * The path one RTT asks for, with the other options; null without --rtt. Throws H1B_INVALID_OPTION naming the
 * option for a bad value, and for --jitter/--loss/--bandwidth/--path/--path-priority without --rtt.
 */
export function parsePathConfig(args: PathArgs, rtt: string | null): PathConfig | null {
  if (rtt === null) {
    const shaping = [['jitter', args.jitter], ['loss', args.loss], ['bandwidth', args.bandwidth], ['path', args.path], ['path-priority', args.pathPriority], ['path-seed', args.pathSeed]] as const;
    for (const [option, value] of shaping) {
      if (value !== undefined) throw invalid(`--${option} shapes the emulated network path: it needs --rtt`);
    }
    return null;
  }
  const rttMs = parsePathTimeMs(rtt, 'rtt');
  const jitterMs = args.jitter === undefined ? 0 : parsePathTimeMs(args.jitter, 'jitter');
  // Jitter applies to each one-way delay (rtt / 2); more would ask for negative delays.
  if (jitterMs > rttMs / 2) throw invalid(`--jitter ${jitterMs}ms is more than half of --rtt ${rttMs}ms (it applies to each one-way delay)`);
  const config: PathConfig = {
    rttMs,
    jitterMs,
    lossPct: args.loss === undefined ? 0 : parseLossPct(args.loss),
    bandwidthBitsPerSec: args.bandwidth === undefined ? null : parseBandwidth(args.bandwidth),
    impl: parseChoice(args.path ?? 'auto', 'path', PATH_IMPLS),
    priority: parseChoice(args.pathPriority ?? 'nice', 'path-priority', PATH_PRIORITIES),
    seed: args.pathSeed === undefined ? null : parseInteger(args.pathSeed, 'path-seed', 0, 0xffff_ffff),
  };
  // The path library's own check, so nothing it would refuse gets this far (its limits: RTT ≤ 60 s).
  validatePathSpec(config);
  return Object.freeze(config);
}

/** `bench run`, `heartbeat`, `trace`: at most one --rtt. */
export function parseSinglePath(args: PathArgs): PathConfig | null {
  const values = rttValues(args);
  if (values.length > 1) throw invalid(`--rtt takes one round-trip time here (got ${values.join(', ')}); bench suite --rtt takes a list`);
  return parsePathConfig(args, values[0] ?? null);
}
