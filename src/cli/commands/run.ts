// `bench run`: load a target in one or more HTTP modes, write a report per mode, print summaries side by side.

import type { Argv, CommandModule } from 'yargs';
import { loadEngine } from '../../client/engines/index.js';
import { H1Error } from '../../errors.js';
import { defaultHtmlPath, writeRunHtmlBeside } from '../../report/html/write.js';
import { prepareOutputs, type PlannedOutput } from '../../report/output-paths.js';
import { renderRunSummary, renderSideBySide } from '../../report/render-text.js';
import type { RunReport } from '../../report/schema.js';
import { defaultReportPath, writeReport } from '../../report/store.js';
import { runSeriesOnPath } from '../../runner/path-run.js';
import { runSeries, type RunEvent } from '../../runner/run.js';
import { workersEngineFactory } from '../../runner/workers.js';
import { preflightCapture } from '../../wire/capture.js';
import { enterPrivateNetns } from '../../wire/netns.js';
import { interruptibly } from '../interrupt.js';
import { pathOptions } from '../path-options.js';
import { targetOptions } from '../target-options.js';
import { ProgressLine } from '../progress.js';
import {
  CLIENT_MODES,
  ENGINE_NAMES,
  RUN_DEFAULTS,
  SERVER_MODES,
  parseRunArgs,
  parseRunOutput,
  reportPathFor,
  type RunArgs,
  type RunOutput,
} from '../run-config.js';
import type { RunConfig } from '../../types.js';

function builder(yargs: Argv): Argv<RunArgs> {
  // Values stay strings and carry no yargs defaults: run-config.ts validates them and owns the defaults,
  // which is also how it knows whether -n and -d were both given.
  const own = yargs
    .option('mode', { type: 'string', describe: `HTTP mode: ${CLIENT_MODES.join(' | ')}; repeat to run several in turn [default: ${RUN_DEFAULTS.mode}]` })
    .option('url', { type: 'string', describe: 'Target: any http:// or https:// URL (host name or IP literal) [default: embedded server on 127.0.0.1:0]' })
    .option('server-mode', { type: 'string', describe: `Embedded server mode: ${SERVER_MODES.join(' | ')} [default: close for 1.0, keep-alive otherwise]` })
    .option('connections', { alias: 'c', type: 'string', describe: `Concurrent connections [default: ${RUN_DEFAULTS.connections}]` })
    .option('duration', { alias: 'd', type: 'string', requiresArg: true, describe: `Measured duration: 500ms, 10s, 2m [default: ${RUN_DEFAULTS.duration}]` })
    .option('requests', { alias: 'n', type: 'string', describe: 'Stop after this many completed requests (with -d: whichever comes first)' })
    .option('keep-alive', { type: 'boolean', describe: "--mode 1.0 only: send 'Connection: keep-alive' (as ab -k) and reuse a connection while the server answers keep-alive" })
    .option('warmup', { type: 'string', requiresArg: true, describe: `Warm-up before measuring, not counted [default: ${RUN_DEFAULTS.warmup}]` })
    .option('rate', { alias: 'R', type: 'string', requiresArg: true, describe: 'Open loop: requests/s in total; latency from the intended send time (wrk2)' })
    .option('timeout', { type: 'string', requiresArg: true, describe: `Per-request timeout; 0 = none [default: ${RUN_DEFAULTS.timeout}]` })
    .option('method', { alias: 'm', type: 'string', describe: `HTTP method [default: ${RUN_DEFAULTS.method}]` })
    .option('header', { alias: 'H', type: 'string', array: true, describe: "Extra request header 'Name: value' (repeatable)" })
    .option('body', { type: 'string', describe: 'Request body (sent with Content-Length)' })
    .option('label', { type: 'string', describe: 'Free-form label stored in the report' })
    .option('out', { type: 'string', describe: 'Report file, directories created [default: results/<timestamp>-<mode>.json]; several modes: FILE-<mode>.json' })
    .option('json', {
      type: 'boolean',
      describe: 'Print the report JSON on stdout instead of the summary (an array for several modes); the report file is still written (--out or the default)',
    })
    .option('html', { type: 'boolean', describe: 'Also write an HTML report with charts beside each JSON report (same name, .html)' })
    .option('progress', { type: 'boolean', describe: 'Progress on stderr [default: on when stderr is a terminal]; --no-progress turns it off' })
    .option('pipelining', { type: 'string', describe: `Requests in flight per connection, --mode pipeline only [default: ${RUN_DEFAULTS.pipelining}]` })
    .option('engine', { type: 'string', describe: `Load engine: ${ENGINE_NAMES.join(' | ')} [default: ${RUN_DEFAULTS.engine}]` })
    .option('runs', { type: 'string', describe: `Repeat the run N times; figures merged, each run kept in runs[] [default: ${RUN_DEFAULTS.runs}]` })
    .option('capture', { type: 'string', describe: 'tcpdump the measured phase into this pcap; adds handshakes.wire and teardowns.wire (needs root)' })
    .option('netns', { type: 'boolean', describe: 'Run server and generator in a private network namespace: exact kernel counts (needs root, iproute2)' })
    .option('tls', { type: 'boolean', describe: 'Start the embedded server over HTTPS (self-signed, trusted by this run)' })
    .option('workers', { type: 'string', describe: 'Generator threads sharing -c, -n and --rate exactly (native engine); auto = the cores available [default: 1]' })
    .option('server-workers', { type: 'string', describe: 'Processes of the embedded server sharing its port (bench serve --workers) [default: 1]' })
    .option('source', {
      type: 'string',
      array: true,
      describe: 'Local addresses to bind connections to, round-robin per connect: 127.0.0.2,127.0.0.3 or a range 127.0.0.2-127.0.0.50 (each adds a port range)',
    })
    .option('shard', { type: 'string', describe: 'Run shard I of N (0-based) of a load spread over machines: -c, -n and --rate are split exactly' })
    .option('start-at', { type: 'string', requiresArg: true, describe: 'Wait until this instant (ISO 8601 with a zone, or Unix ms) before the warm-up; the shards of a run share it' })
    .example('$0 run --mode=1.0 --mode=1.1 -d 3s', 'HTTP/1.0 vs keep-alive against the embedded server')
    .example('$0 run --url http://127.0.0.1:8080/ -c 100 -d 30s --rate 5000', 'open loop at 5000 req/s')
    .example('$0 run --url https://example.com/ --mode 1.0 --tls-resume off -n 200', 'a full TLS handshake per request')
    .example('$0 run --tls --mode=1.0 --mode=1.1 -d 3s', 'HTTPS against the embedded server')
    .example('$0 run --mode 1.0 --workers auto --server-workers 2 --source 127.0.0.2-127.0.0.20 -d 10s', 'every core, past the port limit')
    .example('$0 run --mode 1.0 --mode 1.1 --rtt 20ms -d 5s', 'what HTTP/1.0 costs at 20 ms RTT, measured across an emulated path (root)');
  // The command's own options first in --help, then the target's TLS options, then the emulated path's.
  return pathOptions(targetOptions(own, true)) as unknown as Argv<RunArgs>;
}

/** This very command line, to re-run inside a private namespace (--netns). */
function ownCommandLine(): string[] {
  // Same node flags, except a debugger port the parent already holds.
  const nodeFlags = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  return [process.execPath, ...nodeFlags, ...process.argv.slice(1)];
}

/** The report, HTML page and capture files of every mode, for prepareOutputs. */
function plannedOutputs(configs: readonly RunConfig[], output: RunOutput): PlannedOutput[] {
  return configs.flatMap((config) => {
    const report = reportPathFor(output, config.mode, configs.length) ?? defaultReportPath(config.mode);
    return [
      { path: report, what: 'the report' },
      ...(output.html ? [{ path: defaultHtmlPath([report]), what: 'the HTML report' }] : []),
      ...(config.capture !== null ? [{ path: config.capture, what: 'the capture' }] : []),
    ];
  });
}

async function handler(argv: RunArgs): Promise<void> {
  const configs = parseRunArgs(argv);
  const output = parseRunOutput(argv, process.stderr.isTTY === true);
  const first = configs[0]!;
  // --netns: re-run this very command inside a fresh private namespace (src/wire/netns.ts), or say why not.
  const netns = first.netns ? await enterPrivateNetns(ownCommandLine()) : null;
  if (netns?.state === 'ran') {
    process.exitCode = netns.exitCode;
    return;
  }
  if (netns?.state === 'host') process.stderr.write(`bench: --netns: ${netns.reason}; running in the host namespace (kernel counts approximate)\n`);
  // Every file the run will write, checked now: a run must not measure and then fail to keep what it measured.
  await prepareOutputs(plannedOutputs(configs, output));
  // --capture: fail now, not after the warm-up, when tcpdump is missing or may not capture.
  if (configs.some((config) => config.capture !== null)) await preflightCapture();
  const createEngine = (first.workers ?? 1) > 1 ? workersEngineFactory(first.workers!) : await loadEngine(first.engine);

  // Across a path the sockets live in its namespaces, not this one: the panel shows no TIME_WAIT (the report has it).
  const progress = output.progress ? new ProgressLine(process.stderr, first.path ? { readTimeWait: () => Promise.resolve(null) } : {}) : null;
  const interruption = interruptibly('the report', () => progress?.clear());
  const done: Array<{ report: RunReport; path: string }> = [];
  try {
    for (const config of configs) {
      if (interruption.signal.aborted) break;
      const onEvent = (event: RunEvent): void => progress?.onEvent(event, config.mode);
      // --rtt: the generator runs in the path's client namespace, a child of ours (runner/path-run.ts).
      const report = config.path
        ? await runSeriesOnPath(config, { signal: interruption.signal, onEvent })
        : await runSeries(config, {
            createEngine,
            signal: interruption.signal,
            onEvent,
            kernelScope: netns?.state === 'inside' ? 'namespace' : 'host',
            netnsUnavailable: netns?.state === 'host' ? netns.reason : null,
          });
      progress?.stop();
      const given = reportPathFor(output, config.mode, configs.length);
      const path = given ?? defaultReportPath(config.mode);
      await writeReport(path, report, { createDir: true });
      done.push({ report, path });
      if (!output.json) process.stdout.write(`${renderRunSummary(report, path)}\n\n`);
      if (output.html) {
        const htmlPath = await writeRunHtmlBeside(path, report);
        if (!output.json) process.stdout.write(`html: ${htmlPath}\n\n`);
      }
    }
  } finally {
    progress?.stop();
    interruption.dispose();
  }

  if (output.json) {
    const reports = done.map((item) => item.report);
    process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  } else if (done.length > 1) {
    process.stdout.write(`${renderSideBySide(done.map((item) => item.report))}\n`);
  }

  if (interruption.exitCode !== null) {
    const skipped = configs.slice(done.length).map((config) => config.mode);
    if (skipped.length > 0) process.stderr.write(`bench: interrupted before mode ${skipped.join(', ')}: not run, no report\n`);
    process.exitCode = interruption.exitCode;
    return;
  }
  const failed = done.filter((item) => item.report.requests.completed === 0);
  if (failed.length > 0) throw noRequestCompleted(failed);
}

/**
 * What to do about a certificate that failed verification, from the TLS stack's reason: a name mismatch
 * (ERR_TLS_CERT_ALTNAME_INVALID: the certificate does not name the host, e.g. a host pinned with --resolve) is
 * fixed by the name to check, anything else by the CA to trust.
 */
function verifyAdvice(reason: string, servername: string | null): string {
  if (/ALTNAME|Hostname\/IP does not match/i.test(reason)) {
    return servername === null
      ? "; name the host the certificate was issued for with --servername NAME, or skip verification with -k"
      : '; --servername does not match the certificate either; name one it lists, or skip verification with -k';
  }
  return "; trust the server's CA with --ca FILE, or skip verification with -k";
}

/**
 * The error of runs that completed nothing. A TLS failure is its own error (one code, the host, the TLS stack's
 * reason, what to do) rather than a count among others: every request failed the same way, nothing else to read.
 */
export function noRequestCompleted(failed: ReadonlyArray<{ report: RunReport; path: string }>): H1Error {
  const written = `report(s) written: ${failed.map((item) => item.path).join(', ')}`;
  for (const code of ['H1B_TLS_VERIFY', 'H1B_TLS_HANDSHAKE'] as const) {
    const hit = failed.find((item) => (item.report.errors[code] ?? 0) > 0);
    if (hit === undefined) continue;
    const report = hit.report;
    const host = new URL(report.target.url).host;
    const reason = report.errorSamples[code]?.[0]?.reason ?? 'no reason recorded';
    const advice = code === 'H1B_TLS_VERIFY' ? verifyAdvice(reason, report.config.tls?.servername ?? null) : '';
    const what = code === 'H1B_TLS_VERIFY' ? 'certificate verification failed' : 'TLS handshake failed';
    return new H1Error(code, `${host}: ${what}: ${reason}${advice}; ${written}`);
  }
  const detail = failed
    .map((item) => `mode ${item.report.config.mode}: ${Object.entries(item.report.errors).map(([code, n]) => `${code} × ${n}`).join(', ') || 'no response'}`)
    .join('; ');
  return new H1Error('H1B_NO_REQUESTS_COMPLETED', `no request completed (${detail}); ${written}`);
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Load a target over HTTP/1.0, 1.1 keep-alive or pipelining and report handshakes, latency and throughput',
  builder,
  handler,
};
