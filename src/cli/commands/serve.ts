// `bench serve`: run the embedded HTTP/1.x target; prints its URL as the only stdout line, exits 0 on SIGINT/SIGTERM.

import os from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { setLivenessSink } from '../../server/heartbeat-routes.js';
import { formatLivenessEvent } from '../../server/liveness-log.js';
import { startCluster } from '../../server/cluster.js';
import { startServer } from '../../server/index.js';
import { formatCertificateLine } from '../../server/tls-identity.js';
import { H1Error } from '../../errors.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig, type ServerTlsConfig } from '../../types.js';
import { parseChoice, parseDurationMs, parseInteger } from '../options.js';

const D = DEFAULT_SERVER_CONFIG;
const L = D.limits;

/** Raw flag values: strings (or yargs booleans), validated only in parseServeArgs. */
export interface ServeArgs {
  mode?: string;
  host?: string;
  port?: string;
  'body-size'?: string;
  'keep-alive-timeout'?: string;
  'max-requests'?: string;
  'headers-timeout'?: string;
  'body-timeout'?: string;
  'max-request-line'?: string;
  'max-header-bytes'?: string;
  'max-headers'?: string;
  'max-body'?: string;
  'max-bytes'?: string;
  'max-delay'?: string;
  'write-high-water-mark'?: string;
  'shutdown-grace'?: string;
  'tcp-keepalive'?: string;
  'heartbeat-timeout'?: string;
  'log-liveness'?: boolean;
  tls?: boolean;
  cert?: string;
  key?: string;
  'cert-out'?: string;
  'tls-tickets'?: string;
  workers?: string;
}

const MAX_BYTES = 2 ** 31 - 1;
const msOrDefault = (value: string | undefined, option: string, fallback: number): number =>
  value === undefined ? fallback : parseDurationMs(value, option);
const intOrDefault = (value: string | undefined, option: string, fallback: number, min: number, max = MAX_BYTES): number =>
  value === undefined ? fallback : parseInteger(value, option, min, max);

/** The TLS flags → ServerTlsConfig, or null without --tls; the TLS flags without --tls, or --cert/--key alone, are errors. */
function parseTlsArgs(argv: ServeArgs): ServerTlsConfig | null {
  const given = (['cert', 'key', 'cert-out', 'tls-tickets'] as const).filter((name) => argv[name] !== undefined);
  if (argv.tls !== true) {
    if (given.length > 0) throw new H1Error('H1B_TLS_CONFIG', `--${given[0]} needs --tls`);
    return null;
  }
  if ((argv.cert === undefined) !== (argv.key === undefined)) {
    throw new H1Error('H1B_TLS_CONFIG', `--cert and --key go together: ${argv.cert === undefined ? '--key' : '--cert'} was given alone`);
  }
  return Object.freeze({
    certFile: argv.cert === undefined ? null : String(argv.cert),
    keyFile: argv.key === undefined ? null : String(argv.key),
    certOut: argv['cert-out'] === undefined ? null : String(argv['cert-out']),
    sessionTickets: argv['tls-tickets'] === undefined ? true : parseChoice(argv['tls-tickets'], 'tls-tickets', ['on', 'off'] as const) === 'on',
  } satisfies ServerTlsConfig);
}

/** argv → validated, frozen ServerConfig (the only validation; defaults come from DEFAULT_SERVER_CONFIG). */
export function parseServeArgs(argv: ServeArgs): ServerConfig {
  return Object.freeze({
    mode: argv.mode === undefined ? D.mode : parseChoice(argv.mode, 'mode', ['close', 'keep-alive'] as const),
    host: argv.host === undefined ? D.host : String(argv.host),
    port: intOrDefault(argv.port, 'port', D.port, 0, 65535),
    bodySize: intOrDefault(argv['body-size'], 'body-size', D.bodySize, 0, 16 * 1024 * 1024),
    keepAliveTimeoutMs: msOrDefault(argv['keep-alive-timeout'], 'keep-alive-timeout', D.keepAliveTimeoutMs),
    maxRequestsPerConnection: intOrDefault(argv['max-requests'], 'max-requests', D.maxRequestsPerConnection, 0),
    headersTimeoutMs: msOrDefault(argv['headers-timeout'], 'headers-timeout', D.headersTimeoutMs),
    bodyTimeoutMs: msOrDefault(argv['body-timeout'], 'body-timeout', D.bodyTimeoutMs),
    limits: Object.freeze({
      maxRequestLineBytes: intOrDefault(argv['max-request-line'], 'max-request-line', L.maxRequestLineBytes, 16),
      maxHeaderBytes: intOrDefault(argv['max-header-bytes'], 'max-header-bytes', L.maxHeaderBytes, 16),
      maxHeaderCount: intOrDefault(argv['max-headers'], 'max-headers', L.maxHeaderCount, 1),
      maxBodyBytes: intOrDefault(argv['max-body'], 'max-body', L.maxBodyBytes, 0, Number.MAX_SAFE_INTEGER),
    }),
    maxBytesRoute: intOrDefault(argv['max-bytes'], 'max-bytes', D.maxBytesRoute, 0, 1024 * 1024 * 1024),
    maxDelayMs: msOrDefault(argv['max-delay'], 'max-delay', D.maxDelayMs),
    writeHighWaterMark: intOrDefault(argv['write-high-water-mark'], 'write-high-water-mark', D.writeHighWaterMark, 1),
    shutdownGraceMs: msOrDefault(argv['shutdown-grace'], 'shutdown-grace', D.shutdownGraceMs),
    heartbeatTimeoutMs: msOrDefault(argv['heartbeat-timeout'], 'heartbeat-timeout', D.heartbeatTimeoutMs),
    logLiveness: argv['log-liveness'] ?? D.logLiveness,
    tcpKeepAliveMs: msOrDefault(argv['tcp-keepalive'], 'tcp-keepalive', D.tcpKeepAliveMs),
    tls: parseTlsArgs(argv),
  } satisfies ServerConfig);
}

const ms = (value: number): string => (value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`);

function builder(yargs: Argv): Argv<ServeArgs> {
  // Values stay strings without yargs defaults: parseServeArgs validates them and owns the defaults.
  return yargs
    .option('mode', { type: 'string', describe: `close: Connection: close on every response, server FIN first | keep-alive: RFC 9112 §9.3 persistence [default: ${D.mode}]` })
    .option('host', { type: 'string', describe: `Address to listen on [default: ${D.host}]` })
    .option('port', { alias: 'p', type: 'string', describe: `Port; 0 picks a free one (read the printed URL) [default: ${D.port}]` })
    .option('body-size', { type: 'string', describe: `Bytes in the body of / [default: ${D.bodySize}]` })
    .option('keep-alive-timeout', { type: 'string', describe: `Idle time before closing a persistent connection, announced in Keep-Alive: timeout= [default: ${ms(D.keepAliveTimeoutMs)}]` })
    .option('max-requests', { type: 'string', describe: `Requests per connection, the last one answered with Connection: close; 0 = unlimited [default: ${D.maxRequestsPerConnection}]` })
    .option('headers-timeout', { type: 'string', describe: `Time to receive a request's header section, else 408 (slowloris guard) [default: ${ms(D.headersTimeoutMs)}]` })
    .option('body-timeout', { type: 'string', describe: `Longest gap between body bytes, else 408 [default: ${ms(D.bodyTimeoutMs)}]` })
    .option('max-request-line', { type: 'string', describe: `Longest request line in bytes, else 414 [default: ${L.maxRequestLineBytes}]` })
    .option('max-header-bytes', { type: 'string', describe: `Largest header section in bytes, else 431 [default: ${L.maxHeaderBytes}]` })
    .option('max-headers', { type: 'string', describe: `Most header fields, else 431 [default: ${L.maxHeaderCount}]` })
    .option('max-body', { type: 'string', describe: `Largest request body in bytes, else 413 [default: ${L.maxBodyBytes}]` })
    .option('max-bytes', { type: 'string', describe: `Largest N for /bytes/N [default: ${D.maxBytesRoute}]` })
    .option('max-delay', { type: 'string', describe: `Largest MS for /delay/MS [default: ${ms(D.maxDelayMs)}]` })
    .option('write-high-water-mark', { type: 'string', describe: `Stop reading a connection while this many response bytes wait to be sent [default: ${D.writeHighWaterMark}]` })
    .option('shutdown-grace', { type: 'string', describe: `On SIGINT/SIGTERM, time allowed for in-flight responses [default: ${ms(D.shutdownGraceMs)}]` })
    .option('tcp-keepalive', { type: 'string', describe: 'SO_KEEPALIVE initial delay on accepted sockets, e.g. 30s; 0 = off [default: 0]' })
    .option('heartbeat-timeout', { type: 'string', describe: 'Heartbeat clients silent this long are offline; 0 = 3 × their announced interval [default: 0]' })
    .option('log-liveness', { type: 'boolean', describe: 'Write each heartbeat liveness change as a JSON line on stderr' })
    .option('tls', { type: 'boolean', describe: 'Serve HTTPS (TLS 1.2/1.3, ALPN http/1.1); without --cert/--key a self-signed certificate for localhost, 127.0.0.1, ::1 is made at start' })
    .option('cert', { type: 'string', describe: 'PEM certificate (chain) to serve; needs --key' })
    .option('key', { type: 'string', describe: 'PEM private key matching --cert (unencrypted)' })
    .option('cert-out', { type: 'string', describe: 'Write the served certificate (PEM, not the key) to this file before the URL is printed: pass it to a client as its CA' })
    .option('tls-tickets', { type: 'string', describe: 'on: session tickets, resumed handshakes (nginx default) | off: every handshake is full [default: on]' })
    .option('workers', {
      type: 'string',
      describe: 'Server processes sharing the port (node:cluster, each accepting itself); /stats sums them; auto = the cores available [default: 1]',
    })
    .example('$0 serve --port 0', 'keep-alive server on a free port; prints e.g. http://127.0.0.1:41234/')
    .example('$0 serve --mode close --port 8080 --body-size 1024', 'every response closes the connection (HTTP/1.0 style)')
    .example('$0 serve --tls --port 0 --cert-out ca.pem', 'HTTPS with a fresh self-signed certificate; curl --cacert ca.pem URL')
    .epilogue(
      'Routes: / (fixed body), /bytes/N, /delay/MS, /stats (JSON counters), anything else 404; HEAD everywhere.\n' +
        'Prints the listening URL as the only line on stdout; SIGINT/SIGTERM shut down gracefully and exit 0.\n' +
        'With --tls, stderr first gets one line: tls: certificate sha256 AB:CD:... (self-signed for localhost, 127.0.0.1, ::1).',
    ) as unknown as Argv<ServeArgs>;
}

/** `--workers N` or `auto`; absent = 1 (one process, no cluster). */
export function parseServeWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value.trim() === 'auto') return os.availableParallelism();
  return parseInteger(value, 'workers', 1, 1024);
}

/** `--workers N` (N > 1): a cluster; one URL line; a worker that dies on its own stops the cluster with exit 1. */
async function serveCluster(config: ServerConfig, workers: number): Promise<void> {
  const server = await startCluster(config, workers);
  // Listen for the stop signals before printing the URL: a script may signal as soon as it reads it.
  const outcome = new Promise<Error | null>((resolve) => {
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
    void server.failure.then(resolve);
  });
  process.stdout.write(`${server.url}\n`);
  const failure = await outcome;
  await server.close(failure === null ? config.shutdownGraceMs : 0);
  if (failure !== null) {
    process.stderr.write(`bench: ${failure.message}; the other workers were stopped\n`);
    process.exitCode = 1;
    return;
  }
  setTimeout(() => process.exit(0), 1000).unref();
}

async function handler(argv: ServeArgs): Promise<void> {
  const config = parseServeArgs(argv);
  const workers = parseServeWorkers(argv.workers);
  if (workers > 1) return serveCluster(config, workers);
  if (config.logLiveness) setLivenessSink((event) => process.stderr.write(formatLivenessEvent(event, Date.now())));
  const server = await startServer(config);
  if (server.tls !== null) process.stderr.write(`${formatCertificateLine(server.tls)}\n`);
  // Signals first, then the URL: a script may signal as soon as it reads the line (without a listener, SIGTERM kills).
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(`${server.url}\n`);
  await stopped;
  await server.close();
  // Everything is closed, so the process exits by itself; this unref'd timer only guards against a stray handle.
  setTimeout(() => process.exit(0), 1000).unref();
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Run the embedded HTTP/1.x server (close or keep-alive mode)',
  builder,
  handler,
};
