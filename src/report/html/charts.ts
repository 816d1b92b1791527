// Chart specifications built from run reports: uPlot line charts (as JSON for the page) and SVG bar charts.

import { kernelCountExplanation, timeWaitExplanation, TIME_WAIT_NOTE } from '../explain.js';
import { count, DASH, formatMs, formatPerRequest, formatRate } from '../formats/units.js';
import type { RunReport } from '../schema.js';
import type { BarChart } from './bars.js';
import { alignCurves, percentileCurve, percentileLabel } from './percentiles.js';
import { slotLabel, timelineSlots, type TimelineSlot } from './timeline.js';

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
  /** Each value as the legend shows it, formatted by report/formats/units (parallel to `values`). */
  readonly texts?: readonly string[];
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

/** ColorBrewer "Paired" (its pale yellow pair replaced by greys): a light and a dark shade of one hue per case. */
export const PAIRED: ReadonlyArray<readonly [string, string]> = [
  ['#a6cee3', '#1f78b4'],
  ['#b2df8a', '#33a02c'],
  ['#fb9a99', '#e31a1c'],
  ['#fdbf6f', '#ff7f00'],
  ['#cab2d6', '#6a3d9a'],
  ['#bdbdbd', '#636363'],
];

/** The colour of case `index` on side `shade` (0: BASE, light; 1: CURRENT, dark). */
export const pairedColor = (index: number, shade: 0 | 1): string => PAIRED[index % PAIRED.length]![shade];


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
    series: entries.map((entry, index) => {
      const values = ys[index] ?? [];
      return {
        label: entry.label,
        color: entry.run.color,
        values,
        texts: values.map((value) => (value === null ? DASH : formatMs(value))),
        ...(entry.dash ? { dash: entry.dash } : {}),
      };
    }),
  };
}

/**
 * Per-second charts: requests/s, p99 and (when any run failed requests) errors/s. Each run is on its own clock
 * (html/timeline.ts): a merged report's runs are cut apart and placed one after another, and a run's partial last
 * second is folded into the second before it, so no few-millisecond tail is drawn as a drop to zero.
 */
export function timelineCharts(runs: readonly NamedRun[]): { rps: LineChart; p99: LineChart; errors: LineChart | null } {
  const slotsOf = runs.map((run) => timelineSlots(run.report));
  const width = Math.max(0, ...slotsOf.map((slots) => slots.length));
  const x = Array.from({ length: width }, (_, index) => index);
  // The x legend names the longest report's seconds ("run 2, 0–1 s" for merged runs).
  const longest = slotsOf.find((slots) => slots.length === width) ?? [];
  const runCount = (index: number): number => runDurationsCount(runs[index]!.report);
  const longestIndex = slotsOf.indexOf(longest);
  const names = x.map((i) => (longest[i] ? slotLabel(longest[i]!, longestIndex < 0 ? 1 : runCount(longestIndex)) : `${i}–${i + 1} s`));
  const merged = runs.some((run) => runDurationsCount(run.report) > 1);
  const column = (pick: (slot: TimelineSlot) => number | null, text: (value: number) => string): LineSeries[] =>
    runs.map((run, index) => {
      const slots = slotsOf[index]!;
      const values = x.map((i) => (slots[i] ? pick(slots[i]!) : null));
      return { label: run.name, color: run.color, values, texts: values.map((value) => (value === null ? DASH : text(value))) };
    });
  const base = {
    xLabel: merged ? 'seconds of measured time (repeated runs one after another)' : 'seconds since the measured phase began',
    xLegend: 'second',
    xLog: false,
    xTicks: null,
    x,
    xNames: names,
  };
  const clock = merged ? ' Repeated runs are drawn one after another, each on its own clock (warm-ups and other cases between them are not shown).' : '';
  const anyErrors = runs.some((run) => run.report.requests.errors > 0);
  return {
    rps: {
      ...base,
      id: 'chart-timeline-rps',
      title: 'Requests per second',
      caption: `Completed requests in each second of the measured phase (warm-up excluded); a run's final partial second is counted with the second before it.${clock}`,
      yLabel: 'requests/s',
      unit: 'req/s',
      series: column((slot) => slot.requests / slot.spanSec, (value) => formatRate(value)),
    },
    p99: {
      ...base,
      id: 'chart-timeline-p99',
      title: 'p99 latency per second',
      caption: `The 99th percentile of requests completed in each second: stalls and reconnect storms show as spikes; a second without a completed request has none.${clock}`,
      yLabel: 'p99 (ms)',
      unit: 'ms',
      series: column((slot) => slot.p99Ms, formatMs),
    },
    errors: anyErrors
      ? {
          ...base,
          id: 'chart-timeline-errors',
          title: 'Errors per second',
          caption: `Failed requests (refused, reset, timed out, unparseable) in each second; non-2xx answers are responses, not errors.${clock}`,
          yLabel: 'errors/s',
          unit: 'errors/s',
          series: column((slot) => slot.errors / slot.spanSec, (value) => formatRate(value, 'errors/s')),
        }
      : null,
  };
}

function runDurationsCount(report: RunReport): number {
  return report.runs && report.runs.length > 1 ? report.runs.length : 1;
}

/**
 * Connect time vs time to first byte vs total latency: p50 bars with a p99 whisker, per run. First byte is timed from
 * the actual send; in open loop the total is timed from the intended send (the coordinated-omission correction), so
 * those runs show the total on both clocks and first byte is compared with the total from the actual send.
 */
export function phaseBarChart(runs: readonly NamedRun[]): BarChart {
  const bar = (label: string, summary: { p50: number; p99: number }, empty: boolean, note = '') => ({
    label,
    value: empty ? 0 : summary.p50,
    whisker: empty ? null : summary.p99,
    text: empty ? `${DASH}${note}` : `p50 ${formatMs(summary.p50)} · p99 ${formatMs(summary.p99)}${note}`,
  });
  const openLoop = runs.some((run) => run.report.uncorrectedLatencyMs !== null);
  return {
    id: 'chart-phases',
    title: 'Connect vs time to first byte vs total',
    caption:
      'Bar = p50, whisker = p99. Connect time counts only requests that opened a connection; first byte and total are timed from the actual send.' +
      (openLoop ? ' Open-loop runs add the total from the intended send time (corrected for coordinated omission), a different clock.' : ''),
    unit: 'ms',
    groups: runs.map((run) => {
      const r = run.report;
      const opened = r.connections.opened;
      const none = r.requests.completed === 0;
      const bars = [bar('connect', r.connectMs, opened === 0, ` (${count(opened)} opened)`), bar('first byte', r.ttfbMs, none)];
      if (r.uncorrectedLatencyMs !== null) {
        bars.push(bar('total (from send)', r.uncorrectedLatencyMs, none), bar('total (from intended)', r.latencyMs, none));
      } else {
        bars.push(bar('total', r.latencyMs, none));
      }
      return { label: run.name, color: run.color, bars };
    }),
  };
}

/**
 * TCP handshakes per completed request, per run and per view: the client's own count, the
 * embedded server's, and the kernel's ActiveOpens (1 for HTTP/1.0; keep-alive amortises them).
 */
export function handshakeBarChart(runs: readonly NamedRun[]): BarChart {
  const perRequest = (handshakes: number, completed: number) => ({
    value: completed > 0 ? handshakes / completed : 0,
    text: `${completed > 0 ? formatPerRequest(handshakes / completed) : DASH} (${count(handshakes)})`,
  });
  return {
    id: 'chart-handshakes',
    title: 'Handshakes per request',
    caption:
      'Connections opened per completed request, counted by the client, the server and the kernel (ActiveOpens). Count in brackets. ' +
      'The kernel counts every connect() in its network namespace: in the host namespace other processes and h1bench’s own probe too, ' +
      'so it can differ from the client; bench run --netns makes it exact.',
    unit: 'handshakes per completed request',
    groups: runs.map((run) => {
      const { handshakes, requests } = run.report;
      const bars = [];
      if (handshakes.client !== null) bars.push({ label: 'client', ...perRequest(handshakes.client, requests.completed) });
      if (handshakes.server !== null) bars.push({ label: 'server', ...perRequest(handshakes.server, requests.completed) });
      if (handshakes.kernel) bars.push({ label: `kernel (${handshakes.kernel.scope})`, ...perRequest(handshakes.kernel.activeOpens, requests.completed) });
      if (handshakes.wire !== undefined) bars.push({ label: 'wire', ...perRequest(handshakes.wire, requests.completed) });
      if (bars.length === 0) bars.push({ label: 'per request', value: handshakes.perRequest, text: formatPerRequest(handshakes.perRequest) });
      return { label: run.name, color: run.color, bars };
    }),
    notes: explained(runs, kernelCountExplanation),
  };
}

/** Sockets left in TIME_WAIT at the end of each run, split by the side that closed first. */
export function timeWaitBarChart(runs: readonly NamedRun[]): BarChart {
  return {
    id: 'chart-time-wait',
    title: 'TIME_WAIT sockets per side',
    caption: `${TIME_WAIT_NOTE} So the count can be lower than the server-side closes.`,
    unit: 'sockets',
    groups: runs.map((run) => ({
      label: run.name,
      color: run.color,
      bars: [
        { label: 'server side', value: run.report.timeWait.serverSide, text: count(run.report.timeWait.serverSide) },
        { label: 'client side', value: run.report.timeWait.clientSide, text: count(run.report.timeWait.clientSide) },
      ],
    })),
    notes: explained(runs, timeWaitExplanation),
  };
}

/** Each run's explanation of a count that differs from its mirror, named by run when several are shown. */
function explained(runs: readonly NamedRun[], explain: (report: RunReport) => string | null): string[] {
  return runs.flatMap((run) => {
    const text = explain(run.report);
    return text === null ? [] : [runs.length > 1 ? `${run.name}: ${text}` : text];
  });
}
