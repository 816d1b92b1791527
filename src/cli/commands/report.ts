// `bench report FILE… [-o report.html] [--compare]`: render run, suite or comparison reports as one self-contained HTML page.

import type { Argv, CommandModule } from 'yargs';
import { H1Error } from '../../errors.js';
import { compareReports } from '../../report/compare.js';
import { renderComparisonHtml, renderReportsHtml, reportName } from '../../report/html/render.js';
import { defaultHtmlPath, writeHtmlReport } from '../../report/html/write.js';
import { loadReportInput, skippedLine } from '../../report/inputs.js';
import type { AnyReport } from '../../report/schema.js';

interface ReportArgs {
  files: string[];
  out?: string;
  compare: boolean;
  alpha: number;
}

export interface ReportConfig {
  readonly files: readonly string[];
  /** Output path; `-` = stdout. */
  readonly out: string;
  readonly compare: boolean;
  readonly alpha: number;
}

/** The only validation of report's options; throws H1B_INVALID_OPTION (exit 2). */
export function reportConfig(args: ReportArgs): ReportConfig {
  const files = (args.files ?? []).map(String);
  if (files.length === 0) throw new H1Error('H1B_INVALID_OPTION', 'name at least one report file (JSON from bench run or bench suite)');
  if (args.compare && files.length !== 2) {
    throw new H1Error('H1B_INVALID_OPTION', `--compare takes exactly two reports, BASE then CURRENT (got ${files.length})`);
  }
  const alpha = Number(args.alpha);
  if (!Number.isFinite(alpha) || alpha <= 0 || alpha >= 0.5) {
    throw new H1Error('H1B_INVALID_OPTION', `--alpha must be a number above 0 and below 0.5, e.g. 0.05 (got '${String(args.alpha)}')`);
  }
  const out = args.out === undefined || args.out === '' ? defaultHtmlPath(files) : args.out;
  return Object.freeze({ files: Object.freeze(files), out, compare: args.compare, alpha });
}

/** Read, render, write. Returns the path written ('-' for stdout). */
export async function runReport(config: ReportConfig): Promise<string> {
  const reports: Array<{ name: string; report: AnyReport }> = [];
  for (const file of config.files) {
    const input = loadReportInput(file);
    if (input.state === 'report') reports.push({ name: reportName(input.report, file), report: input.report });
    else if (config.compare) throw new H1Error('H1B_REPORT_SCHEMA', `${file} is not an h1bench report (${input.reason}); --compare needs two reports`);
    // A glob such as results/*.json may catch other JSON files: say which and go on.
    else process.stderr.write(`bench report: ${skippedLine(input)}\n`);
  }
  if (reports.length === 0) {
    throw new H1Error('H1B_REPORT_SCHEMA', `none of ${config.files.join(', ')} is an h1bench report; give reports written by bench run or bench suite`);
  }
  let html: string;
  if (config.compare) {
    const [base, current] = reports as [(typeof reports)[number], (typeof reports)[number]];
    html = renderComparisonHtml(base, current, compareReports(base.report, current.report, { alpha: config.alpha }));
  } else {
    html = renderReportsHtml(reports);
  }
  if (config.out === '-') {
    process.stdout.write(html);
  } else {
    await writeHtmlReport(config.out, html);
    process.stdout.write(`wrote ${config.out}\n`);
  }
  return config.out;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <files..>',
  describe: 'Render reports as one self-contained HTML page with charts (several runs are overlaid)',
  builder: (yargs: Argv) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: 'Run or suite reports (JSON from bench run / bench suite)', demandOption: true })
      .option('out', { alias: 'o', type: 'string', describe: 'HTML file to write; - for stdout [default: FILE.html for one report, else report.html]' })
      .option('compare', { type: 'boolean', default: false, describe: 'Compare two reports (BASE CURRENT): deltas with Mann-Whitney significance' })
      .option('alpha', { type: 'number', default: 0.05, describe: 'Significance level for --compare' })
      .example('$0 report results/2026-11-25T034903.123Z-1.1.json', 'One run → the same name with .html')
      .example('$0 report a.json b.json c.json -o modes.html', 'Several runs overlaid in one page')
      .example('$0 report --compare results/baseline.json results/new.json -o diff.html', 'A comparison page') as unknown as Argv<ReportArgs>,
  handler: async (args) => {
    await runReport(reportConfig(args));
  },
};
