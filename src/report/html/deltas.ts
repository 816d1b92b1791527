// The comparison's deltas: a diverging SVG bar per metric (green better, red worse, grey not significant) and a table.

import type { CaseComparison, Comparison, MetricComparison } from '../compare.js';
import { niceStep } from './bars.js';
import { formatChange, formatPercent, formatValue, repeatCommand } from '../formats/units.js';
import { escapeHtml } from './escape.js';

const WIDTH = 960;
const LABEL_W = 150;
const TEXT_W = 250;
const ROW_H = 22;
const BAR_H = 14;
const CASE_H = 26;
const PLOT_W = WIDTH - LABEL_W - TEXT_W;
const COLORS = { better: '#1e8e3e', worse: '#d93025', same: '#9aa0a6' } as const;

const r1 = (value: number): string => (Math.round(value * 10) / 10).toString();
const signed = (pct: number): string => (pct === 0 ? '0%' : formatPercent(pct, Math.abs(pct) >= 10 ? 0 : 1));
const pText = (p: number): string => (p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`);

/** What a row says: the change when significant, `~` and the raw change when not (as every compare format). */
export function deltaText(metric: MetricComparison): string {
  if (metric.deltaPct === null) return `n/a (base is 0) · ${pText(metric.p)}`;
  if (!metric.significant) return `${formatChange(metric)} ${pText(metric.p)}${metric.tooFewRuns ? ', too few runs' : ''}`;
  return `${formatPercent(metric.deltaPct, 1)} ${metric.verdict} (${pText(metric.p)})`;
}

/**
 * Diverging bars of the % change per metric, one block per compared case. The scale is
 * symmetric and clipped at ±200% so one huge change (1.0 → 1.1 handshakes: −100%) does not
 * flatten the rest; clipped bars end in an arrow.
 */
export function renderDeltaChart(comparison: Comparison): string {
  const deltas = comparison.cases.flatMap((item) => item.metrics.map((m) => Math.abs(m.deltaPct ?? 0)));
  const largest = Math.min(200, Math.max(5, ...deltas.filter(Number.isFinite)));
  const step = niceStep(largest, 2);
  const limit = Math.ceil(largest / step) * step;
  const zeroX = LABEL_W + PLOT_W / 2;
  const scale = (pct: number): number => (Math.max(-limit, Math.min(limit, pct)) / limit) * (PLOT_W / 2);
  const parts: string[] = [];
  let y = 4;
  for (const item of comparison.cases) {
    parts.push(`<text class="group-label" x="4" y="${r1(y + 17)}">${escapeHtml(item.id)}</text>`);
    y += CASE_H;
    for (const metric of item.metrics) {
      const mid = y + ROW_H / 2;
      parts.push(`<text class="bar-label" x="${LABEL_W - 8}" y="${r1(mid + 4)}" text-anchor="end">${escapeHtml(metric.label)}</text>`);
      const pct = metric.deltaPct ?? 0;
      const w = scale(pct);
      const color = COLORS[metric.significant ? metric.verdict : 'same'];
      if (Math.abs(w) >= 0.5) {
        const x0 = w >= 0 ? zeroX : zeroX + w;
        const clipped = Math.abs(pct) > limit;
        parts.push(
          `<path class="bar delta-${metric.significant ? metric.verdict : 'none'}" d="M${r1(x0)} ${r1(mid - BAR_H / 2)}h${r1(Math.abs(w))}v${BAR_H}h${r1(-Math.abs(w))}Z" fill="${color}" fill-opacity="${metric.significant ? 1 : 0.55}"><title>${escapeHtml(`${item.id} · ${metric.label}: ${deltaText(metric)}`)}</title></path>`,
        );
        if (clipped) {
          const tip = zeroX + w + (w > 0 ? 8 : -8);
          parts.push(`<path class="bar" d="M${r1(zeroX + w)} ${r1(mid - BAR_H / 2)}L${r1(tip)} ${r1(mid)}L${r1(zeroX + w)} ${r1(mid + BAR_H / 2)}Z" fill="${color}"/>`);
        }
      }
      parts.push(`<text class="bar-text" x="${LABEL_W + PLOT_W + 12}" y="${r1(mid + 4)}">${escapeHtml(deltaText(metric))}</text>`);
      y += ROW_H;
    }
    y += 6;
  }
  const bottom = y;
  const grid: string[] = [];
  for (let tick = -limit; tick <= limit + step / 2; tick += step) {
    const x = r1(zeroX + scale(tick));
    grid.push(`<path class="${tick === 0 ? 'axis' : 'grid'}" d="M${x} 4V${r1(bottom)}"/>`);
    grid.push(`<text class="tick" x="${x}" y="${r1(bottom + 16)}" text-anchor="middle">${escapeHtml(tick === 0 ? '0' : signed(tick))}</text>`);
  }
  grid.push(`<text class="tick" x="${r1(zeroX)}" y="${r1(bottom + 34)}" text-anchor="middle">change of the median, CURRENT vs BASE</text>`);
  return [
    '<figure class="chart bar-chart" id="chart-deltas">',
    `<figcaption><strong>Changes and their significance</strong> <span>Mann-Whitney U at α = ${escapeHtml(comparison.alpha)}: green = significantly better, red = significantly worse, grey = not significant (~).</span></figcaption>`,
    `<svg viewBox="0 0 ${WIDTH} ${Math.ceil(bottom + 44)}" width="100%" role="img" aria-label="Changes and their significance" xmlns="http://www.w3.org/2000/svg">`,
    ...grid,
    ...parts,
    '</svg></figure>',
  ].join('\n');
}

function sideText(side: MetricComparison['base'], unit: string): string {
  const ci = side.lo !== null && side.hi !== null ? ` [${formatValue(side.lo, unit)}, ${formatValue(side.hi, unit)}]` : '';
  return `${formatValue(side.median, unit)}${ci} (n=${side.n})`;
}

function caseTable(item: CaseComparison): string {
  const rows = item.metrics
    .map((metric) => {
      const cls = metric.significant ? `delta-${metric.verdict}` : 'delta-none';
      return `<tr><th scope="row">${escapeHtml(metric.label)}</th><td>${escapeHtml(sideText(metric.base, metric.unit))}</td><td>${escapeHtml(sideText(metric.current, metric.unit))}</td><td class="${cls}">${escapeHtml(metric.deltaPct === null ? 'n/a' : formatChange(metric))}</td><td>${escapeHtml(pText(metric.p))}</td></tr>`;
    })
    .join('');
  return `<h3>${escapeHtml(item.id)}</h3><table class="numbers"><thead><tr><th>metric</th><th>BASE median [95% CI]</th><th>CURRENT median [95% CI]</th><th>change</th><th>U test</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The statistics table, one block per case: medians with CIs, the change, the p-value. */
export function renderDeltaTables(comparison: Comparison): string {
  return `<section class="deltas"><h2>Comparison</h2><div class="scroll">${comparison.cases.map(caseTable).join('')}</div></section>`;
}

/** Caveats of the comparison itself (too few runs, cases on one side only), plus compare.ts's own warnings. */
export function comparisonWarnings(comparison: Comparison): string[] {
  const warnings = [...comparison.warnings];
  const tooFew = comparison.cases.some((item) => item.metrics.some((metric) => metric.tooFewRuns));
  if (tooFew) {
    warnings.push(
      `Too few runs to ever reach significance at α = ${comparison.alpha}: every change below is shown as ~ with the raw change beside it; ` +
        `record ${comparison.minRunsForSignificance} or more runs on both sides (${repeatCommand(comparison.kind, comparison.minRunsForSignificance)}).`,
    );
  }
  if (comparison.onlyInBase.length > 0) warnings.push(`Cases only in BASE (not compared): ${comparison.onlyInBase.join(', ')}.`);
  if (comparison.onlyInCurrent.length > 0) warnings.push(`Cases only in CURRENT (not compared): ${comparison.onlyInCurrent.join(', ')}.`);
  return warnings;
}
