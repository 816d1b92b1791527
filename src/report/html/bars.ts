// Horizontal grouped bar charts drawn as inline SVG at render time (no script needed to read them).

import { decimal } from '../formats/units.js';
import { escapeHtml } from './escape.js';

export interface Bar {
  /** Sub-label inside a group, e.g. "server side" or "p50 connect". */
  readonly label: string;
  readonly value: number;
  /** Optional upper whisker (e.g. p99 when the bar is p50). */
  readonly whisker?: number | null;
  /** Text printed after the bar, already formatted (e.g. "0.21 ms · p99 0.80 ms"). */
  readonly text: string;
}

export interface BarGroup {
  /** The run this group belongs to: named in the chart so the reader needs no legend. */
  readonly label: string;
  readonly color: string;
  readonly bars: readonly Bar[];
}

export interface BarChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly unit: string;
  readonly groups: readonly BarGroup[];
  /** Sentences printed under the chart (why a count differs from the one it mirrors). */
  readonly notes?: readonly string[];
}

const WIDTH = 960;
const GROUP_LABEL_W = 190;
const BAR_LABEL_W = 110;
const TEXT_W = 230;
const ROW_H = 22;
const BAR_H = 15;
const GROUP_GAP = 12;
const TOP = 8;
const AXIS_H = 42;
const PLOT_X = GROUP_LABEL_W + BAR_LABEL_W;
const PLOT_W = WIDTH - PLOT_X - TEXT_W;
/** Bars of one group share the run's colour; these opacities tell them apart. */
const SHADES = [1, 0.62, 0.38, 0.24];

/** A round step so that about `count` ticks cover [0, max]. */
export function niceStep(max: number, count: number): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  // toPrecision drops binary noise (2 × 1e-4 = 0.00019999…) so tick labels print cleanly.
  return Number((nice * magnitude).toPrecision(12));
}

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const fmtTick = decimal;
const r1 = (value: number): string => (Math.round(value * 10) / 10).toString();

/** Render a bar chart as a `<figure>` holding an SVG; all report text is escaped. */
export function renderBarChart(chart: BarChart): string {
  const values = chart.groups.flatMap((group) => group.bars.flatMap((bar) => [bar.value, bar.whisker ?? 0]));
  const finite = values.filter((value) => Number.isFinite(value));
  const step = niceStep(Math.max(0, ...finite), 4);
  const top = Math.max(step, Math.ceil(Math.max(0, ...finite) / step) * step);
  const scale = (value: number): number => (Number.isFinite(value) && value > 0 ? (Math.min(value, top) / top) * PLOT_W : 0);

  const parts: string[] = [];
  const grid: string[] = [];
  let y = TOP;
  for (const group of chart.groups) {
    const groupH = Math.max(1, group.bars.length) * ROW_H;
    parts.push(
      `<text class="group-label" x="4" y="${r1(y + groupH / 2 + 4)}"><title>${escapeHtml(group.label)}</title>${escapeHtml(truncate(group.label, 26))}</text>`,
    );
    group.bars.forEach((bar, index) => {
      const rowY = y + index * ROW_H;
      const barY = rowY + (ROW_H - BAR_H) / 2;
      const w = scale(bar.value);
      const shade = SHADES[Math.min(index, SHADES.length - 1)]!;
      parts.push(`<text class="bar-label" x="${PLOT_X - 8}" y="${r1(rowY + ROW_H / 2 + 4)}" text-anchor="end">${escapeHtml(bar.label)}</text>`);
      if (w > 0) {
        parts.push(
          `<path class="bar" d="M${PLOT_X} ${r1(barY)}h${r1(w)}v${BAR_H}h${r1(-w)}Z" fill="${escapeHtml(group.color)}" fill-opacity="${shade}"><title>${escapeHtml(`${group.label} · ${bar.label}: ${bar.text}`)}</title></path>`,
        );
      }
      let textX = PLOT_X + w;
      if (bar.whisker !== undefined && bar.whisker !== null && bar.whisker > bar.value) {
        const wx = PLOT_X + scale(bar.whisker);
        const mid = r1(barY + BAR_H / 2);
        parts.push(`<path class="whisker" d="M${r1(PLOT_X + w)} ${mid}H${r1(wx)}M${r1(wx)} ${r1(barY + 3)}V${r1(barY + BAR_H - 3)}"/>`);
        textX = wx;
      }
      parts.push(`<text class="bar-text" x="${r1(textX + 6)}" y="${r1(rowY + ROW_H / 2 + 4)}">${escapeHtml(bar.text)}</text>`);
    });
    y += groupH + GROUP_GAP;
  }
  const plotBottom = y - GROUP_GAP + 4;
  // Axis: gridlines at round values so bar lengths can be read off, plus the zero line.
  for (let index = 0; index * step <= top + step / 2; index++) {
    const tick = Number((index * step).toPrecision(12));
    const x = r1(PLOT_X + (tick / top) * PLOT_W);
    grid.push(`<path class="${tick === 0 ? 'axis' : 'grid'}" d="M${x} ${TOP - 4}V${r1(plotBottom)}"/>`);
    grid.push(`<text class="tick" x="${x}" y="${r1(plotBottom + 16)}" text-anchor="middle">${escapeHtml(fmtTick(tick))}</text>`);
  }
  grid.push(`<text class="tick unit" x="${PLOT_X + PLOT_W / 2}" y="${r1(plotBottom + 34)}" text-anchor="middle">${escapeHtml(chart.unit)}</text>`);
  const height = Math.ceil(plotBottom + AXIS_H);
  return [
    `<figure class="chart bar-chart" id="${escapeHtml(chart.id)}">`,
    `<figcaption><strong>${escapeHtml(chart.title)}</strong> <span>${escapeHtml(chart.caption)}</span></figcaption>`,
    `<svg viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeHtml(chart.title)}" xmlns="http://www.w3.org/2000/svg">`,
    ...grid,
    ...parts,
    '</svg>',
    ...(chart.notes && chart.notes.length > 0 ? [`<ul class="chart-notes">${chart.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`] : []),
    '</figure>',
  ].join('\n');
}
