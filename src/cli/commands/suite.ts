// `bench suite`: the three HTTP modes × connection counts, N interleaved runs each, one suite report and a summary.

import type { Argv, CommandModule } from 'yargs';
import { loadEngine } from '../../client/engines/index.js';
import { H1Error } from '../../errors.js';
import { renderSuiteHtml, reportName } from '../../report/html/render.js';
import { defaultHtmlPath, writeHtmlReport } from '../../report/html/write.js';
import { prepareOutputs } from '../../report/output-paths.js';
import { renderSuiteSummary } from '../../report/render-suite.js';
import { defaultReportPath, writeReport } from '../../report/store.js';
import { runSuite } from '../../runner/suite.js';
import { interruptibly } from '../interrupt.js';
import { pathOptions } from '../path-options.js';
import { targetOptions } from '../target-options.js';
import { ProgressLine } from '../progress.js';
import { parseSuiteArgs, presetNames, type SuiteArgs } from '../suite-config.js';

interface SuiteCommandArgs extends SuiteArgs {
  out?: string;
  json?: boolean;
  html?: boolean;
}

function builder(yargs: Argv): Argv<SuiteCommandArgs> {
  const own = yargs
    .option('preset', { type: 'string', describe: `Suite in bench/suites/: ${presetNames().join(' | ') || 'quick | standard'} [default: quick]` })
    .option('file', { type: 'string', describe: 'Suite definition JSON (modes, connections, runs, duration, warmup, pipelining)' })
    .option('url', { type: 'string', describe: 'Target: any http:// or https:// URL [default: embedded servers]' })
    .option('tls', { type: 'boolean', describe: 'Every case over HTTPS against the embedded TLS server' })
    .option('runs', { type: 'string', describe: 'Override the runs per case' })
    .option('duration', { alias: 'd', type: 'string', requiresArg: true, describe: 'Override the measured duration of each run' })
    .option('engine', { type: 'string', describe: 'Load engine [default: native]' })
    .option('label', { type: 'string', describe: 'Free-form label stored in the report' })
    .option('out', { type: 'string', describe: 'Suite report file, directories created [default: results/<timestamp>-suite.json]' })
    .option('json', { type: 'boolean', describe: 'Print the suite report JSON on stdout instead of the summary; the report file is still written' })
    .option('html', { type: 'boolean', describe: 'Also write the suite page with charts beside the report (same name, .html)' })
    .option('progress', { type: 'boolean', describe: 'Progress on stderr [default: on when stderr is a terminal]' })
    .example('$0 suite', 'The quick preset: 1.0 vs 1.1 vs pipelining, about 30 s')
    .example('$0 suite --preset tls', 'HTTPS: a full handshake per request vs a resumed one vs keep-alive vs pipelining')
    .example('$0 suite --html', 'The quick preset, and its HTML page beside the report')
    .example('$0 suite --preset standard --out baseline.json', 'Record a baseline for bench compare')
    .example('$0 suite --rtt 1ms,10ms,50ms', 'The matrix on loopback and across emulated paths: measured beside the model (root)');
  // The command's own options first in --help, then the target's TLS options, then the emulated path's.
  return pathOptions(targetOptions(own), true) as unknown as Argv<SuiteCommandArgs>;
}

async function handler(argv: SuiteCommandArgs): Promise<void> {
  const plan = parseSuiteArgs(argv);
  if (argv.out !== undefined && argv.out.trim() === '') throw new H1Error('H1B_INVALID_OPTION', '--out needs a file name');
  const first = plan.cases[0];
  if (!first) throw new H1Error('H1B_SUITE_FILE', `${plan.preset}: the suite has no case`);
  // The report path is fixed before measuring, so it can be checked (and its directory created) now.
  const path = argv.out ?? defaultReportPath('suite');
  const htmlPath = argv.html === true ? defaultHtmlPath([path]) : null;
  await prepareOutputs([{ path, what: 'the suite report' }, ...(htmlPath === null ? [] : [{ path: htmlPath, what: 'the HTML report' }])]);
  const createEngine = await loadEngine(first.config.engine);

  const progress = (argv.progress ?? process.stderr.isTTY === true) ? new ProgressLine(process.stderr) : null;
  const interruption = interruptibly('the suite report', () => progress?.clear());
  // Before any step ends, the ETA assumes warm-up + duration per step (the first step then measures the overhead).
  const stepEstimateMs = first.config.warmupMs + first.config.durationMs;
  try {
    const report = await runSuite(plan, {
      createEngine,
      signal: interruption.signal,
      onEvent: (event) => {
        if (event.type === 'case-start') {
          progress?.onSuiteStep({ step: event.step, steps: event.steps, caseId: event.caseId, stepEstimateMs });
        } else if (event.type === 'run') progress?.onEvent(event.event, event.caseId);
      },
    });
    progress?.stop();
    await writeReport(path, report, { createDir: true });
    if (htmlPath !== null) await writeHtmlReport(htmlPath, renderSuiteHtml({ name: reportName(report, path), report }));
    if (argv.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(`${renderSuiteSummary(report, path)}\n`);
      process.stdout.write(htmlPath === null ? `page with charts: npx bench report ${path}\n` : `html: ${htmlPath}\n`);
    }
    if (interruption.exitCode !== null) {
      process.exitCode = interruption.exitCode;
      return;
    }
    const failed = report.cases.filter((item) => item.report.requests.completed === 0);
    if (failed.length > 0) {
      throw new H1Error('H1B_NO_REQUESTS_COMPLETED', `no request completed in case(s) ${failed.map((item) => item.id).join(', ')}; report written: ${path}`);
    }
  } finally {
    progress?.stop();
    interruption.dispose();
  }
}

export const suiteCommand: CommandModule<object, SuiteCommandArgs> = {
  command: 'suite',
  describe: 'Run HTTP/1.0, 1.1 and pipelining × connection counts, N interleaved runs each, into one suite report',
  builder,
  handler,
};
