// Human-readable summary of a heartbeat report (pure: returns a string; the command prints it).

import Table from 'cli-table3';
import { count as int, DASH, fixed as num, formatBytes, formatBytesPerSec, msNumber } from '../report/formats/units.js';
import { pathFacts } from '../report/path-section.js';
import type { RunReport } from '../report/schema.js';

const PLAIN = { head: [] as string[], border: [] as string[], compact: true };
const dist = (d: { p50: number; p99: number; max: number } | null): string =>
  d === null ? DASH : `p50 ${msNumber(d.p50)} · p99 ${msNumber(d.p99)} · max ${msNumber(d.max)} ms`;

/** The heartbeat summary: one header line, a table of what was detected and what it cost, the notes and the path. */
export function renderHeartbeatSummary(report: RunReport, path: string | null): string {
  const hb = report.heartbeat;
  if (hb === undefined) throw new Error('renderHeartbeatSummary needs a heartbeat report');
  const lines: string[] = [];
  lines.push(
    `h1bench ${report.tool.version} · heartbeat · HTTP/${hb.mode}${hb.mode === '1.1' ? ' keep-alive' : ', a connection per beat'} · ` +
      `${int(hb.clients)} clients in ${hb.processes} process(es) · every ${int(hb.intervalMs)} ms · timeout ${int(hb.timeoutMs)} ms · ${num(hb.durationSec, 1)} s`,
  );
  lines.push(`target ${report.target.url}${report.target.embedded ? ' (embedded server)' : ''}`);
  if (report.interrupted) lines.push('INTERRUPTED: partial results up to Ctrl-C.');
  const t = new Table({ style: PLAIN });
  const rows: Array<[string, string]> = [];
  if (hb.offlineMode !== null) {
    rows.push([
      `offline (${hb.offlineMode})`,
      `${int(hb.offlineInjected)} injected · ${int(hb.detected)} detected · ${int(hb.missed)} missed · ` +
        `${int(hb.detectedWithinBudget)} within timeout + interval (${int(hb.detectionBudgetMs)} ms)`,
    ]);
    rows.push(['detection (server)', dist(hb.detectionMs)]);
    if (hb.connectionEndSeenMs !== null) rows.push(['FIN/RST seen by server', dist(hb.connectionEndSeenMs)]);
  }
  rows.push(['false positives', `${int(hb.falsePositives)} healthy client(s) marked offline · ${int(hb.clientFalseAlarms)} client timeout(s) while the server was up`]);
  if (hb.serverDownDetectedMs !== null) {
    const sd = hb.serverDownDetectedMs;
    rows.push(['server down noticed', `${int(sd.noticedBy)} of ${int(sd.noticedBy + hb.serverDownMissed)} clients · ${dist(sd.noticedBy > 0 ? sd : null)}`]);
  }
  const rtt = hb.heartbeatRttMs;
  rows.push(['heartbeat RTT', dist(rtt)]);
  rows.push([
    'beats',
    `${int(hb.beats.sent)} sent · ${int(hb.beats.answered)} answered · ${int(hb.beats.skipped)} skipped · ${int(hb.beats.timeouts)} timed out`,
  ]);
  const pre = hb.preopenedConnections > 0 ? ` (+${int(hb.preopenedConnections)} opened by one warm-up beat per client before the run)` : '';
  rows.push([
    'handshakes',
    `${int(hb.handshakes.total)} during the run, ${num(hb.handshakes.perSecond, 1)}/s${pre} · connect p50 ${msNumber(hb.connectMs.p50)} ms`,
  ]);
  rows.push(['traffic', `${formatBytesPerSec(hb.bytesPerSec)} (both directions)`]);
  const s = hb.server;
  if (s.cpuSec !== null) {
    rows.push([
      'server CPU',
      `${num(s.cpuSec, 2)} s (${num((hb.serverCpuCoreShare ?? 0) * 100, 1)}% of a core) · ${num(s.cpuSecPerThousandClients ?? 0, 3)} s per 1,000 clients`,
    ]);
  }
  if (s.maxRssBytes !== null) {
    rows.push(['server RSS', `peak ${formatBytes(s.maxRssBytes)} · ${s.rssBytesPerThousandClients === null ? DASH : formatBytes(s.rssBytesPerThousandClients)} per 1,000 clients`]);
  }
  if (hb.tcpKeepAlive !== null) rows.push(['TCP keepalive', `after ${int(hb.tcpKeepAlive.delayMs)} ms idle: ${int(hb.tcpKeepAlive.detected)} connection(s) ended by the kernel`]);
  rows.push(['send lag', `p99 ${msNumber(hb.sendLagMs.p99)} · max ${msNumber(hb.sendLagMs.max)} ms (client scheduling)`]);
  if (report.path) rows.push(...pathFacts(report.path));
  for (const row of rows) t.push(row);
  lines.push(t.toString());
  for (const note of hb.notes) lines.push(`note: ${note}`);
  if (path !== null) lines.push(`report: ${path}`);
  return lines.join('\n');
}
