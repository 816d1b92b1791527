// The heartbeat section of a report page: failure detection and cost of heartbeat runs (`bench heartbeat`).

import type { HeartbeatSection } from '../schema.js';
import type { NamedRun } from './charts.js';
import { count, DASH, decimal, formatBytesPerSec } from '../formats/units.js';
import { escapeHtml } from './escape.js';
import { runHeading } from './sections.js';

type Row = [string, (h: HeartbeatSection) => string];

const num = (value: number | null | undefined): string => (value === null || value === undefined ? DASH : decimal(value));
const int = count;
const spread = (value: { p50: number; p99: number; max: number } | null): string =>
  value === null ? '–' : `p50 ${num(value.p50)} · p99 ${num(value.p99)} · max ${num(value.max)} ms`;

const ROWS: readonly Row[] = [
  ['clients', (h) => `${int(h.clients)} × HTTP/${h.mode}`],
  ['interval / timeout', (h) => `${int(h.intervalMs)} ms / ${int(h.timeoutMs)} ms`],
  ['offline injected', (h) => (h.offlineMode === null ? 'none' : `${int(h.offlineInjected)} (${h.offlineMode})`)],
  ['detected / missed', (h) => `${int(h.detected)} / ${int(h.missed)}`],
  ['false positives', (h) => int(h.falsePositives)],
  ['detection time', (h) => spread(h.detectionMs)],
  ['server down noticed', (h) => (h.serverDownDetectedMs === null ? '–' : `${spread(h.serverDownDetectedMs)} by ${int(h.serverDownDetectedMs.noticedBy)}`)],
  ['heartbeat RTT', (h) => `p50 ${num(h.heartbeatRttMs.p50)} · p99 ${num(h.heartbeatRttMs.p99)} ms`],
  ['handshakes', (h) => `${int(h.handshakes.total)} (${num(h.handshakes.perSecond)}/s)`],
  ['traffic', (h) => formatBytesPerSec(h.bytesPerSec)],
  ['server CPU per 1000 clients', (h) => (h.server.cpuSecPerThousandClients === null ? '–' : `${num(h.server.cpuSecPerThousandClients)} s`)],
  ['server RSS per 1000 clients', (h) => (h.server.rssBytesPerThousandClients === null ? '–' : `${num(h.server.rssBytesPerThousandClients / 1048576)} MiB`)],
  ['TCP keepalive', (h) => (h.tcpKeepAlive === null ? 'off' : `${int(h.tcpKeepAlive.delayMs)} ms, detected ${int(h.tcpKeepAlive.detected)}`)],
];

/** A field-by-run table for the runs that carry a `heartbeat` section; '' when none does. */
export function heartbeatSection(runs: readonly NamedRun[]): string {
  const withHeartbeat = runs.filter((run) => run.report.heartbeat !== undefined);
  if (withHeartbeat.length === 0) return '';
  const head = `<thead><tr><th></th>${withHeartbeat.map((run) => `<th>${runHeading(run)}</th>`).join('')}</tr></thead>`;
  const body = ROWS.map(
    ([name, pick]) => `<tr><th scope="row">${escapeHtml(name)}</th>${withHeartbeat.map((run) => `<td>${escapeHtml(pick(run.report.heartbeat!))}</td>`).join('')}</tr>`,
  ).join('');
  return `<section class="heartbeat"><h2>Heartbeat</h2><table class="fields">${head}<tbody>${body}</tbody></table></section>`;
}
