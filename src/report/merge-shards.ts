// `bench merge`: one run report from the reports of the N shards of one run (--shard I/N), exact in every count.

import { H1Error } from '../errors.js';
import { mergeTimelines } from '../metrics/timeline-merge.js';
import { round6 } from '../numbers.js';
import { coordinatedOmission, summarizeRun } from './build.js';
import { mergeMeasured } from './merge.js';
import type { RunReport, ShardSummary } from './schema.js';

/** A shard report and where it came from (named in every error). */
export interface ShardInput {
  readonly source: string;
  readonly report: RunReport;
}

const mismatch = (message: string): H1Error => new H1Error('H1B_REPORT_MISMATCH', message);

/**
 * Merge the reports of every shard of one run into one ordinary run report, which `bench compare` and `bench report`
 * read like any other.
 *
 * - Refused (H1B_REPORT_MISMATCH, exit 2, naming the files): a report without `shard`; different shard counts,
 *   targets, modes, engines, workloads (method, headers, body, pipelining, duration, --start-at); a shard index
 *   missing or given twice; a shard that ran `--runs N` (its timeline is N runs end to end, not wall-clock time).
 *   Unknown schema versions are refused earlier, when the files are read (H1B_REPORT_SCHEMA).
 * - Counts are summed (requests, status codes, errors, bytes, connections, each view of `handshakes`, TIME_WAIT,
 *   /stats deltas, CPU). `connections.maxOpen` is the sum of the shards' maxima (they ran at the same time).
 * - Latency, connect, TTFB: HdrHistograms merged, so percentiles are those of all samples together.
 * - Time: the run starts at the earliest shard's measured start and ends at the latest shard's end; throughput is
 *   over that span. Timelines are aligned by wall clock: a shard that started s seconds (rounded) after the earliest
 *   is shifted by s (per-second percentiles as in mergeTimelines).
 * - `config` is the whole run's: connections, requests and rate are the shards' sums (equal to what was asked: the
 *   split is exact), without `shard`. Each shard's own summary, host, start and skew are kept in `shards[]`.
 *
 * @param inputs the shard reports, in any order
 */
export function mergeShardReports(inputs: readonly ShardInput[]): RunReport {
  if (inputs.length === 0) throw new H1Error('H1B_INVALID_OPTION', 'bench merge needs the shard reports to merge');
  const sorted = checkShards(inputs);
  const reports = sorted.map((input) => input.report);
  const first = reports[0]!;
  const starts = reports.map((report) => Date.parse(report.startedAt));
  const startMs = Math.min(...starts);
  const endMs = Math.max(...reports.map((report, index) => starts[index]! + report.durationSec * 1000));
  const durationSec = round6((endMs - startMs) / 1000);
  const requestsAsked = reports.map((report) => report.config.requests);
  // Summed in index order: split.ts gives the last shard the rate's floating-point residue, so this is the asked rate.
  const rate = first.config.rate === null ? null : reports.reduce((total, report) => total + (report.config.rate ?? 0), 0);
  const { shard: _shard, ...config } = first.config;
  const merged: RunReport = {
    schemaVersion: first.schemaVersion,
    kind: 'run',
    tool: { ...first.tool },
    label: first.label,
    startedAt: new Date(startMs).toISOString(),
    durationSec,
    interrupted: reports.some((report) => report.interrupted),
    config: {
      ...config,
      connections: sum(reports, (report) => report.config.connections),
      requests: requestsAsked.some((value) => value === null) ? null : requestsAsked.reduce<number>((total, value) => total + (value ?? 0), 0),
      rate,
    },
    target: { ...first.target },
    engine: { ...first.engine, notes: unionNotes(reports.map((report) => report.engine.notes), 'shard') },
    machine: { ...first.machine },
    ...mergeMeasured(reports, true, durationSec),
    // Every shard's own machine: their TIME_WAIT sockets add up.
    timeWait: {
      serverSide: sum(reports, (report) => report.timeWait.serverSide),
      clientSide: sum(reports, (report) => report.timeWait.clientSide),
      port: first.timeWait.port,
    },
    timeline: mergeTimelines(
      reports.map((report, index) => ({ points: report.timeline, shiftSec: Math.round((starts[index]! - startMs) / 1000) })),
    ),
    coordinatedOmission: coordinatedOmission(rate),
    sources: structuredClone(first.sources),
    notes: [mergeNote(sorted), ...unionNotes(reports.map((report) => report.notes), 'shard')],
    workers: sum(reports, (report) => report.workers ?? 1),
    shards: reports.map(shardSummary),
  };
  return merged;
}

/** The inputs in shard-index order, after every check; throws H1B_REPORT_MISMATCH naming the files. */
function checkShards(inputs: readonly ShardInput[]): ShardInput[] {
  for (const { source, report } of inputs) {
    if (report.shard === undefined || report.config.shard === undefined) {
      throw mismatch(`${source} is not a shard report (no shard field): bench merge takes the reports of bench run --shard I/N`);
    }
    if ((report.config.runs ?? 1) > 1) {
      throw mismatch(`${source} ran --runs ${report.config.runs}: its timeline is runs end to end, not wall-clock time; merge shards of one run each`);
    }
  }
  const reference = inputs[0]!;
  const count = reference.report.shard!.count;
  for (const input of inputs.slice(1)) {
    const differs = firstDifference(reference.report, input.report);
    if (differs !== null) {
      throw mismatch(`${input.source} and ${reference.source} are not shards of one run: their ${differs} differ`);
    }
  }
  const byIndex = new Map<number, ShardInput>();
  for (const input of inputs) {
    const index = input.report.shard!.index;
    const other = byIndex.get(index);
    if (other !== undefined) throw mismatch(`shard ${index} of ${count} is given twice: ${other.source} and ${input.source}`);
    byIndex.set(index, input);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw mismatch(
      `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')}): ` +
        'a merged report of some shards would not be the whole run',
    );
  }
  return Array.from({ length: count }, (_, index) => byIndex.get(index)!);
}

/** The first property two shard reports must share and do not, in words; null when they agree. */
function firstDifference(a: RunReport, b: RunReport): string | null {
  if (a.shard!.count !== b.shard!.count) return `shard counts (${a.shard!.count}, ${b.shard!.count})`;
  if (a.target.url !== b.target.url) return `targets (${a.target.url}, ${b.target.url})`;
  if (a.config.mode !== b.config.mode) return `modes (${a.config.mode}, ${b.config.mode})`;
  if (a.engine.name !== b.engine.name) return `engines (${a.engine.name}, ${b.engine.name})`;
  const workload = (report: RunReport): string =>
    JSON.stringify([report.config.method, report.config.headers, report.config.body, report.config.pipelining, report.config.durationMs, report.config.rate === null, report.config.startAt ?? null]);
  if (workload(a) !== workload(b)) return 'workloads (method, headers, body, pipelining, duration, open or closed loop, --start-at)';
  return null;
}

function shardSummary(report: RunReport): ShardSummary {
  return {
    index: report.shard!.index,
    host: report.shard!.host,
    startedAt: report.startedAt,
    startSkewMs: report.startSkewMs ?? null,
    workers: report.workers ?? 1,
    summary: summarizeRun(report),
  };
}

function mergeNote(shards: readonly ShardInput[]): string {
  return (
    `merged from ${shards.length} shard reports (bench merge: ${shards.map((input) => input.source).join(', ')}): counts summed, histograms merged, ` +
    'timelines aligned by wall-clock second (per-second p50 a request-weighted estimate, p99 the largest shard’s); machine is shard 0’s, each shard’s host is in shards[]'
  );
}

/** Notes every part wrote, once; a note only some wrote is prefixed with its part (`shard 2: …`). */
function unionNotes(all: readonly (readonly string[])[], prefix: string): string[] {
  const out: string[] = [];
  all.forEach((notes, index) => {
    for (const note of notes) {
      const everywhere = all.every((other) => other.includes(note));
      const text = everywhere ? note : `${prefix} ${index}: ${note}`;
      if (!out.includes(text)) out.push(text);
    }
  });
  return out;
}

function sum(reports: readonly RunReport[], pick: (report: RunReport) => number): number {
  let total = 0;
  for (const report of reports) total += pick(report);
  return total;
}
