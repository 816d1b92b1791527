// Chart specifications built from run reports: uPlot line charts (as JSON for the page) and SVG bar charts.

import type { RunReport } from '../schema.js';
import type { BarChart } from './bars.js';
import { alignCurves, percentileCurve, percentileLabel } from './percentiles.js';

/** A run as the page shows it: a unique display name and a colour used by every chart. */
export interface NamedRun {
  readonly name: string;
  readonly color: string;
  readonly report: RunReport;
}

export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly values: ReadonlyArray<number | null>;
  /** Canvas dash pattern, e.g. [6, 4]; absent = solid. */
  readonly dash?: readonly number[];
}

/** What the in-page script needs to draw one uPlot chart; serialised into the page as JSON. */
export interface LineChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Unit appended to values in the legend. */
  readonly unit: string;
  /** true: log10 x axis (the 1/(1-p) percentile axis). */
  readonly xLog: boolean;
  /** true: log10 y axis (ratios matter more than differences). */
  readonly yLog?: boolean;
  /** Legend name of the x value under the cursor, e.g. "percentile". */
  readonly xLegend: string;
  /** Fixed x ticks (positions and labels), or null for uPlot's own. */
  readonly xTicks: ReadonlyArray<{ readonly at: number; readonly label: string }> | null;
  readonly x: readonly number[];
  /** Legend text for each x (e.g. "p99.9", "12 s"), parallel to `x`. */
  readonly xNames: readonly string[];
  readonly series: readonly LineSeries[];
}

/** Tableau 10: ten colours that stay distinct on screen and in print. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export const colorFor = (index: number): string => PALETTE[index % PALETTE.length]!;

const fmt = (value: number, digits = 3): string => (Number.isFinite(value) ? String(Number(value.toPrecision(digits))) : '–');

/**
 * Latency by percentile, one curve per run, on the HdrHistogram 1/(1-p) axis. Open-loop runs
 * add their uncorrected latency (from the actual send) as a dashed curve in the same colour:
 * the gap between the two is the coordinated omission a closed-loop tool would have hidden.
 */
export function latencyPercentileChart(runs: readonly NamedRun[]): LineChart {
  const entries = runs.flatMap((run) => {
    const main = { run, label: run.name, dash: undefined as number[] | undefined, curve: percentileCurve(run.report.histograms.latencyUs, `${run.name}: histograms.latencyUs`) };
    const raw = run.report.histograms.uncorrectedLatencyUs;
    if (!raw) return [main];
    const curve = percentileCurve(raw, `${run.name}: histograms.uncorrectedLatencyUs`);
    return [main, { run, label: `${run.name} (uncorrected)`, dash: [6, 4], curve }];
  });
  const { x, ys } = alignCurves(entries.map((entry) => entry.curve));
  const end = x.length > 0 ? x[x.length - 1]! : 1;
  const ticks: Array<{ at: number; label: string }> = [];
  for (const at of [1, 2, 10, 100, 1e3, 1e4, 1e5, 1e6]) if (at <= Math.max(end, 10)) ticks.push({ at, label: percentileLabel(at) });
  return {
    id: 'chart-latency-percentiles',
    title: 'Latency by percentile',
    caption: "HdrHistogram percentile plot: each line ends at its run's maximum (p = 1 − 1/count). Lower is better.",
    xLabel: 'percentile (log 1/(1−p))',
    xLegend: 'percentile',
    yLabel: 'latency (ms)',
    unit: 'ms',
    xLog: true,
    xTicks: ticks,
    x,
    xNames: x.map((value) => `p${percentileLabel(value).replace('%', '')}`),
    series: entries.map((entry, index) => ({
      label: entry.label,
      color: entry.run.color,
      values: ys[index] ?? [],
      ...(entry.dash ? { dash: entry.dash } : {}),
    })),
  };
}

/** A final bucket shorter than this is left out: a handful of requests in a few ms is not a rate. */
const MIN_PARTIAL_SECOND = 0.25;

/**
 * Per-second timeline charts: requests/s and p99, runs aligned on seconds since the measured
 * phase began. The last bucket is usually partial (the run ends mid-second): its count is
 * scaled by the part of the second that was measured, or left out when that part is tiny.
 */
export function timelineCharts(runs: readonly NamedRun[]): { rps: LineChart; p99: LineChart } {
  type Point = RunReport['timeline'][number];
  const covered = (run: NamedRun, point: Point): number => Math.min(1, run.report.durationSec - point.second);
  const usable = (run: NamedRun): Point[] => run.report.timeline.filter((point) => covered(run, point) >= MIN_PARTIAL_SECOND);
  const seconds = [...new Set(runs.flatMap((run) => usable(run).map((point) => point.second)))].sort((a, b) => a - b);
  const column = (pick: (point: Point, run: NamedRun) => number | null): LineSeries[] =>
    runs.map((run) => {
      const bySecond = new Map(usable(run).map((point) => [point.second, pick(point, run)]));
      return { label: run.name, color: run.color, values: seconds.map((second) => bySecond.get(second) ?? null) };
    });
  const base = { xLabel: 'seconds since the measured phase began', xLegend: 'second', xLog: false, xTicks: null, x: seconds, xNames: seconds.map((s) => `${s}–${s + 1} s`) };
  return {
    rps: {
      ...base,
      id: 'chart-timeline-rps',
      title: 'Requests per second',
      caption: 'Completed requests in each second of the measured phase (warm-up excluded); a final partial second is scaled to a rate.',
      yLabel: 'requests/s',
      unit: 'req/s',
      series: column((point, run) => Math.round(point.requests / covered(run, point))),
    },
    p99: {
      ...base,
      id: 'chart-timeline-p99',
      title: 'p99 latency per second',
      caption: 'The 99th percentile of requests completed in each second: stalls and reconnect storms show as spikes.',
      yLabel: 'p99 (ms)',
      unit: 'ms',
      // A second with no completed request has no percentile (the report stores 0): leave a gap.
      series: column((point) => (point.requests > 0 ? point.p99Ms : null)),
    },
  };
}

/** Connect time vs time to first byte vs total latency: p50 bars with a p99 whisker, per run. */
export function phaseBarChart(runs: readonly NamedRun[]): BarChart {
  const bar = (label: string, summary: { p50: number; p99: number }, note = '') => ({
    label,
    value: summary.p50,
    whisker: summary.p99,
    text: `p50 ${fmt(summary.p50)} · p99 ${fmt(summary.p99)} ms${note}`,
  });
  return {
    id: 'chart-phases',
    title: 'Connect vs time to first byte vs total',
    caption: 'Bar = p50, whisker = p99. Connect time counts only requests that opened a connection.',
    unit: 'ms',
    groups: runs.map((run) => {
      const opened = run.report.connections.opened;
      return {
        label: run.name,
        color: run.color,
        bars: [
          bar('connect', run.report.connectMs, ` (${opened} opened)`),
          bar('first byte', run.report.ttfbMs),
          bar('total', run.report.latencyMs),
        ],
      };
    }),
  };
}

/**
 * TCP handshakes per completed request, per run and per view: the client's own count, the
 * embedded server's, and the kernel's ActiveOpens (1 for HTTP/1.0; keep-alive amortises them).
 */
export function handshakeBarChart(runs: readonly NamedRun[]): BarChart {
  const perRequest = (count: number, completed: number) => ({
    value: completed > 0 ? count / completed : 0,
    text: `${completed > 0 ? fmt(count / completed, 4) : '–'} (${count.toLocaleString('en-US')})`,
  });
  return {
    id: 'chart-handshakes',
    title: 'Handshakes per request',
    caption: 'Connections opened per completed request, counted by the client, the server and the kernel (ActiveOpens; host-wide unless namespaced). Count in brackets.',
    unit: 'handshakes per completed request',
    groups: runs.map((run) => {
      const { handshakes, requests } = run.report;
      const bars = [];
      if (handshakes.client !== null) bars.push({ label: 'client', ...perRequest(handshakes.client, requests.completed) });
      if (handshakes.server !== null) bars.push({ label: 'server', ...perRequest(handshakes.server, requests.completed) });
      if (handshakes.kernel) bars.push({ label: `kernel (${handshakes.kernel.scope})`, ...perRequest(handshakes.kernel.activeOpens, requests.completed) });
      if (handshakes.wire !== undefined) bars.push({ label: 'wire', ...perRequest(handshakes.wire, requests.completed) });
      if (bars.length === 0) bars.push({ label: 'per request', value: handshakes.perRequest, text: fmt(handshakes.perRequest, 4) });
      return { label: run.name, color: run.color, bars };
    }),
  };
}

/** Sockets left in TIME_WAIT at the end of each run, split by the side that closed first. */
export function timeWaitBarChart(runs: readonly NamedRun[]): BarChart {
  return {
    id: 'chart-time-wait',
    title: 'TIME_WAIT sockets per side',
    caption: 'Sockets in TIME_WAIT for the target port when the run ended: the side that closes first keeps them.',
    unit: 'sockets',
    groups: runs.map((run) => ({
      label: run.name,
      color: run.color,
      bars: [
        { label: 'server side', value: run.report.timeWait.serverSide, text: String(run.report.timeWait.serverSide) },
        { label: 'client side', value: run.report.timeWait.clientSide, text: String(run.report.timeWait.clientSide) },
      ],
    })),
  };
}
