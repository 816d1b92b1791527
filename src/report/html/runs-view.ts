// The page body for one or several run reports: header sections, overlaid charts, per-run tables.

import type { RunReport } from '../schema.js';
import { renderBarChart } from './bars.js';
import {
  colorFor,
  handshakeBarChart,
  latencyPercentileChart,
  phaseBarChart,
  timelineCharts,
  timeWaitBarChart,
  type LineChart,
  type NamedRun,
} from './charts.js';
import { heartbeatSection } from './heartbeat.js';
import { lineChartFigure } from './page.js';
import { configSection, machineSection, notesSection, repeatsSection, summarySection, warningsSection } from './sections.js';

/** A report with the name the page shows for it (its label, or the file it came from). */
export interface NamedReport<T> {
  readonly name: string;
  readonly report: T;
}

/**
 * Give each run a unique display name (two files may share a label) and a stable colour: by position, or the colour
 * given (a comparison gives each case one pair, light for BASE and dark for CURRENT).
 */
export function nameRuns(reports: ReadonlyArray<NamedReport<RunReport> & { readonly color?: string }>): NamedRun[] {
  const seen = new Map<string, number>();
  return reports.map(({ name, report, color }, index) => {
    const base = name.trim() === '' ? `run ${index + 1}` : name.trim();
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { name: count > 1 ? `${base} (${count})` : base, color: color ?? colorFor(index), report };
  });
}

export interface RunsBody {
  /** The warning block ('' when there is nothing to warn about): page-level warnings first. */
  readonly warnings: string;
  /** Configuration, summary, charts and notes, in page order. */
  readonly sections: string[];
  readonly lineCharts: LineChart[];
}

export interface RunsBodyOptions {
  /** Page-level warnings (plain text), listed before the runs' own. */
  readonly pageWarnings?: readonly string[];
  /** Extra sections (escaped HTML) placed right after the summary table. */
  readonly afterSummary?: readonly string[];
}

/** Sections and chart specs for a set of runs; shared by the runs, suite and comparison pages. */
export function runsBody(runs: readonly NamedRun[], options: RunsBodyOptions = {}): RunsBody {
  const percentile = latencyPercentileChart(runs);
  const { rps, p99, errors } = timelineCharts(runs);
  const lineCharts = errors === null ? [percentile, rps, p99] : [percentile, rps, p99, errors];
  const sections = [
    // Side by side for one run; stacked for several, where the configuration table is wide.
    runs.length === 1 ? `<div class="grid2">${configSection(runs)}${machineSection(runs)}</div>` : configSection(runs) + machineSection(runs),
    summarySection(runs),
    ...(options.afterSummary ?? []),
    '<h2>Latency</h2>',
    lineChartFigure(percentile),
    renderBarChart(phaseBarChart(runs)),
    '<h2>Over time</h2>',
    `<div class="grid2">${lineChartFigure(rps)}${lineChartFigure(p99)}</div>`,
    errors === null ? '' : lineChartFigure(errors),
    '<h2>Connections</h2>',
    renderBarChart(handshakeBarChart(runs)),
    renderBarChart(timeWaitBarChart(runs)),
    heartbeatSection(runs),
    repeatsSection(runs),
    notesSection(runs),
  ].filter((section) => section !== '');
  return { warnings: warningsSection(runs, options.pageWarnings), sections, lineCharts };
}
