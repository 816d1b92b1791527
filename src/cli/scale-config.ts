// `bench run`'s scale-out options, validated once: --workers, --server-workers, --source, --shard I/N, --start-at.

import os from 'node:os';
import { H1Error } from '../errors.js';
import { splitLoad, type LoadToSplit } from '../runner/split.js';
import type { EngineName, ShardAssignment } from '../types.js';
import { parseInteger } from './options.js';
import { parseSourceAddresses } from './source-option.js';

/** Raw values as yargs hands them over (camelCase, no defaults). */
export interface ScaleArgs {
  workers?: unknown;
  serverWorkers?: unknown;
  source?: unknown;
  shard?: unknown;
  startAt?: unknown;
}

/** What the rest of the run needs to know about the scale-out options; see RunConfig for each field. */
export interface ScaleFields {
  readonly workers: number;
  readonly serverWorkers: number;
  readonly source: readonly string[] | null;
  readonly shard: ShardAssignment | null;
  readonly startAtMs: number | null;
}

/** The run around the scale-out options, as validated so far. */
export interface ScaleContext {
  /** The whole run's load (`-c`, `-n`, `--rate` as given). */
  readonly load: LoadToSplit;
  readonly engine: EngineName;
  /** `--url` as validated, or null for the embedded server. */
  readonly url: string | null;
  /** How many `--mode`s this command runs. */
  readonly modes: number;
  /** Wall clock now, epoch ms (injectable for tests). */
  readonly nowMs: number;
}

/** Most generator threads or server processes one option asks for: far beyond any machine's cores, still a bound. */
export const MAX_WORKERS = 1024;
/** How far ahead `--start-at` may lie: a day; later is a typo (a date a year off), not a plan. */
const START_AT_MAX_AHEAD_MS = 24 * 3_600_000;
/** How long ago `--start-at` may lie: a shard that starts an hour late measures alone, which is a mistake to stop. */
const START_AT_MAX_BEHIND_MS = 3_600_000;

const invalid = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/**
 * Validate the scale-out options against the run they belong to.
 * @returns the fields for RunConfig, and the load this process runs: the whole load, or with `--shard I/N` its share
 *   (split by {@link splitLoad}: exact sums, interleaved open-loop offsets)
 * @throws H1Error H1B_INVALID_OPTION (exit 2), the message naming the option: `--workers` not a whole number in
 *   [1, 1024] or `auto`, or more workers than connections (of this shard); `--workers`/`--source` with an engine
 *   other than native (undici and autocannon manage their own sockets and thread); `--server-workers` with `--url`;
 *   `--shard` not `I/N` with 0 ≤ I < N; `--shard`/`--start-at` with several `--mode`s (one start instant, one split);
 *   `--start-at` not ISO 8601 with a zone or Unix ms, more than a day ahead or an hour past; `--source` as in
 *   {@link parseSourceAddresses}.
 */
export function parseScaleArgs(args: ScaleArgs, context: ScaleContext): { fields: ScaleFields; load: LoadToSplit } {
  const workers = parseWorkers(args.workers, 'workers');
  if (workers > 1 && context.engine !== 'native') {
    throw invalid(`--workers runs the native engine in worker threads; --engine ${context.engine} runs in one thread (drop --workers or use --engine native)`);
  }
  const serverWorkers = parseWorkers(args.serverWorkers, 'server-workers');
  if (serverWorkers > 1 && context.url !== null) {
    throw invalid('--server-workers applies to the embedded server only; start your own server with bench serve --workers N, or drop --url');
  }
  const source = args.source === undefined ? null : parseSourceAddresses(args.source, context.url === null ? null : hostOf(context.url));
  if (source !== null && context.engine !== 'native') {
    throw invalid(`--source binds the native engine's connections; --engine ${context.engine} opens its own sockets (drop --source or use --engine native)`);
  }
  const shard = args.shard === undefined ? null : parseShard(args.shard);
  const startAtMs = args.startAt === undefined ? null : parseStartAt(args.startAt, context.nowMs);
  if ((shard !== null || startAtMs !== null) && context.modes > 1) {
    throw invalid(`--${shard !== null ? 'shard' : 'start-at'} runs one mode: give one --mode and run each mode as its own sharded run`);
  }
  let load = context.load;
  let assignment: ShardAssignment | null = null;
  if (shard !== null) {
    const part = splitLoad(load, shard.count, { option: '--shard' })[shard.index]!;
    load = { connections: part.connections, requests: part.requests, rate: part.rate };
    assignment = Object.freeze({ index: part.index, count: part.count, startOffsetUs: part.startOffsetUs });
  }
  // Fails now, with this shard's figures in the message, rather than in the engine after the warm-up.
  if (workers > 1) splitLoad(load, workers, { option: '--workers' });
  return { fields: Object.freeze({ workers, serverWorkers, source, shard: assignment, startAtMs }), load };
}

/** `--workers N` or `auto` (the cores this process may use, os.availableParallelism()); absent = 1. */
function parseWorkers(value: unknown, option: string): number {
  if (value === undefined) return 1;
  if (String(value).trim() === 'auto') return Math.min(MAX_WORKERS, os.availableParallelism());
  return parseInteger(value, option, 1, MAX_WORKERS);
}

/** `I/N`, 0-based: `0/3`, `1/3`, `2/3` (what Kubernetes' JOB_COMPLETION_INDEX gives). */
function parseShard(value: unknown): { index: number; count: number } {
  const text = String(value).trim();
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || !(count >= 1) || !(index < count)) {
    throw invalid(`--shard must be I/N with 0 ≤ I < N, e.g. --shard 0/3 (got '${text}')`);
  }
  return { index, count };
}

/**
 * `--start-at`: ISO 8601 with a zone (`2026-11-30T12:00:30Z`, `…+01:00`) or Unix epoch milliseconds. A zone is
 * required because the shards of one run may sit in different time zones: a local time would mean N instants.
 */
function parseStartAt(value: unknown, nowMs: number): number {
  const text = String(value).trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) ms = Date.parse(text);
  else ms = Number.NaN;
  if (!Number.isFinite(ms)) {
    throw invalid(`--start-at must be ISO 8601 with a time zone (2026-11-30T12:00:30Z) or Unix epoch milliseconds (got '${text}')`);
  }
  if (ms - nowMs > START_AT_MAX_AHEAD_MS) throw invalid(`--start-at ${new Date(ms).toISOString()} is more than a day ahead; check the date`);
  if (nowMs - ms > START_AT_MAX_BEHIND_MS) {
    throw invalid(`--start-at ${new Date(ms).toISOString()} passed more than an hour ago (is it in seconds? give milliseconds); give the shared start instant`);
  }
  return ms;
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}
