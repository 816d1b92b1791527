// Human-readable summaries of run reports (pure: returns strings; the CLI prints them).

import Table from 'cli-table3';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { pathFacts } from './path-section.js';
import { runSamples } from './compare.js';
import { runDistributions, TABLE_PERCENTILES } from './distribution.js';
import { kernelCountExplanation, timeWaitExplanation } from './explain.js';
import {
  count,
  DASH,
  formatBytesPerSec,
  formatPerRequest,
  formatRate,
  formatRatio,
  formatSeconds,
  formatUs,
  msNumber,
  rateNumber,
} from './formats/units.js';
import type { RunReport } from './schema.js';
import { median } from './stats.js';

// No colours: output is often piped into files and CI logs.
const PLAIN = { head: [] as string[], border: [] as string[], compact: true };

/** Handshakes per request: 1.000 for HTTP/1.0, 3 significant digits when tiny (keep-alive: 0.000770). */
export const perRequest = formatPerRequest;
const orDash = (value: number | null, render: (n: number) => string = count): string => (value === null ? DASH : render(value));
/** A count the engine could not tell (null): said so, never shown as 0. */
const orUnknown = (value: number | null): string => (value === null ? 'unknown' : count(value));

function wireName(report: RunReport): string {
  const mode = report.config.mode;
  if (mode === '1.0') {
    return report.config.keepAlive === true ? 'HTTP/1.0 with Connection: keep-alive, reused while the server agrees' : 'HTTP/1.0, a connection per request';
  }
  if (mode === '1.1') return 'HTTP/1.1 keep-alive';
  return `HTTP/1.1 pipelined, depth ${report.config.pipelining}`;
}

/** wrk --latency / autocannon -l: the distribution by percentile, from the merged HdrHistograms. */
function distributionTable(report: RunReport): string {
  const head = ['ms', 'min', ...TABLE_PERCENTILES.map((p) => `p${p}`), 'max', 'mean'];
  const table = new Table({ head, style: PLAIN, colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
  const cell = (value: number | null): string => (value === null ? DASH : msNumber(value));
  for (const { name, row } of runDistributions(report)) {
    table.push([name, cell(row.minMs), ...row.percentilesMs.map(cell), cell(row.maxMs), cell(row.meanMs)]);
  }
  return table.toString();
}

/** With --runs N: each run's headline figures and their spread, so run-to-run noise is visible before comparing. */
function spreadTable(report: RunReport): string | null {
  const runs = runSamples(report);
  if (runs.length < 2) return null;
  const head = ['run', 'req/s', 'p50 ms', 'p99 ms', 'completed', 'errors'];
  const table = new Table({ head, style: PLAIN, colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
  runs.forEach((run, index) => {
    const done = run.requests.completed > 0;
    table.push([
      `#${index + 1}${run.interrupted ? ' (interrupted)' : ''}`,
      rateNumber(run.throughput.requestsPerSec),
      done ? msNumber(run.latencyMs.p50) : DASH,
      done ? msNumber(run.latencyMs.p99) : DASH,
      count(run.requests.completed),
      count(run.requests.errors),
    ]);
  });
  const pick = (get: (run: (typeof runs)[number]) => number): number[] => runs.map(get);
  const spread = (values: number[]): string => {
    const mid = median(values);
    return mid > 0 ? `±${(((Math.max(...values) - Math.min(...values)) / 2 / mid) * 100).toFixed(1)}%` : DASH;
  };
  const rps = pick((run) => run.throughput.requestsPerSec);
  const p50 = pick((run) => run.latencyMs.p50);
  const p99 = pick((run) => run.latencyMs.p99);
  table.push(['median', rateNumber(median(rps)), msNumber(median(p50)), msNumber(median(p99)), '', '']);
  table.push(['spread (range/2)', spread(rps), spread(p50), spread(p99), '', '']);
  return table.toString();
}

/** The summary printed after one run (or one merged --runs N series). */
export function renderRunSummary(report: RunReport, path: string | null = null): string {
  const lines: string[] = [];
  const requests = report.requests;
  const scope = report.config.requests !== null ? `${count(report.config.requests)} requests` : formatSeconds(report.config.durationMs / 1000);
  lines.push(
    `h1bench ${report.tool.version} · mode ${report.config.mode} (${wireName(report)}) · ${report.config.connections} connections · ` +
      `${scope} · ${report.engine.name} engine${report.runs ? ` · ${report.runs.length} runs merged` : ''}`,
  );
  lines.push(
    `target ${report.target.url}${addressText(report)} (${report.target.embedded ? `embedded server, ${report.target.serverMode} mode` : 'external server'})` +
      (report.label ? ` · label ${report.label}` : ''),
  );
  if (report.target.tls) lines.push(`tls ${report.target.tls.protocol} · ${report.target.tls.cipher} · ALPN ${report.target.tls.alpn ?? 'none'}`);
  if (report.interrupted) lines.push('INTERRUPTED: partial results up to the stop signal.');

  lines.push(distributionTable(report));
  const spread = spreadTable(report);
  if (spread !== null) lines.push(spread);

  const hs = report.handshakes;
  const kernel = hs.kernel ? `${count(hs.kernel.activeOpens)} (${hs.kernel.scope} scope)` : DASH;
  const facts: Array<[string, string]> = [
    ['throughput', `${formatRate(report.throughput.requestsPerSec)} · ${formatBytesPerSec(report.throughput.bytesPerSec)} over ${formatSeconds(report.durationSec)}`],
    [
      'requests',
      `${count(requests.sent)} sent · ${count(requests.completed)} completed · ${count(requests.non2xx)} non-2xx · ${count(requests.errors)} errors` +
        (requests.resent == null ? '' : ` · ${count(requests.resent)} resent`) +
        (requests.abandoned == null ? '' : ` · ${count(requests.abandoned)} abandoned`),
    ],
    ['handshakes', `client ${orDash(hs.client)} · server ${orDash(hs.server)} · kernel ${kernel}${hs.wire === undefined ? '' : ` · wire ${count(hs.wire)}`} · ${perRequest(hs.perRequest)} per request`],
    ...(hs.tls ? [['tls handshakes', tlsText(report)] as [string, string]] : []),
    ...(report.teardowns
      ? [['teardowns', `wire: server first ${count(report.teardowns.wire.serverFirst)} · client first ${count(report.teardowns.wire.clientFirst)} · reset ${count(report.teardowns.wire.reset)}`] as [string, string]]
      : []),
    [
      'connections',
      `${count(report.connections.opened)} opened · closed by server ${orUnknown(report.connections.closedByServer)} · by client ` +
        `${orUnknown(report.connections.closedByClient)} · reset ${count(report.connections.reset)} · max open ${count(report.connections.maxOpen)}`,
    ],
    ['TIME_WAIT', `port ${report.timeWait.port}: server side ${count(report.timeWait.serverSide)} · client side ${count(report.timeWait.clientSide)}`],
    ['generator CPU', cpuText(report)],
  ];
  if (report.server.cpuSec !== null) facts.push(['server CPU', serverCpuText(report)]);
  if (report.path) facts.push(...pathFacts(report.path));
  facts.push(['latency', report.coordinatedOmission.corrected ? 'open loop, corrected for coordinated omission' : 'closed loop (not corrected for coordinated omission; see --rate)']);
  const width = Math.max(...facts.map(([name]) => name.length));
  for (const [name, value] of facts) lines.push(`${name.padEnd(width)}  ${value}`);

  const errors = Object.entries(report.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length > 0) {
    lines.push(`errors: ${errors.map(([code, n]) => `${code} ${count(n)}`).join(' · ')}`);
    for (const [code] of errors) {
      const spec = (ERROR_CODES as Record<string, { description: string } | undefined>)[code as ErrorCode];
      if (spec) lines.push(`  ${code}: ${spec.description}`);
      // The first kept sample says why this time, where in the exchange, and on which connection.
      const sample = report.errorSamples[code]?.[0];
      if (sample !== undefined) {
        const ends = sample.local === null ? (sample.remote ?? '') : `${sample.local} → ${sample.remote ?? '?'}`;
        lines.push(`    e.g. at ${sample.atSec.toFixed(3)} s, ${sample.phase}${ends === '' ? '' : `, ${ends}`}: ${sample.reason}`);
      }
    }
  }
  // Where two counts that should agree do not, say why right here (the report's `sources` says it too).
  const timeWait = timeWaitExplanation(report);
  if (timeWait !== null) lines.push(`why: ${timeWait}`);
  const kernelWhy = kernelCountExplanation(report);
  if (kernelWhy !== null) lines.push(`why: ${kernelWhy}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (path) lines.push(`report: ${path}`);
  return lines.join('\n');
}

/** ` at [::1]:8443`: the address loaded, shown only when the URL does not already name it. */
function addressText(report: RunReport): string {
  const address = report.target.address;
  if (address === undefined) return '';
  const host = new URL(report.target.url).hostname.replace(/^\[(.*)\]$/, '$1');
  return host === address ? '' : ` at ${address.includes(':') ? `[${address}]` : address}`;
}

/** Client full · resumed, and the server's view when it has one. */
function tlsText(report: RunReport): string {
  const client = report.handshakes.tls!;
  const server = report.server.statsDelta?.tlsHandshakes ?? null;
  return `client full ${count(client.full)} · resumed ${count(client.resumed)}` +
    (server === null ? '' : ` · server full ${count(server.full)} · resumed ${count(server.resumed)} · failed ${count(server.failed)}`);
}

function cpuText(report: RunReport): string {
  const total = report.cpu.userSec + report.cpu.systemSec;
  const completed = report.requests.completed;
  return `${formatSeconds(total)} (user ${formatSeconds(report.cpu.userSec)}, system ${formatSeconds(report.cpu.systemSec)})` +
    (completed > 0 ? ` · ${formatUs((total / completed) * 1e6)} per request` : '');
}

function serverCpuText(report: RunReport): string {
  const cpu = report.server.cpuSec ?? 0;
  const completed = report.requests.completed;
  return `${formatSeconds(cpu)}${completed > 0 ? ` · ${formatUs((cpu / completed) * 1e6)} per request` : ''}`;
}

interface Row {
  name: string;
  value: (report: RunReport) => number | null;
  render: (value: number) => string;
}

const done = (r: RunReport): boolean => r.requests.completed > 0;

const ROWS: Row[] = [
  { name: 'requests/s', value: (r) => r.throughput.requestsPerSec, render: rateNumber },
  { name: 'latency p50 ms', value: (r) => (done(r) ? r.latencyMs.p50 : null), render: msNumber },
  { name: 'latency p99 ms', value: (r) => (done(r) ? r.latencyMs.p99 : null), render: msNumber },
  { name: 'connect p50 ms', value: (r) => (r.connections.opened > 0 ? r.connectMs.p50 : null), render: msNumber },
  { name: 'first byte p50 ms', value: (r) => (done(r) ? r.ttfbMs.p50 : null), render: msNumber },
  { name: 'completed', value: (r) => r.requests.completed, render: count },
  { name: 'handshakes (client)', value: (r) => r.handshakes.client, render: count },
  { name: 'handshakes (server)', value: (r) => r.handshakes.server, render: count },
  { name: 'handshakes (kernel)', value: (r) => r.handshakes.kernel?.activeOpens ?? null, render: count },
  { name: 'handshakes per request', value: (r) => r.handshakes.perRequest, render: perRequest },
  { name: 'TIME_WAIT server side', value: (r) => r.timeWait.serverSide, render: count },
  { name: 'TIME_WAIT client side', value: (r) => r.timeWait.clientSide, render: count },
  { name: 'client CPU per request', value: (r) => (done(r) ? ((r.cpu.userSec + r.cpu.systemSec) / r.requests.completed) * 1e6 : null), render: formatUs },
  { name: 'server CPU per request', value: (r) => (done(r) && r.server.cpuSec !== null ? (r.server.cpuSec / r.requests.completed) * 1e6 : null), render: formatUs },
  { name: 'errors', value: (r) => r.requests.errors, render: count },
];

/** Several runs side by side (e.g. 1.0 vs 1.1); with exactly two, a last column gives second ÷ first. */
export function renderSideBySide(reports: readonly RunReport[]): string {
  const heads = reports.map((report) => (report.label ? `${report.label} (${report.config.mode})` : `mode ${report.config.mode}`));
  const ratio = reports.length === 2;
  const head = ['', ...heads, ...(ratio ? [`${heads[1]} ÷ ${heads[0]}`] : [])];
  const table = new Table({ head, style: PLAIN, colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
  for (const row of ROWS) {
    const values = reports.map(row.value);
    const cells = values.map((value) => orDash(value, row.render));
    if (ratio) {
      const [a, b] = values;
      cells.push(a !== null && a !== undefined && b !== null && b !== undefined && a !== 0 ? formatRatio(b / a) : DASH);
    }
    table.push([row.name, ...cells]);
  }
  return table.toString();
}
