// Merges the reports of repeated runs (--runs N): merged histograms, summed counters, each run's summary kept.

import { encodeHistogram, mergeEncoded, summarizeMs, type Histogram } from '../metrics/histogram.js';
import type { KernelHandshakes, LatencySummary, RunReport } from './schema.js';
import type { ServerStats as Stats } from '../types.js';
import { combineStats } from '../metrics/server-stats.js';
import { summarizeRun } from './build.js';

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
}

function summarizeEncoded(encoded: string[]): { summary: LatencySummary; encoded: string } {
  const merged: Histogram = mergeEncoded(encoded);
  const out = { summary: summarizeMs(merged), encoded: encodeHistogram(merged) };
  merged.destroy();
  return out;
}

function sumNullable(values: Array<number | null>): number | null {
  return values.some((value) => value === null) ? null : values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
}

function sumStats(all: Array<Stats | null>): Stats | null {
  if (all.length === 0 || all.some((stats) => stats === null)) return null;
  const [head, ...rest] = all as Stats[];
  let total = head!;
  for (const stats of rest) total = combineStats(total, stats, 1);
  // connectionsOpen is a level, not a count: keep the last run's.
  total.connectionsOpen = rest.length > 0 ? rest[rest.length - 1]!.connectionsOpen : total.connectionsOpen;
  return total;
}

function sumKernel(all: Array<KernelHandshakes | null>): KernelHandshakes | null {
  const first = all[0];
  if (!first || all.some((kernel) => kernel === null)) return null;
  const kernels = all as KernelHandshakes[];
  return {
    activeOpens: kernels.reduce((sum, kernel) => sum + kernel.activeOpens, 0),
    passiveOpens: kernels.reduce((sum, kernel) => sum + kernel.passiveOpens, 0),
    scope: first.scope,
    note: first.note,
  };
}

/**
 * One report for N sequential runs of the same config: counters summed, latency from the merged
 * histograms (not averaged percentiles), throughput over the summed measured time, and `runs[]`
 * holding each run's own summary so run-to-run variation stays visible.
 */
export function mergeRunReports(reports: readonly RunReport[]): RunReport {
  const first = reports[0];
  if (!first) throw new Error('mergeRunReports needs at least one report');
  if (reports.length === 1) return first;
  const last = reports[reports.length - 1]!;
  const durationSec = round6(reports.reduce((sum, report) => sum + report.durationSec, 0));
  const completed = reports.reduce((sum, report) => sum + report.requests.completed, 0);
  const bytes = reports.reduce((sum, report) => sum + report.throughput.bytesPerSec * report.durationSec, 0);
  const latency = summarizeEncoded(reports.map((report) => report.histograms.latencyUs));
  const connect = summarizeEncoded(reports.map((report) => report.histograms.connectUs));
  const ttfb = summarizeEncoded(reports.map((report) => report.histograms.ttfbUs));
  const uncorrected = reports.every((report) => report.histograms.uncorrectedLatencyUs !== null)
    ? summarizeEncoded(reports.map((report) => report.histograms.uncorrectedLatencyUs as string))
    : null;
  const connections = { opened: 0, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 0 };
  for (const report of reports) {
    connections.opened += report.connections.opened;
    connections.closedByServer += report.connections.closedByServer;
    connections.closedByClient += report.connections.closedByClient;
    connections.reset += report.connections.reset;
    connections.maxOpen = Math.max(connections.maxOpen, report.connections.maxOpen);
  }
  const client = sumNullable(reports.map((report) => report.handshakes.client));
  const server = sumNullable(reports.map((report) => report.handshakes.server));
  const kernel = sumKernel(reports.map((report) => report.handshakes.kernel));
  const handshakes = client ?? server ?? kernel?.activeOpens ?? 0;
  const userSec = round6(reports.reduce((sum, report) => sum + report.cpu.userSec, 0));
  const systemSec = round6(reports.reduce((sum, report) => sum + report.cpu.systemSec, 0));
  let offset = 0;
  const timeline = reports.flatMap((report) => {
    const points = report.timeline.map((point) => ({ ...point, second: point.second + offset }));
    offset += Math.ceil(report.durationSec);
    return points;
  });
  const serverCpu = sumNullable(reports.map((report) => report.server.cpuSec));
  const rss = reports.map((report) => report.server.maxRssBytes);
  return {
    ...first,
    durationSec,
    interrupted: reports.some((report) => report.interrupted),
    requests: {
      sent: reports.reduce((sum, report) => sum + report.requests.sent, 0),
      completed,
      errors: reports.reduce((sum, report) => sum + report.requests.errors, 0),
      non2xx: reports.reduce((sum, report) => sum + report.requests.non2xx, 0),
      statusCodes: reports.reduce((all, report) => addCounts(all, report.requests.statusCodes), {} as Record<string, number>),
    },
    throughput: {
      requestsPerSec: durationSec > 0 ? round3(completed / durationSec) : 0,
      bytesPerSec: durationSec > 0 ? round3(bytes / durationSec) : 0,
    },
    latencyMs: latency.summary,
    uncorrectedLatencyMs: uncorrected ? uncorrected.summary : null,
    connectMs: connect.summary,
    ttfbMs: ttfb.summary,
    connections,
    handshakes: { client, server, kernel, perRequest: completed > 0 ? round6(handshakes / completed) : 0 },
    // TIME_WAIT is a snapshot: the last run's is the state the runs left behind.
    timeWait: { ...last.timeWait },
    errors: reports.reduce((all, report) => addCounts(all, report.errors), {} as Record<string, number>),
    timeline,
    histograms: {
      latencyUs: latency.encoded,
      connectUs: connect.encoded,
      ttfbUs: ttfb.encoded,
      uncorrectedLatencyUs: uncorrected ? uncorrected.encoded : null,
    },
    server: {
      statsDelta: sumStats(reports.map((report) => report.server.statsDelta)),
      cpuSec: serverCpu === null ? null : round6(serverCpu),
      maxRssBytes: rss.some((value) => value === null) ? null : Math.max(...(rss as number[])),
    },
    cpu: { userSec, systemSec, perHundredKRequestsSec: completed > 0 ? round6(((userSec + systemSec) / completed) * 100_000) : null },
    notes: [...new Set(reports.flatMap((report) => report.notes))],
    runs: reports.map(summarizeRun),
  };
}
