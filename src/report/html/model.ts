// The suite page's RTT what-if chart: modelled req/s per case as the round-trip time grows (a model, labelled so).

import { modelOf } from '../render-suite.js';
import type { SuiteModel, SuiteReport } from '../schema.js';
import { DASH, formatRate } from '../formats/units.js';
import type { LineChart, LineSeries, NamedRun } from './charts.js';

/**
 * On loopback 1.0 and 1.1 look closer than on a real network; the suite's model (see
 * suite-model.ts) adds the round trips back. x = 0 is the measured loopback figure, the other
 * points are the model's predictions. Cases keep the colour their run has in the other charts.
 */
export function rttModelChart(suite: SuiteReport, runs: readonly NamedRun[]): LineChart | null {
  const model = modelOf(suite);
  if (model.cases.length === 0 || model.rttsMs.length === 0) return null;
  // Evenly spaced categories (loopback, 1, 10, 50, 100 ms): on a linear axis 0 and 1 ms would overlap.
  const rtts = [0, ...model.rttsMs];
  const x = rtts.map((_, index) => index);
  const colorOf = new Map(runs.map((run, index) => [suite.cases[index]?.id, run.color]));
  return {
    id: 'chart-rtt-model',
    title: 'What if the network had a real round-trip time? (model)',
    caption:
      `Measured req/s on loopback, then predicted for each round-trip time; log scale. ${model.note}` +
      (model.measured?.length ? ' Dotted: req/s measured across an emulated path at that RTT (bench suite --rtt), from the same loopback point.' : ''),
    xLabel: 'round-trip time',
    xLegend: 'RTT',
    yLabel: model.measured?.length ? 'requests/s (modelled; dotted: measured)' : 'requests/s (modelled)',
    yLog: true,
    unit: 'req/s',
    xLog: false,
    xTicks: rtts.map((rtt, index) => ({ at: index, label: rtt === 0 ? 'loopback' : `${rtt} ms` })),
    x,
    xNames: rtts.map((rtt) => (rtt === 0 ? 'loopback (measured)' : `${rtt} ms (model)`)),
    series: [...model.cases.map((item, index) => {
      const headline = model.headlines[index];
      const byRtt = new Map(item.predictions.map((p) => [p.rttMs, p.requestsPerSec]));
      // A log axis cannot show 0 (a case that completed nothing): leave a gap.
      const positive = (value: number | null | undefined): number | null => (value !== null && value !== undefined && value > 0 ? value : null);
      const values = rtts.map((rtt) => positive(rtt === 0 ? headline?.requestsPerSec : byRtt.get(rtt)));
      return {
        label: item.id,
        color: colorOf.get(item.id) ?? '#888888',
        values,
        texts: values.map((value) => (value === null ? DASH : formatRate(value))),
      };
    }), ...measuredSeries(model, rtts, colorOf)],
  };
}

/**
 * `bench suite --rtt`: the req/s measured across emulated paths, dotted beside each case's modelled line (from
 * the same loopback point), so the gap between model and measurement is visible per RTT.
 */
function measuredSeries(model: SuiteModel, rtts: readonly number[], colorOf: ReadonlyMap<string | undefined, string>): LineSeries[] {
  return model.cases.flatMap((item, index) => {
    const points = (model.measured ?? []).filter((point) => point.baseId === item.id);
    if (points.length === 0) return [];
    const byRtt = new Map(points.map((point) => [point.rttMs, point.measured.requestsPerSec]));
    const loopback = model.headlines[index]?.requestsPerSec ?? null;
    const positive = (value: number | null | undefined): number | null => (value !== null && value !== undefined && value > 0 ? value : null);
    const values = rtts.map((rtt) => positive(rtt === 0 ? loopback : byRtt.get(rtt)));
    return [{ label: `${item.id} measured`, color: colorOf.get(item.id) ?? '#888888', dash: [2, 4], values, texts: values.map((value) => (value === null ? DASH : formatRate(value))) }];
  });
}
