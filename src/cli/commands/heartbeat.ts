// `bench heartbeat`: heartbeat clients against the embedded server, a failure injected, detection measured.

import type { Argv, CommandModule } from 'yargs';
import { injectionWindowMs, type HeartbeatProgress } from '../../client/heartbeat/run.js';
import { H1Error } from '../../errors.js';
import { formatMs } from '../../report/formats/units.js';
import { prepareOutputs } from '../../report/output-paths.js';
import { defaultReportPath, writeReport } from '../../report/store.js';
import { runHeartbeatReport } from '../../runner/heartbeat.js';
import { runHeartbeatOnPath } from '../../runner/path-run.js';
import type { HeartbeatConfig, OfflineMode } from '../../types.js';
import { renderHeartbeatSummary } from '../heartbeat-summary.js';
import { interruptibly } from '../interrupt.js';
import { parseChoice, parseDurationMs, parseInteger } from '../options.js';
import { parseResolvePins, validateUrl } from '../target-options.js';
import { parseSinglePath, pathOptions, type PathArgs } from '../path-options.js';

const OFFLINE_MODES: readonly OfflineMode[] = ['freeze', 'stop', 'close', 'reset'];

export const HEARTBEAT_DEFAULTS = Object.freeze({
  clients: 100,
  interval: '1s',
  timeout: '3s',
  duration: '30s',
  mode: '1.1',
  offline: 0,
  offlineMode: 'freeze',
  clientsPerProcess: 2500,
});

export interface HeartbeatArgs extends PathArgs {
  clients?: string;
  interval?: string;
  timeout?: string;
  duration?: string;
  mode?: string;
  offline?: string;
  'offline-mode'?: string;
  'server-failure'?: string;
  'tcp-keepalive'?: string;
  'clients-per-process'?: string;
  url?: string;
  resolve?: string | string[];
  label?: string;
  out?: string;
  json?: boolean;
  progress?: boolean;
}

/** The validated heartbeat config and the CLI's output options. */
export interface HeartbeatCliConfig extends HeartbeatConfig {
  readonly out: string | null;
  readonly json: boolean;
  /** Progress lines on stderr (the start, every 5 s, each injected failure); off with --no-progress or --json. */
  readonly progress: boolean;
}

/** How often a running heartbeat says how far it is (runs last 30 s by default). */
const PROGRESS_EVERY_MS = 5_000;

const bad = (message: string): H1Error => new H1Error('H1B_INVALID_OPTION', message);

/** argv → validated, frozen config: the only validation. */
export function parseHeartbeatArgs(argv: HeartbeatArgs): HeartbeatCliConfig {
  const D = HEARTBEAT_DEFAULTS;
  const clients = parseInteger(argv.clients ?? D.clients, 'clients', 1, 1_000_000);
  const intervalMs = parseDurationMs(argv.interval ?? D.interval, 'interval');
  const timeoutMs = parseDurationMs(argv.timeout ?? D.timeout, 'timeout');
  const durationMs = parseDurationMs(argv.duration ?? D.duration, 'duration');
  const mode = parseChoice(argv.mode ?? D.mode, 'mode', ['1.0', '1.1'] as const);
  const offline = parseInteger(argv.offline ?? D.offline, 'offline', 0, clients);
  const offlineMode = parseChoice(argv['offline-mode'] ?? D.offlineMode, 'offline-mode', OFFLINE_MODES);
  const serverFailure = argv['server-failure'] === undefined ? null : parseChoice(argv['server-failure'], 'server-failure', ['stop'] as const);
  const tcpKeepAliveMs = argv['tcp-keepalive'] === undefined ? 0 : parseDurationMs(argv['tcp-keepalive'], 'tcp-keepalive');
  const clientsPerProcess = parseInteger(argv['clients-per-process'] ?? D.clientsPerProcess, 'clients-per-process', 1, 15_000);
  const url = argv.url === undefined ? null : validateUrl(argv.url);
  if (url !== null && url.startsWith('https:')) {
    throw new H1Error('H1B_INVALID_URL', '--url: bench heartbeat speaks plain http:// (its clients have no TLS); give the http:// URL of an h1bench server');
  }
  const resolve = parseResolvePins(argv.resolve);
  if (resolve.length > 0 && url === null) throw bad('--resolve pins an address for a --url host; the embedded server needs none');
  const path = parseSinglePath(argv);
  if (path !== null && url !== null) throw bad('--rtt puts the embedded server at the far end of an emulated path; drop --url');

  if (intervalMs < 10) throw bad(`--interval must be at least 10ms (got ${argv.interval})`);
  if (timeoutMs <= intervalMs) {
    throw bad(`--timeout ${argv.timeout ?? D.timeout} must be longer than --interval ${argv.interval ?? D.interval}, or every client looks offline between two beats`);
  }
  if (serverFailure !== null && offline > 0) {
    throw bad('--server-failure cannot be combined with --offline: a stopped server cannot judge its clients; run them separately');
  }
  if (url !== null && serverFailure !== null) throw bad('--server-failure needs the embedded server (h1bench stops only processes it started); drop --url');
  if (url !== null && tcpKeepAliveMs > 0) throw bad('--tcp-keepalive is set on the embedded server’s sockets; drop --url');
  if (offline > 0 || serverFailure !== null) {
    const [earliest, latest] = injectionWindowMs({ intervalMs, timeoutMs, durationMs });
    if (latest < earliest) {
      throw bad(
        `--duration ${argv.duration ?? D.duration} is too short to inject a failure after every client was seen and still detect it: ` +
          `needs at least ${formatMs(durationMs - latest + earliest)} with --interval ${argv.interval ?? D.interval} and --timeout ${argv.timeout ?? D.timeout}`,
      );
    }
  }
  return Object.freeze({
    run: Object.freeze({ clients, intervalMs, timeoutMs, durationMs, mode, offline, offlineMode, serverFailure, clientsPerProcess }),
    url,
    resolve: Object.freeze(resolve),
    tcpKeepAliveMs,
    label: argv.label ?? null,
    path,
    out: argv.out ?? null,
    json: argv.json === true,
    progress: argv.progress !== false && argv.json !== true,
  });
}

function builder(yargs: Argv): Argv<HeartbeatArgs> {
  const D = HEARTBEAT_DEFAULTS;
  const own = yargs
    .option('clients', { type: 'string', describe: `Heartbeat clients [default: ${D.clients}]` })
    .option('interval', { type: 'string', requiresArg: true, describe: `Time between two beats of one client; beats are spread over it [default: ${D.interval}]` })
    .option('timeout', { type: 'string', requiresArg: true, describe: `No answer within this → the client marks the server down; also the server's offline timeout [default: ${D.timeout}]` })
    .option('duration', { alias: 'd', type: 'string', requiresArg: true, describe: `Length of the run [default: ${D.duration}]` })
    .option('mode', { type: 'string', describe: `1.1: one keep-alive connection per client | 1.0: a new connection per beat [default: ${D.mode}]` })
    .option('offline', { type: 'string', describe: `Clients taken offline at a random moment inside the run [default: ${D.offline}]` })
    .option('offline-mode', {
      type: 'string',
      describe: `freeze: stop sending and reading, socket open | stop: SIGSTOP their process | close: FIN | reset: RST [default: ${D.offlineMode}]`,
    })
    .option('server-failure', { type: 'string', describe: 'stop: SIGSTOP the embedded server at a random moment; every client must notice' })
    .option('tcp-keepalive', { type: 'string', describe: 'Turn on SO_KEEPALIVE on the server’s sockets after this idle time, to compare with heartbeats' })
    .option('clients-per-process', { type: 'string', describe: `Most clients per client process [default: ${D.clientsPerProcess}]` })
    .option('url', { type: 'string', describe: 'A running h1bench server instead of the embedded one (http://, any host)' })
    .option('resolve', { type: 'string', array: true, describe: 'HOST:PORT:ADDR[,ADDR]: connect there instead of asking DNS (as curl)' })
    .option('label', { type: 'string', describe: 'Free-form label stored in the report' })
    .option('out', { type: 'string', describe: 'Report file [default: results/<timestamp>-heartbeat-<mode>.json]' })
    .option('json', { type: 'boolean', describe: 'Print the report JSON on stdout instead of the summary' })
    .option('progress', { type: 'boolean', describe: 'Progress lines on stderr: the start, every 5 s, each injected failure [default: on]; --no-progress turns them off' })
    .example('$0 heartbeat --clients 1000 --interval 1s --timeout 3s -d 20s --offline 50 --offline-mode stop', 'detect 50 frozen processes')
    .example('$0 heartbeat --clients 200 --interval 500ms --timeout 1500ms -d 10s --server-failure stop', 'every client notices a stopped server');
  // The command's own options first in --help, then the emulated path's.
  return pathOptions(own) as unknown as Argv<HeartbeatArgs>;
}

async function handler(argv: HeartbeatArgs): Promise<void> {
  const config = parseHeartbeatArgs(argv);
  const run = config.run;
  const path = config.out ?? defaultReportPath(`heartbeat-${run.mode}`);
  // Before the clients start: a report that cannot be written must not cost the run.
  await prepareOutputs([{ path, what: 'the report' }]);
  const interruption = interruptibly('the report');
  // Once the clients run: a line every PROGRESS_EVERY_MS saying how far the run is, between the injection lines.
  let ticker: NodeJS.Timeout | null = null;
  try {
    const onProgress = (p: HeartbeatProgress): void => {
      if (!config.progress) return;
      if (p.type === 'started') {
        process.stderr.write(`heartbeat: ${run.clients} clients in ${p.processes} process(es), ${run.durationMs / 1000} s\n`);
        const startedAt = Date.now();
        ticker = setInterval(() => {
          const elapsedSec = Math.min(run.durationMs, Date.now() - startedAt) / 1000;
          process.stderr.write(`heartbeat: ${elapsedSec.toFixed(0)} s of ${run.durationMs / 1000} s\n`);
        }, PROGRESS_EVERY_MS).unref();
      } else process.stderr.write(`heartbeat: ${p.what} at +${(p.afterMs / 1000).toFixed(2)} s\n`);
    };
    // --rtt: the clients run in the path's client namespace, children of a generator child of ours (runner/path-run.ts).
    const report = config.path
      ? await runHeartbeatOnPath(config, { signal: interruption.signal, onProgress })
      : await runHeartbeatReport(config, { signal: interruption.signal, onProgress });
    await writeReport(path, report);
    process.stdout.write(config.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderHeartbeatSummary(report, path)}\n`);
    if (interruption.exitCode !== null) process.exitCode = interruption.exitCode;
    else if (report.heartbeat!.beats.answered === 0) {
      throw new H1Error(
        'H1B_NO_REQUESTS_COMPLETED',
        `no heartbeat was answered (${Object.entries(report.heartbeat!.errors).map(([c, n]) => `${c} × ${n}`).join(', ') || 'no response'}); report written: ${path}`,
      );
    }
  } finally {
    if (ticker !== null) clearInterval(ticker);
    interruption.dispose();
  }
}

export const heartbeatCommand: CommandModule<object, HeartbeatArgs> = {
  command: 'heartbeat',
  describe: 'Heartbeat clients (1.0 or 1.1) with failure injection: how fast and how reliably offline clients and a stopped server are detected',
  builder,
  handler,
};
