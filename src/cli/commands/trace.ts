// `bench trace`: capture a tiny exchange (or read a pcap/pcapng file) and print a ladder diagram per TCP connection.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { H1Error } from '../../errors.js';
import { runTrace } from '../../runner/trace.js';
import { analyzeCapture, type CaptureAnalysis } from '../../wire/analyze.js';
import type { CaptureStats } from '../../wire/capture.js';
import { renderLadder } from '../../wire/ladder.js';
import { interruptibly } from '../interrupt.js';
import { parseChoice, parseDurationMs, parseInteger } from '../options.js';
import { parseResolvePins, parseTlsClient, targetOptions, validateUrl, type TargetArgs } from '../target-options.js';
import { parseSinglePath, pathOptions, type PathArgs } from '../path-options.js';

interface TraceArgs extends Omit<TargetArgs, 'tlsResume' | 'cert' | 'key'>, PathArgs {
  mode?: string;
  requests?: string;
  pcap?: string;
  port?: string;
  write?: string;
  limit?: string;
  timeout?: string;
  json?: boolean;
}

const TRACE_MODES = ['1.0', '1.1'] as const;

function builder(yargs: Argv): Argv<TraceArgs> {
  const own = yargs
    .option('mode', { type: 'string', describe: 'HTTP/1.0 (a connection per request) or 1.1 (one keep-alive connection) [default: 1.0]' })
    .option('requests', { alias: 'n', type: 'string', describe: 'Requests to send [default: 3]' })
    .option('url', { type: 'string', describe: 'Trace this server (any http:// or https:// URL) instead of the embedded one' })
    .option('tls', { type: 'boolean', describe: 'The embedded server over HTTPS: the ladder shows the TLS records' })
    .option('pcap', { type: 'string', describe: 'Read an existing capture (tcpdump pcap or Wireshark pcapng) instead of capturing' })
    .option('port', { type: 'string', describe: 'With --pcap: only connections to or from this (server) port' })
    .option('write', { alias: 'w', type: 'string', describe: 'Keep the capture in this pcap file (open it in Wireshark)' })
    .option('limit', { type: 'string', describe: 'Draw at most this many connections (the summary counts all) [default: 20]' })
    .option('timeout', { type: 'string', requiresArg: true, describe: 'Per-request timeout [default: 10s]' })
    .option('json', { type: 'boolean', describe: 'Print the reconstructed connections as JSON instead of the ladder' })
    .example('$0 trace --mode 1.0 -n 3', 'watch three HTTP/1.0 handshakes and server-first closes')
    .example('$0 trace --tls --mode 1.1 -n 2', 'a TLS handshake on the wire: ClientHello, ServerHello, encrypted records')
    .example('$0 trace --pcap capture.pcapng --port 8080', 'ladder of an existing capture')
    .example('$0 trace --rtt 20ms --mode 1.0 -n 2', 'the ladder across an emulated 20 ms path: real gaps between SYN, SYN-ACK and ACK (root)');
  // The command's own options first in --help, then the target's TLS options, then the emulated path's.
  return pathOptions(targetOptions(own)) as unknown as Argv<TraceArgs>;
}

async function handler(argv: TraceArgs): Promise<void> {
  const limit = parseInteger(argv.limit ?? 20, 'limit', 1);
  if (argv.pcap !== undefined) {
    for (const option of ['mode', 'requests', 'url', 'write', 'timeout', 'rtt', 'tls', 'ca', 'insecure', 'servername', 'tlsMax', 'resolve'] as const) {
      if (argv[option] !== undefined && argv[option] !== false) throw new H1Error('H1B_INVALID_OPTION', `--${option} does not apply to --pcap (which reads a capture made elsewhere)`);
    }
    const port = argv.port === undefined ? null : parseInteger(argv.port, 'port', 1, 65_535);
    let bytes: Buffer;
    try {
      bytes = await readFile(argv.pcap);
    } catch (error) {
      throw new H1Error('H1B_INVALID_OPTION', `--pcap ${argv.pcap} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    print(analyzeCapture(bytes, { serverPort: port }), null, argv.json === true, limit);
    return;
  }
  if (argv.port !== undefined) throw new H1Error('H1B_INVALID_OPTION', '--port applies to --pcap only; a live trace uses the target port');
  const mode = parseChoice(argv.mode ?? '1.0', 'mode', TRACE_MODES);
  const requests = parseInteger(argv.requests ?? 3, 'requests', 1, 1000);
  const timeoutMs = parseDurationMs(argv.timeout ?? '10s', 'timeout');
  const url = argv.url === undefined ? null : validateUrl(argv.url);
  const tls = parseTlsClient(argv, url);
  const resolve = parseResolvePins(argv.resolve);
  const path = parseSinglePath(argv);
  if (path !== null && argv.url !== undefined) throw new H1Error('H1B_INVALID_OPTION', '--rtt traces the embedded server across an emulated path; drop --url');

  const dir = argv.write === undefined ? await mkdtemp(join(tmpdir(), 'h1b-trace-')) : null;
  const file = argv.write ?? join(dir!, 'trace.pcap');
  const interruption = interruptibly('the trace');
  try {
    const trace = await runTrace({ url, mode, requests, file, timeoutMs, path, tls, resolve }, (target) => {
      const what = target.embedded ? `embedded server, ${target.serverMode} mode` : 'given server';
      const at = target.address === undefined ? '' : ` at ${target.address}`;
      const where = path ? `across an emulated ${path.rttMs} ms path, captured in the client namespace` : '';
      process.stderr.write(`bench trace: ${requests} request(s) over HTTP/${mode}${tls === null ? '' : ' over TLS'} to ${target.url}${at} (${what}), tcp port ${target.port}${where === '' ? '' : ` ${where}`}\n`);
    }, interruption.signal);
    print(trace.analysis, trace.capture, argv.json === true, limit);
    if (argv.write !== undefined) process.stderr.write(`bench trace: capture written to ${argv.write}\n`);
    if (interruption.exitCode !== null) process.exitCode = interruption.exitCode;
    // The ladder above shows how it failed (a closed port: SYN answered by RST); the error says so in words.
    else if (trace.failure !== null) throw trace.failure;
  } finally {
    interruption.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

function print(analysis: CaptureAnalysis, capture: CaptureStats | null, json: boolean, limit: number): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ file: analysis.file, capture, flows: analysis.flows }, null, 2)}\n`);
  } else {
    process.stdout.write(renderLadder(analysis.flows, { maxConnections: limit }));
  }
  for (const warning of warnings(analysis, capture)) process.stderr.write(`bench trace: ${warning}\n`);
}

function warnings(analysis: CaptureAnalysis, capture: CaptureStats | null): string[] {
  const out: string[] = [];
  if (analysis.file.truncated) out.push('the capture file ends inside a packet (tcpdump was killed?); the last packet is missing');
  if (capture && capture.droppedByKernel) {
    out.push(`tcpdump reports ${capture.droppedByKernel} packet(s) dropped by the kernel: the counts above are incomplete`);
  }
  if (capture && !capture.flushed) out.push('tcpdump did not confirm the flush; the last packets may be missing');
  if (analysis.file.unsupportedLinkType > 0) out.push(`${analysis.file.unsupportedLinkType} packet(s) on interfaces of undecoded link types were skipped`);
  if (analysis.flows.connections.length === 0) out.push('no TCP connection in the capture (wrong --port? capture on another interface?)');
  return out;
}

export const traceCommand: CommandModule<object, TraceArgs> = {
  command: 'trace',
  describe: 'Show handshakes and teardowns on the wire: a ladder diagram per TCP connection (live capture with tcpdump, or --pcap FILE)',
  builder,
  handler,
};
