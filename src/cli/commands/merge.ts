// `bench merge SHARD.json… [-o total.json]`: one report from the reports of a run's shards (bench run --shard I/N).

import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { H1Error } from '../../errors.js';
import { mergeShardReports, type ShardInput } from '../../report/merge-shards.js';
import { renderRunSummary } from '../../report/render-text.js';
import { validateReport, writeReport } from '../../report/store.js';

interface MergeArgs {
  files?: unknown[];
  out?: string;
}

export interface MergeConfig {
  readonly files: readonly string[];
  /** Where the merged report goes; null = its JSON on stdout. */
  readonly out: string | null;
}

/** The only validation of merge's options; throws H1B_INVALID_OPTION (exit 2). */
export function mergeConfig(args: MergeArgs): MergeConfig {
  const files = (args.files ?? []).map(String);
  if (files.length === 0) throw new H1Error('H1B_INVALID_OPTION', 'name the shard reports to merge, e.g. bench merge shard-*.json -o total.json');
  if (args.out !== undefined && args.out.trim() === '') throw new H1Error('H1B_INVALID_OPTION', '--out needs a file name');
  return Object.freeze({ files: Object.freeze(files), out: args.out ?? null });
}

/** How much of a file that is not JSON the error message quotes. */
const QUOTED_CHARS = 60;

/**
 * Read one shard's report. A shard's report is often its pod's log (`kubectl logs`), and a log that also caught
 * stderr or another command's output is not JSON: the error names the file and shows how it starts.
 * @throws H1Error H1B_REPORT_READ (unreadable, not JSON), H1B_REPORT_SCHEMA (not a report this version reads),
 *   H1B_REPORT_MISMATCH (several reports in one file, or a suite report)
 */
export function readShardReport(path: string): ShardInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new H1Error('H1B_REPORT_READ', `cannot read shard report ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const start = text.trimStart().slice(0, QUOTED_CHARS).replace(/\s+/g, ' ');
    throw new H1Error(
      'H1B_REPORT_READ',
      `${path} is not a JSON report (it starts with '${start}${text.length > QUOTED_CHARS ? '…' : ''}'): a shard's file must hold only the ` +
        "report bench run --json prints; collect the pod's log without other output (the shards run with --no-progress) or cut what surrounds the JSON",
      { cause: error },
    );
  }
  if (Array.isArray(parsed)) {
    throw new H1Error('H1B_REPORT_MISMATCH', `${path} holds ${parsed.length} reports (bench run with several --mode): run one mode per sharded run`);
  }
  const report = validateReport(parsed, path);
  if (report.kind !== 'run') throw new H1Error('H1B_REPORT_MISMATCH', `${path} is a ${report.kind} report; bench merge takes the run reports of bench run --shard I/N`);
  return { source: path, report };
}

async function handler(argv: MergeArgs): Promise<void> {
  const config = mergeConfig(argv);
  const merged = mergeShardReports(config.files.map(readShardReport));
  if (config.out === null) {
    process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
    return;
  }
  await writeReport(config.out, merged);
  process.stdout.write(`${renderRunSummary(merged, config.out)}\n`);
}

function builder(yargs: Argv): Argv<MergeArgs> {
  return yargs
    .positional('files', { type: 'string', array: true, describe: 'The shard reports (bench run --shard I/N --json), every index 0…N−1 once' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the merged report here and print its summary [default: the JSON on stdout]' })
    .example('$0 merge shard-0.json shard-1.json shard-2.json -o total.json', 'one report for the whole run')
    .example('$0 merge shard-*.json | jq .throughput', 'the merged report on stdout') as unknown as Argv<MergeArgs>;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <files..>',
  describe: 'Merge the reports of a sharded run (bench run --shard I/N) into one: counts summed, histograms merged, timelines aligned',
  builder,
  handler,
};
