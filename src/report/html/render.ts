// Public entry of the HTML renderer: report data in, one self-contained HTML document out (pure, no I/O).

import type { Comparison } from '../compare.js';
import { counted } from '../formats/units.js';
import type { AnyReport, RunReport, SuiteReport } from '../schema.js';
import { comparisonWarnings, renderDeltaChart, renderDeltaTables } from './deltas.js';
import { rttModelChart } from './model.js';
import { pairedColor } from './charts.js';
import { lineChartFigure, renderPage } from './page.js';
import { nameRuns, runsBody, type NamedReport } from './runs-view.js';

export type { NamedReport } from './runs-view.js';

/** One run, or several overlaid (every chart has one line or bar group per run, named in its legend). */
export function renderRunsHtml(reports: ReadonlyArray<NamedReport<RunReport>>): string {
  const runs = nameRuns(reports);
  const { warnings, sections, lineCharts } = runsBody(runs);
  const first = runs[0];
  const title = runs.length === 1 && first ? `h1bench run: ${first.name}` : `h1bench: ${runs.map((run) => run.name).join(' vs ')}`;
  const modes = [...new Set(runs.map((run) => run.report.config.mode))].join(', ');
  return renderPage({
    title: truncateTitle(title),
    subtitle: `${counted(runs.length, 'run report')} · mode ${modes}${first ? ` · started ${first.report.startedAt}` : ''}`,
    sections: [warnings, ...sections],
    lineCharts,
  });
}

/** A suite report: every case overlaid, named by its case id (e.g. `1.1-c50`). */
export function renderSuiteHtml(suite: NamedReport<SuiteReport>): string {
  const runs = nameRuns(suite.report.cases.map((item) => ({ name: item.id, report: item.report })));
  const pageWarnings: string[] = [];
  if (suite.report.interrupted) pageWarnings.push(`The suite was interrupted after ${suite.report.durationSec} s; some cases may be missing or short.`);
  if (runs.length === 0) pageWarnings.push('The suite has no cases.');
  const model = rttModelChart(suite.report, runs);
  // The model goes right after the summary: it answers "what would this cost on a real network?".
  const body = runsBody(runs, { pageWarnings, afterSummary: model ? [lineChartFigure(model)] : [] });
  const preset = suite.report.preset === null ? '' : ` · preset ${suite.report.preset}`;
  return renderPage({
    title: truncateTitle(`h1bench suite: ${suite.report.label ?? suite.name}`),
    subtitle: `${counted(runs.length, 'case')}${preset} · started ${suite.report.startedAt} · ${suite.report.durationSec} s`,
    sections: [body.warnings, ...body.sections],
    lineCharts: model ? [...body.lineCharts, model] : body.lineCharts,
  });
}

function truncateTitle(title: string): string {
  return title.length > 120 ? `${title.slice(0, 119)}…` : title;
}

/**
 * A comparison of two reports (run vs run, or suite vs suite): the deltas with their
 * significance from compare.ts, then both sides' charts overlaid.
 */
export function renderComparisonHtml(base: NamedReport<AnyReport>, current: NamedReport<AnyReport>, comparison: Comparison): string {
  // One colour pair per case, light for BASE and dark for CURRENT, so a case's two lines read as a pair. Two run
  // reports are one case even when their configs differ: they are the one thing compared.
  const pairOf = new Map<string, number>();
  const colorOf = (id: string, tag: 'BASE' | 'CURRENT'): string => {
    if (!pairOf.has(id)) pairOf.set(id, pairOf.size);
    return pairedColor(pairOf.get(id)!, tag === 'BASE' ? 0 : 1);
  };
  const sideRuns = (side: NamedReport<AnyReport>, tag: 'BASE' | 'CURRENT') =>
    side.report.kind === 'run'
      ? [{ name: `${tag} ${side.name}`, report: side.report, color: colorOf('run', tag) }]
      : side.report.cases.map((item) => ({ name: `${tag} ${item.id}`, report: item.report, color: colorOf(item.id, tag) }));
  const runs = nameRuns([...sideRuns(base, 'BASE'), ...sideRuns(current, 'CURRENT')]);
  const { warnings, sections, lineCharts } = runsBody(runs, { pageWarnings: comparisonWarnings(comparison) });
  return renderPage({
    title: truncateTitle(`h1bench comparison: ${base.name} → ${current.name}`),
    subtitle: `${counted(comparison.cases.length, 'case')} compared · BASE ${base.report.startedAt} · CURRENT ${current.report.startedAt} · α = ${comparison.alpha}`,
    sections: [warnings, renderDeltaChart(comparison), renderDeltaTables(comparison), ...sections],
    lineCharts,
  });
}

/**
 * Pick the page for a list of reports (no comparison): one suite → the suite page; otherwise
 * every run overlaid, suites contributing their cases as `<name> <case id>`.
 */
export function renderReportsHtml(reports: ReadonlyArray<NamedReport<AnyReport>>): string {
  const only = reports.length === 1 ? reports[0] : undefined;
  if (only && only.report.kind === 'suite') return renderSuiteHtml({ name: only.name, report: only.report });
  const runs = reports.flatMap(({ name, report }): Array<NamedReport<RunReport>> =>
    report.kind === 'run' ? [{ name, report }] : report.cases.map((item) => ({ name: `${name} ${item.id}`, report: item.report })),
  );
  return renderRunsHtml(runs);
}

/** The name a report goes by on the page: its label, else its file name without `.json`. */
export function reportName(report: AnyReport, file: string): string {
  if (report.label !== null && report.label.trim() !== '') return report.label;
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.toLowerCase().endsWith('.json') ? base.slice(0, -5) : base;
}
