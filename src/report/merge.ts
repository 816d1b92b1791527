// Merges the reports of repeated runs (--runs N): merged histograms, summed counters, each run's summary kept.

import { ERROR_SAMPLES_PER_CODE, type ErrorSamples, type LatencySummary, type ServerStats as Stats, type WireSection, type WorkerShare } from '../measurements.js';
import { encodeHistogram, exactRange, mergeEncoded, summarizeMs, type Histogram } from '../metrics/histogram.js';
import { combineStats } from '../metrics/server-stats.js';
import { round3, round6 } from '../numbers.js';
import { summarizeRun } from './build.js';
import { mergePathSections } from './path-section.js';
import type { KernelHandshakes, RunReport } from './schema.js';

export function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
}

/** Each code's samples from the runs in order, still bounded to ERROR_SAMPLES_PER_CODE. */
export function mergeSamples(all: readonly ErrorSamples[]): ErrorSamples {
  const out: ErrorSamples = {};
  for (const samples of all) {
    for (const [code, list] of Object.entries(samples)) {
      const kept = (out[code] ??= []);
      for (const sample of list) if (kept.length < ERROR_SAMPLES_PER_CODE) kept.push({ ...sample });
    }
  }
  return out;
}

/** Wire counts of every run summed, their capture files listed; absent unless every run had a capture. */
export function mergeWire(reports: readonly RunReport[]): Pick<RunReport, 'wire' | 'teardowns'> & { handshakes?: number } {
  const sections = reports.map((report) => report.wire);
  if (sections.some((section) => section === undefined) || reports.some((report) => report.teardowns === undefined)) return {};
  const all = sections as WireSection[];
  const sum = (pick: (section: WireSection) => number): number => all.reduce((total, section) => total + pick(section), 0);
  const dropped = all.map((section) => section.droppedByKernel);
  return {
    handshakes: reports.reduce((total, report) => total + (report.handshakes.wire ?? 0), 0),
    teardowns: {
      wire: {
        serverFirst: reports.reduce((total, report) => total + report.teardowns!.wire.serverFirst, 0),
        clientFirst: reports.reduce((total, report) => total + report.teardowns!.wire.clientFirst, 0),
        reset: reports.reduce((total, report) => total + report.teardowns!.wire.reset, 0),
      },
    },
    wire: {
      files: all.flatMap((section) => section.files),
      connections: sum((s) => s.connections),
      segments: sum((s) => s.segments),
      syn: sum((s) => s.syn),
      synAck: sum((s) => s.synAck),
      fin: sum((s) => s.fin),
      rst: sum((s) => s.rst),
      dataSegments: sum((s) => s.dataSegments),
      retransmissions: sum((s) => s.retransmissions),
      failedHandshakes: sum((s) => s.failedHandshakes),
      stillOpen: sum((s) => s.stillOpen),
      preexisting: sum((s) => s.preexisting),
      droppedByKernel: dropped.some((value) => value === null) ? null : dropped.reduce<number>((total, value) => total + (value ?? 0), 0),
      flushed: all.every((section) => section.flushed),
    },
  };
}

/**
 * Merge the runs' histograms and summarize them. A decoded histogram knows its extremes only to its bucket bounds;
 * the runs' own summaries hold the exact ones (µs, 3 decimals of ms), so the merged min, max and every percentile
 * between them stay exact (`summaries` of empty runs are all zeros and ignored).
 */
export function summarizeEncoded(encoded: string[], summaries: readonly LatencySummary[] = []): { summary: LatencySummary; encoded: string } {
  const merged: Histogram = mergeEncoded(encoded);
  const recorded = summaries.filter((s) => s.max > 0);
  const range =
    recorded.length === 0
      ? exactRange(merged)
      : { minUs: Math.round(Math.min(...recorded.map((s) => s.min)) * 1000), maxUs: Math.round(Math.max(...recorded.map((s) => s.max)) * 1000) };
  const out = { summary: summarizeMs(merged, range), encoded: encodeHistogram(merged) };
  merged.destroy();
  return out;
}

/** The sum, or null when any value is null (a view some part did not have). */
export function sumNullable(values: Array<number | null>): number | null {
  return values.some((value) => value === null) ? null : values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
}

/** /stats deltas summed (connectionsOpen, a level, is the last one's); null when any is missing. */
export function sumStats(all: Array<Stats | null>): Stats | null {
  if (all.length === 0 || all.some((stats) => stats === null)) return null;
  const [head, ...rest] = all as Stats[];
  let total = head!;
  for (const stats of rest) total = combineStats(total, stats, 1);
  // connectionsOpen is a level, not a count: keep the last run's.
  total.connectionsOpen = rest.length > 0 ? rest[rest.length - 1]!.connectionsOpen : total.connectionsOpen;
  return total;
}

/** TLS handshake times merged and counts summed; null unless every run was over TLS. */
function mergeTls(reports: readonly RunReport[]): { summary: LatencySummary; encoded: string; counts: { full: number; resumed: number } } | null {
  if (reports.some((report) => report.histograms.tlsUs === undefined || report.handshakes.tls === undefined)) return null;
  const merged = summarizeEncoded(reports.map((report) => report.histograms.tlsUs as string));
  const counts = { full: 0, resumed: 0 };
  for (const report of reports) {
    counts.full += report.handshakes.tls!.full;
    counts.resumed += report.handshakes.tls!.resumed;
  }
  return { ...merged, counts };
}

/** Kernel handshake deltas summed; scope and note from the first; null when any is missing. */
export function sumKernel(all: Array<KernelHandshakes | null>): KernelHandshakes | null {
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
 * Where the next run's timeline starts in a merged timeline: after every second this run has a point for (its last,
 * partial second included), so seconds stay whole numbers. html/timeline.ts cuts the runs back out with this rule.
 */
export function timelineOffsetSec(durationSec: number): number {
  return Math.max(1, Math.ceil(durationSec));
}

/** The fields of a run report that several reports of one workload combine into; the callers add time and identity. */
export type MeasuredFigures = Pick<
  RunReport,
  'requests' | 'throughput' | 'latencyMs' | 'uncorrectedLatencyMs' | 'sendLagMs' | 'connectMs' | 'ttfbMs' | 'connections' | 'handshakes' | 'errors' | 'errorSamples' | 'histograms' | 'server' | 'cpu'
> &
  Partial<Pick<RunReport, 'tlsMs' | 'wire' | 'teardowns'>>;

/**
 * What several reports of one workload measured, combined exactly: counts summed, histograms merged (so percentiles
 * are those of all samples), a figure one part could not tell (null) left unknown. `concurrent`: the parts ran at
 * the same time (shards), so levels add up (most connections open, peak RSS); else one after another (--runs), so
 * the largest stands. Throughput is over `durationSec`, the caller's measured time.
 */
export function mergeMeasured(reports: readonly RunReport[], concurrent: boolean, durationSec: number): MeasuredFigures {
  const total = (pick: (report: RunReport) => number): number => reports.reduce((sum, report) => sum + pick(report), 0);
  const level = (values: number[]): number => (concurrent ? values.reduce((sum, value) => sum + value, 0) : Math.max(...values));
  const completed = total((report) => report.requests.completed);
  const bytes = total((report) => report.throughput.bytesPerSec * report.durationSec);
  const merge = (histogram: (report: RunReport) => string | null | undefined, summary: (report: RunReport) => LatencySummary | null | undefined) =>
    reports.every((report) => (histogram(report) ?? null) !== null && (summary(report) ?? null) !== null)
      ? summarizeEncoded(reports.map((report) => histogram(report) as string), reports.map((report) => summary(report) as LatencySummary))
      : null;
  const latency = merge((report) => report.histograms.latencyUs, (report) => report.latencyMs)!;
  const connect = merge((report) => report.histograms.connectUs, (report) => report.connectMs)!;
  const ttfb = merge((report) => report.histograms.ttfbUs, (report) => report.ttfbMs)!;
  const uncorrected = merge((report) => report.histograms.uncorrectedLatencyUs, (report) => report.uncorrectedLatencyMs);
  const sendLag = merge((report) => report.histograms.sendLagUs, (report) => report.sendLagMs);
  const client = sumNullable(reports.map((report) => report.handshakes.client));
  const server = sumNullable(reports.map((report) => report.handshakes.server));
  const kernel = sumKernel(reports.map((report) => report.handshakes.kernel));
  const handshakes = client ?? server ?? kernel?.activeOpens ?? 0;
  const userSec = round6(total((report) => report.cpu.userSec));
  const systemSec = round6(total((report) => report.cpu.systemSec));
  const serverCpu = sumNullable(reports.map((report) => report.server.cpuSec));
  const rss = reports.map((report) => report.server.maxRssBytes);
  const figures: MeasuredFigures = {
    requests: {
      sent: total((report) => report.requests.sent),
      completed,
      errors: total((report) => report.requests.errors),
      non2xx: total((report) => report.requests.non2xx),
      statusCodes: reports.reduce((all, report) => addCounts(all, report.requests.statusCodes), {} as Record<string, number>),
      resent: sumNullable(reports.map((report) => report.requests.resent ?? null)),
      abandoned: sumNullable(reports.map((report) => report.requests.abandoned ?? null)),
    },
    throughput: {
      requestsPerSec: durationSec > 0 ? round3(completed / durationSec) : 0,
      bytesPerSec: durationSec > 0 ? round3(bytes / durationSec) : 0,
    },
    latencyMs: latency.summary,
    uncorrectedLatencyMs: uncorrected ? uncorrected.summary : null,
    sendLagMs: sendLag ? sendLag.summary : null,
    connectMs: connect.summary,
    ttfbMs: ttfb.summary,
    connections: {
      opened: total((report) => report.connections.opened),
      closedByServer: sumNullable(reports.map((report) => report.connections.closedByServer)),
      closedByClient: sumNullable(reports.map((report) => report.connections.closedByClient)),
      reset: total((report) => report.connections.reset),
      maxOpen: level(reports.map((report) => report.connections.maxOpen)),
      serverCloseLate: sumNullable(reports.map((report) => report.connections.serverCloseLate ?? null)),
    },
    handshakes: { client, server, kernel, perRequest: completed > 0 ? round6(handshakes / completed) : 0 },
    errors: reports.reduce((all, report) => addCounts(all, report.errors), {} as Record<string, number>),
    errorSamples: mergeSamples(reports.map((report) => report.errorSamples)),
    histograms: {
      latencyUs: latency.encoded,
      connectUs: connect.encoded,
      ttfbUs: ttfb.encoded,
      uncorrectedLatencyUs: uncorrected ? uncorrected.encoded : null,
      sendLagUs: sendLag ? sendLag.encoded : null,
    },
    server: {
      statsDelta: sumStats(reports.map((report) => report.server.statsDelta)),
      cpuSec: serverCpu === null ? null : round6(serverCpu),
      maxRssBytes: rss.some((value) => value === null) ? null : level(rss as number[]),
    },
    cpu: { userSec, systemSec, perHundredKRequestsSec: completed > 0 ? round6(((userSec + systemSec) / completed) * 100_000) : null },
  };
  const tls = mergeTls(reports);
  if (tls !== null) {
    figures.tlsMs = tls.summary;
    figures.histograms.tlsUs = tls.encoded;
    figures.handshakes.tls = tls.counts;
  }
  const { handshakes: wireHandshakes, ...wire } = mergeWire(reports);
  if (wire.wire !== undefined) {
    figures.wire = wire.wire;
    figures.teardowns = wire.teardowns!;
    figures.handshakes.wire = wireHandshakes!;
  }
  return figures;
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
  let offset = 0;
  const timeline = reports.flatMap((report) => {
    const points = report.timeline.map((point) => ({ ...point, second: point.second + offset }));
    offset += timelineOffsetSec(report.durationSec);
    return points;
  });
  // The first run gives identity, config, target and engine; its own optional sections are replaced below.
  const { wire: _wire, teardowns: _teardowns, tlsMs: _tlsMs, path: _path, ...identity } = first;
  const merged: RunReport = {
    ...identity,
    ...mergeMeasured(reports, false, durationSec),
    durationSec,
    interrupted: reports.some((report) => report.interrupted),
    // TIME_WAIT is a snapshot: the last run's is the state the runs left behind.
    timeWait: { ...last.timeWait },
    timeline,
    notes: [...new Set(reports.flatMap((report) => report.notes))],
    runs: reports.map(summarizeRun),
  };
  // --workers: each thread's figures summed over the runs (every run splits the load the same way).
  if (reports.every((report) => report.perWorker !== undefined)) merged.perWorker = sumPerWorker(reports.map((report) => report.perWorker!));
  // Runs over one path: its counters summed, the model checked against the merged latency and connect time.
  const paths = reports.map((report) => report.path);
  if (paths.every((path) => path !== undefined)) {
    merged.path = mergePathSections(paths as NonNullable<RunReport['path']>[], { mode: first.config.mode, latencyMs: merged.latencyMs, connectMs: merged.connectMs });
  }
  return merged;
}

/** Per-worker figures of repeated runs, index by index: shares from the first run, counts and CPU summed. */
function sumPerWorker(all: ReadonlyArray<readonly WorkerShare[]>): WorkerShare[] {
  return all[0]!.map((share, index) => {
    const same = all.map((list) => list[index]).filter((item): item is WorkerShare => item !== undefined);
    return {
      ...share,
      completed: same.reduce((total, item) => total + item.completed, 0),
      errors: same.reduce((total, item) => total + item.errors, 0),
      cpu: {
        userSec: round6(same.reduce((total, item) => total + item.cpu.userSec, 0)),
        systemSec: round6(same.reduce((total, item) => total + item.cpu.systemSec, 0)),
      },
    };
  });
}
