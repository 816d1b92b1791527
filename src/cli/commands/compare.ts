// `bench compare BASE CURRENT`: statistics over two run or suite reports, printed as text/markdown/json/CI formats.

import type { Argv, CommandModule } from 'yargs';
import { H1Error } from '../../errors.js';
import { compareReports } from '../../report/compare.js';
import { describeViolation, evaluateFailOn, parseFailOn, type FailRule } from '../../report/fail-on.js';
import { COMPARE_FORMATS, renderComparison, type CompareFormat } from '../../report/formats/index.js';
import { requireReport } from '../../report/inputs.js';
import { writeTextAtomic } from '../../report/store.js';
import { parseChoice } from '../options.js';

interface CompareArgs {
  base: string;
  current: string;
  format: string;
  alpha: number | string;
  'fail-on'?: string;
  out?: string;
}

export interface CompareConfig {
  readonly base: string;
  readonly current: string;
  readonly format: CompareFormat;
  readonly alpha: number;
  readonly failOn: readonly FailRule[];
  readonly out: string | null;
}

/** The only validation of compare's options; throws H1B_INVALID_OPTION (exit 2). */
export function compareConfig(args: CompareArgs): CompareConfig {
  const alpha = Number(args.alpha);
  if (!Number.isFinite(alpha) || alpha <= 0 || alpha >= 0.5) {
    throw new H1Error('H1B_INVALID_OPTION', `--alpha must be a number above 0 and below 0.5, e.g. 0.05 (got '${String(args.alpha)}')`);
  }
  return Object.freeze({
    base: args.base,
    current: args.current,
    format: parseChoice(args.format, 'format', COMPARE_FORMATS),
    alpha,
    failOn: args['fail-on'] === undefined ? [] : parseFailOn(args['fail-on']),
    out: args.out ?? null,
  });
}

/**
 * Run a comparison: read both reports, compare, print (or write --out and print the text table), then throw
 * H1B_REGRESSION (exit 1) if a --fail-on rule is broken by a significant change.
 */
export async function runCompare(config: CompareConfig): Promise<void> {
  const base = requireReport(config.base, 'BASE');
  const current = requireReport(config.current, 'CURRENT');
  const comparison = compareReports(base, current, { alpha: config.alpha });
  const violations = evaluateFailOn(comparison, config.failOn);
  const rendered = renderComparison(config.format, comparison, violations);
  if (config.out) {
    // Atomic (temp file + rename): a CI step reading --out never sees a partial file.
    await writeTextAtomic(config.out, rendered, { createDir: true });
    process.stdout.write(config.format === 'text' ? `wrote ${config.out}\n` : renderComparison('text', comparison, violations));
  } else {
    process.stdout.write(rendered);
  }
  if (violations.length > 0) {
    throw new H1Error('H1B_REGRESSION', `regression beyond --fail-on: ${violations.map(describeViolation).join('; ')}`);
  }
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <base> <current>',
  describe: 'Compare two run or suite reports: medians with 95% CIs, change, Mann-Whitney p (benchstat method)',
  builder: (yargs: Argv) =>
    yargs
      .positional('base', { type: 'string', describe: 'BASE report (JSON from bench run/suite)', demandOption: true })
      .positional('current', { type: 'string', describe: 'CURRENT report', demandOption: true })
      .option('format', {
        type: 'string',
        default: 'text',
        choices: [...COMPARE_FORMATS],
        describe: 'text (terminal), markdown (PR comment, $GITHUB_STEP_SUMMARY), json, github-action-benchmark, bencher',
      })
      .option('alpha', { type: 'number', default: 0.05, describe: 'Significance level: a change is shown only when p < alpha' })
      .option('fail-on', {
        type: 'string',
        describe: 'Exit 1 on a significant change beyond a threshold, e.g. "rps:-5%,p99:+10%" (metrics: rps bytes p50 p90 p99 p999 connect hs)',
      })
      .option('out', { type: 'string', describe: 'Write the output to FILE (the text table still goes to stdout)' })
      .example('$0 compare base.json new.json', 'Terminal table')
      .example('$0 compare base.json new.json --fail-on rps:-5%', 'Exit 1 on a significant drop beyond 5%')
      .example('$0 compare base.json new.json --format markdown', 'For $GITHUB_STEP_SUMMARY') as unknown as Argv<CompareArgs>,
  handler: async (args) => {
    await runCompare(compareConfig(args));
  },
};
