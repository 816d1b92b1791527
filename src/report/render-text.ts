// Human-readable summaries of run reports (pure: returns strings; the CLI prints them).

import Table from 'cli-table3';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import type { LatencySummary } from '../measurements.js';
import type { RunReport } from './schema.js';

// No colours: output is often piped into files and CI logs.
const PLAIN = { head: [] as string[], border: [] as string[], compact: true };

const fmt = (value: number, digits = 2): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 0 });
const bytesPerSec = (value: number): string =>
  value >= 1024 * 1024 ? `${fmt(value / 1024 / 1024)} MiB/s` : `${fmt(value / 1024)} KiB/s`;
/** Handshakes per request: 1.000 for HTTP/1.0, 3 significant digits when tiny (keep-alive: 0.000770). */
export const perRequest = (value: number): string => (value >= 0.1 || value === 0 ? fmt(value, 3) : String(Number(value.toPrecision(3))));
const orDash = (value: number | null, render: (n: number) => string = int): string => (value === null ? '—' : render(value));
/** A count the engine could not tell (null): said so, never shown as 0. */
const orUnknown = (value: number | null): string => (value === null ? 'unknown' : int(value));

function wireName(report: RunReport): string {
  const mode = report.config.mode;
  if (mode === '1.0') {
    return report.config.keepAlive === true ? 'HTTP/1.0 with Connection: keep-alive, reused while the server agrees' : 'HTTP/1.0, a connection per request';
  }
  if (mode === '1.1') return 'HTTP/1.1 keep-alive';
  return `HTTP/1.1 pipelined, depth ${report.config.pipelining}`;
}

function latencyRow(name: string, summary: LatencySummary): string[] {
  return [name, ...[summary.min, summary.p50, summary.p90, summary.p99, summary.p999, summary.max, summary.mean, summary.stdev].map((v) => fmt(v, 3))];
}

/** The summary printed after one run (or one merged --runs N series). */
export function renderRunSummary(report: RunReport, path: string | null = null): string {
  const lines: string[] = [];
  const requests = report.requests;
  const scope = report.config.requests !== null ? `${int(report.config.requests)} requests` : `${fmt(report.config.durationMs / 1000, 1)} s`;
  lines.push(
    `h1bench ${report.tool.version} · mode ${report.config.mode} (${wireName(report)}) · ${report.config.connections} connections · ` +
      `${scope} · ${report.engine.name} engine${report.runs ? ` · ${report.runs.length} runs merged` : ''}`,
  );
  lines.push(
    `target ${report.target.url} (${report.target.embedded ? `embedded server, ${report.target.serverMode} mode` : 'external server'})` +
      (report.label ? ` · label ${report.label}` : ''),
  );
  if (report.interrupted) lines.push('INTERRUPTED: partial results up to Ctrl-C.');

  const latency = new Table({ head: ['ms', 'min', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'stdev'], style: PLAIN });
  latency.push(latencyRow(report.coordinatedOmission.corrected ? 'latency (corrected)' : 'latency', report.latencyMs));
  if (report.uncorrectedLatencyMs) latency.push(latencyRow('latency (uncorrected)', report.uncorrectedLatencyMs));
  if (report.sendLagMs) latency.push(latencyRow('send lag', report.sendLagMs));
  latency.push(latencyRow('connect', report.connectMs), latencyRow('ttfb', report.ttfbMs));
  lines.push(latency.toString());

  const hs = report.handshakes;
  const kernel = hs.kernel ? `${int(hs.kernel.activeOpens)} (${hs.kernel.scope} scope)` : '—';
  const facts: Array<[string, string]> = [
    ['throughput', `${fmt(report.throughput.requestsPerSec)} req/s · ${bytesPerSec(report.throughput.bytesPerSec)} over ${fmt(report.durationSec, 3)} s`],
    [
      'requests',
      `${int(requests.sent)} sent · ${int(requests.completed)} completed · ${int(requests.non2xx)} non-2xx · ${int(requests.errors)} errors` +
        (requests.resent == null ? '' : ` · ${int(requests.resent)} resent`) +
        (requests.abandoned == null ? '' : ` · ${int(requests.abandoned)} abandoned`),
    ],
    ['handshakes', `client ${orDash(hs.client)} · server ${orDash(hs.server)} · kernel ${kernel}${hs.wire === undefined ? '' : ` · wire ${int(hs.wire)}`} · ${perRequest(hs.perRequest)} per request`],
    ...(report.teardowns
      ? [['teardowns', `wire: server first ${int(report.teardowns.wire.serverFirst)} · client first ${int(report.teardowns.wire.clientFirst)} · reset ${int(report.teardowns.wire.reset)}`] as [string, string]]
      : []),
    [
      'connections',
      `${int(report.connections.opened)} opened · closed by server ${orUnknown(report.connections.closedByServer)} · by client ` +
        `${orUnknown(report.connections.closedByClient)} · reset ${int(report.connections.reset)} · max open ${int(report.connections.maxOpen)}`,
    ],
    ['TIME_WAIT', `port ${report.timeWait.port}: server side ${int(report.timeWait.serverSide)} · client side ${int(report.timeWait.clientSide)}`],
    ['generator CPU', cpuText(report)],
  ];
  if (report.server.cpuSec !== null) facts.push(['server CPU', `${fmt(report.server.cpuSec, 2)} s`]);
  facts.push(['latency', report.coordinatedOmission.corrected ? 'open loop, corrected for coordinated omission' : 'closed loop (not corrected for coordinated omission; see --rate)']);
  const width = Math.max(...facts.map(([name]) => name.length));
  for (const [name, value] of facts) lines.push(`${name.padEnd(width)}  ${value}`);

  const errors = Object.entries(report.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length > 0) {
    lines.push(`errors: ${errors.map(([code, count]) => `${code} ${int(count)}`).join(' · ')}`);
    for (const [code] of errors) {
      const spec = (ERROR_CODES as Record<string, { description: string } | undefined>)[code as ErrorCode];
      if (spec) lines.push(`  ${code}: ${spec.description}`);
    }
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (path) lines.push(`report: ${path}`);
  return lines.join('\n');
}

function cpuText(report: RunReport): string {
  const total = report.cpu.userSec + report.cpu.systemSec;
  const per = report.cpu.perHundredKRequestsSec;
  return `${fmt(total, 2)} s (user ${fmt(report.cpu.userSec, 2)}, system ${fmt(report.cpu.systemSec, 2)})` +
    (per === null ? '' : ` · ${fmt(per, 3)} s per 100k requests`);
}

/** Three significant digits, so 0.0008 per request against 1.0 reads 0.000765×, not 0.00×. */
function ratioText(value: number): string {
  if (value === 0) return '0';
  return Math.abs(value) >= 100 ? int(value) : String(Number(value.toPrecision(3)));
}

interface Row {
  name: string;
  value: (report: RunReport) => number | null;
  render: (value: number) => string;
}

const ROWS: Row[] = [
  { name: 'requests/s', value: (r) => r.throughput.requestsPerSec, render: (v) => fmt(v) },
  { name: 'latency p50 ms', value: (r) => r.latencyMs.p50, render: (v) => fmt(v, 3) },
  { name: 'latency p99 ms', value: (r) => r.latencyMs.p99, render: (v) => fmt(v, 3) },
  { name: 'connect p50 ms', value: (r) => (r.connections.opened > 0 ? r.connectMs.p50 : null), render: (v) => fmt(v, 3) },
  { name: 'ttfb p50 ms', value: (r) => r.ttfbMs.p50, render: (v) => fmt(v, 3) },
  { name: 'completed', value: (r) => r.requests.completed, render: int },
  { name: 'handshakes (client)', value: (r) => r.handshakes.client, render: int },
  { name: 'handshakes (server)', value: (r) => r.handshakes.server, render: int },
  { name: 'handshakes (kernel)', value: (r) => r.handshakes.kernel?.activeOpens ?? null, render: int },
  { name: 'handshakes per request', value: (r) => r.handshakes.perRequest, render: perRequest },
  { name: 'TIME_WAIT server side', value: (r) => r.timeWait.serverSide, render: int },
  { name: 'TIME_WAIT client side', value: (r) => r.timeWait.clientSide, render: int },
  { name: 'CPU s per 100k req', value: (r) => r.cpu.perHundredKRequestsSec, render: (v) => fmt(v, 3) },
  { name: 'errors', value: (r) => r.requests.errors, render: int },
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
      cells.push(a !== null && a !== undefined && b !== null && b !== undefined && a !== 0 ? `${ratioText(b / a)}×` : '—');
    }
    table.push([row.name, ...cells]);
  }
  return table.toString();
}
