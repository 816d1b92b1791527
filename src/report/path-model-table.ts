// The suite summary's table of cases measured across emulated paths beside the model's predictions (pure: returns lines).

import Table from 'cli-table3';
import { fixed, formatMs, rateNumber } from './formats/units.js';
import type { MeasuredPoint, SuiteModel } from './schema.js';

const MODE_ORDER = ['1.0', '1.1', 'pipeline'];

const signedPct = (value: number | null): string => (value === null ? 'n/a' : `${value >= 0 ? '+' : '−'}${fixed(Math.abs(value), 1)} %`);
const signedMs = (value: number): string => `${value >= 0 ? '+' : '−'}${formatMs(Math.abs(value))}`;

/** Points ordered by RTT, then connections, then mode (1.0, 1.1, pipeline): one block per RTT reads top to bottom. */
function ordered(points: readonly MeasuredPoint[]): MeasuredPoint[] {
  return [...points].sort((a, b) => a.rttMs - b.rttMs || a.connections - b.connections || MODE_ORDER.indexOf(a.mode) - MODE_ORDER.indexOf(b.mode));
}

/**
 * Lines for the suite summary when it measured cases across paths: per RTT and mode, measured req/s and p50 beside
 * the model's prediction (from the loopback case) and the difference. Empty without measured points.
 */
export function renderMeasuredVsModel(model: SuiteModel): string[] {
  const points = model.measured ?? [];
  if (points.length === 0) return [];
  const table = new Table({
    head: ['case', 'path RTT p50', 'req/s', 'model req/s', 'Δ', 'p50', 'model p50', 'Δ', 'connect p50'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const point of ordered(points)) {
    table.push([
      point.id,
      formatMs(point.pathRttP50Ms),
      rateNumber(point.measured.requestsPerSec),
      point.model ? rateNumber(point.model.requestsPerSec) : 'n/a',
      point.diff ? signedPct(point.diff.requestsPerSecPct) : 'n/a',
      formatMs(point.measured.p50Ms),
      point.model ? formatMs(point.model.p50Ms) : 'n/a',
      point.diff ? `${signedMs(point.diff.p50Ms)} (${signedPct(point.diff.p50Pct)})` : 'n/a',
      formatMs(point.measured.connectP50Ms),
    ]);
  }
  const impls = [...new Set(points.map((point) => point.impl))].join(', ');
  return [
    '',
    `Measured across emulated network paths (${impls}) beside the model's prediction for the same RTT:`,
    table.toString(),
    'model = the loopback case of the same mode and connections plus its round trips at the configured RTT; Δ = measured − model. ' +
      'Each run report’s path section says where and why they part (delayed ACKs, slow start, retransmits, the path’s own ~0.4 ms).',
  ];
}
