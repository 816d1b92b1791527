// Terminal rendering of a comparison: one benchstat-style table per case, then plain-language notes.

import Table from 'cli-table3';
import type { Comparison, ReportRef } from '../compare.js';
import { describeViolation, type Violation } from '../fail-on.js';
import { comparisonNotes, formatChange, formatP, formatSide } from './units.js';

// Borderless columns two spaces apart, like benchstat; no colours so output pipes cleanly.
const PLAIN = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
  'bottom-right': '', left: '  ', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

export function describeRef(ref: ReportRef): string {
  const label = ref.label ? ` "${ref.label}"` : '';
  return `${ref.kind}${label} of ${ref.startedAt} on ${ref.host}`;
}

/** Verdict word after a significant change, so direction is never left to the reader. */
export function verdictSuffix(verdict: 'better' | 'worse' | 'same', significant: boolean): string {
  return significant && verdict !== 'same' ? ` (${verdict})` : '';
}

export function renderText(comparison: Comparison, violations: readonly Violation[] = []): string {
  const lines: string[] = [
    `BASE:    ${describeRef(comparison.base)}`,
    `CURRENT: ${describeRef(comparison.current)}`,
    `median of runs ± ${Math.round(comparison.confidence * 100)}% CI; change shown when Mann-Whitney p < ${comparison.alpha}, else ~`,
  ];
  for (const item of comparison.cases) {
    const table = new Table({ chars: PLAIN, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
    table.push(['metric', 'BASE', 'CURRENT', 'change', 'p']);
    for (const metric of item.metrics) {
      table.push([
        metric.label,
        formatSide(metric.base, metric.unit),
        formatSide(metric.current, metric.unit),
        `${formatChange(metric)}${verdictSuffix(metric.verdict, metric.significant)}`,
        formatP(metric),
      ]);
    }
    lines.push('', item.id, table.toString());
  }
  const notes = comparisonNotes(comparison);
  if (notes.length > 0) lines.push('', ...notes.map((note) => `note: ${note}`));
  if (violations.length > 0) lines.push('', ...violations.map((violation) => `REGRESSION: ${describeViolation(violation)}`));
  return `${lines.join('\n')}\n`;
}
