// One LoadResult from the results of loads that ran side by side (the threads of --workers): exact sums and merged histograms.

import type { ConnectionCounters, LoadResult, WorkerShare } from '../measurements.js';
import { createHistogram, type Histogram } from '../metrics/histogram.js';
import { mergeTimelines } from '../metrics/timeline-merge.js';
import { addCounts, mergeSamples } from '../report/merge.js';

/**
 * Merge the results of parts that ran at the same time from one start instant (worker threads given a shared
 * `startAtUs`), so their seconds line up without a shift.
 *
 * - Counts (sent, completed, non-2xx, bytes, status codes, errors, connections opened and closed) are summed.
 *   `connections.maxOpen` is the sum of each part's most-open: the parts held theirs at the same time in a steady load.
 * - Histograms are added bucket by bucket (HdrHistogram `add`), so every percentile is the one a single histogram
 *   fed with all samples would give.
 * - The timeline is summed per second (see {@link mergeTimelines} for its per-second percentiles).
 * - Error samples: each code's samples in part order, still at most ERROR_SAMPLES_PER_CODE (mergeSamples).
 * - Notes every part wrote are kept once; a note only some parts wrote is prefixed `worker i:`.
 * - startedAtMs is the earliest, measuredUs the longest (all parts start together; the last to drain ends the load).
 *
 * @param parts at least one result, in worker order; the engines and HTTP versions are the same (one config)
 * @param shares each part's `perWorker` entry, in the same order
 * @returns a new result; the parts' histograms are left as they were
 */
export function mergeLoadResults(parts: readonly LoadResult[], shares: readonly WorkerShare[]): LoadResult {
  const first = parts[0];
  if (first === undefined) throw new Error('mergeLoadResults needs at least one result');
  return {
    engine: first.engine,
    engineVersion: first.engineVersion,
    httpVersionOnWire: first.httpVersionOnWire,
    startedAtMs: Math.min(...parts.map((part) => part.startedAtMs)),
    measuredUs: Math.max(...parts.map((part) => part.measuredUs)),
    interrupted: parts.some((part) => part.interrupted),
    sent: sum(parts, (part) => part.sent),
    completed: sum(parts, (part) => part.completed),
    non2xx: sum(parts, (part) => part.non2xx),
    statusCodes: parts.reduce((all, part) => addCounts(all, part.statusCodes), {} as Record<string, number>),
    bytesIn: sum(parts, (part) => part.bytesIn),
    errors: parts.reduce((all, part) => addCounts(all, part.errors), {} as Record<string, number>),
    errorSamples: mergeSamples(parts.map((part) => part.errorSamples)),
    connections: mergeConnections(parts.map((part) => part.connections)),
    resent: sumNullable(parts.map((part) => part.resent)),
    abandoned: sumNullable(parts.map((part) => part.abandoned)),
    latency: addHistograms(parts.map((part) => part.latency)),
    connect: addHistograms(parts.map((part) => part.connect)),
    ttfb: addHistograms(parts.map((part) => part.ttfb)),
    uncorrectedLatency: parts.every((part) => part.uncorrectedLatency !== null)
      ? addHistograms(parts.map((part) => part.uncorrectedLatency as Histogram))
      : null,
    sendLag: parts.every((part) => part.sendLag !== null) ? addHistograms(parts.map((part) => part.sendLag as Histogram)) : null,
    tls: mergeTls(parts.map((part) => part.tls)),
    timeline: mergeTimelines(parts.map((part) => ({ points: part.timeline, shiftSec: 0 }))),
    notes: mergeNotes(parts.map((part) => part.notes)),
    resolution: first.resolution,
    perWorker: shares.map((share) => ({ ...share, cpu: { ...share.cpu } })),
  };
}

function sum(parts: readonly LoadResult[], pick: (part: LoadResult) => number): number {
  let total = 0;
  for (const part of parts) total += pick(part);
  return total;
}

/** A count one part could not tell (null) leaves the sum unknown. */
function sumNullable(values: ReadonlyArray<number | null | undefined>): number | null {
  let total = 0;
  for (const value of values) {
    if (value === null || value === undefined) return null;
    total += value;
  }
  return total;
}

function mergeConnections(all: ReadonlyArray<ConnectionCounters | null>): ConnectionCounters | null {
  if (all.some((counters) => counters === null)) return null;
  const counters = all as ConnectionCounters[];
  return {
    opened: counters.reduce((total, c) => total + c.opened, 0),
    closedByServer: sumNullable(counters.map((c) => c.closedByServer)),
    closedByClient: sumNullable(counters.map((c) => c.closedByClient)),
    reset: counters.reduce((total, c) => total + c.reset, 0),
    maxOpen: counters.reduce((total, c) => total + c.maxOpen, 0),
    serverCloseLate: sumNullable(counters.map((c) => c.serverCloseLate)),
  };
}

/** HTTPS: handshake times added, counts summed, the first part's negotiated session; null for plain loads. */
function mergeTls(all: ReadonlyArray<LoadResult['tls']>): LoadResult['tls'] {
  if (all.some((tls) => tls === null)) return null;
  const parts = all as Array<NonNullable<LoadResult['tls']>>;
  const first = parts[0];
  if (first === undefined) return null;
  return {
    handshake: addHistograms(parts.map((tls) => tls.handshake)),
    counts: { full: parts.reduce((n, tls) => n + tls.counts.full, 0), resumed: parts.reduce((n, tls) => n + tls.counts.resumed, 0) },
    session: parts.find((tls) => tls.session !== null)?.session ?? null,
    resolution: first.resolution,
  };
}

/** A new histogram holding every count of `all` (HdrHistogram add: exact per bucket). */
function addHistograms(all: readonly Histogram[]): Histogram {
  const merged = createHistogram();
  for (const histogram of all) merged.add(histogram);
  return merged;
}

function mergeNotes(all: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  const everywhere = (note: string): boolean => all.every((notes) => notes.includes(note));
  all.forEach((notes, index) => {
    for (const note of notes) {
      if (!everywhere(note)) out.push(`worker ${index}: ${note}`);
      else if (!out.includes(note)) out.push(note);
    }
  });
  return out;
}
