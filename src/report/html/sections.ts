// Header sections of the report page: configuration, machine, warnings, summary table and notes (escaped HTML).

import type { MachineInfo } from '../../measurements.js';
import type { RunReport } from '../schema.js';
import type { NamedRun } from './charts.js';
import { count, DASH, formatBytesPerSec, formatMs, formatPerRequest, formatSeconds, formatUs, rateNumber } from '../formats/units.js';
import { escapeHtml } from './escape.js';

type Cell = string | number | boolean | null | undefined;

const int = count;
const text = (value: Cell): string => (value === null || value === undefined || value === '' ? DASH : String(value));
/** A latency figure, or `–` when nothing completed (an empty histogram summarises as 0, which is not a latency). */
const latency = (value: number, completed: number): string => (completed > 0 ? formatMs(value) : DASH);
const cpuPerRequest = (seconds: number | null | undefined, completed: number): string =>
  seconds === null || seconds === undefined || completed === 0 ? DASH : formatUs((seconds / completed) * 1e6);

function durationText(millis: number): string {
  return millis % 1000 === 0 ? `${millis / 1000} s` : `${millis} ms`;
}

/** A swatch in the run's colour followed by its name, so tables match the charts. */
export function runHeading(run: NamedRun): string {
  return `<span class="swatch" style="background:${escapeHtml(run.color)}"></span>${escapeHtml(run.name)}`;
}

/**
 * A field-by-run table. Rows whose values differ between runs are marked, since that is
 * usually what explains a difference in the charts below.
 */
function fieldTable(className: string, runs: readonly NamedRun[], rows: ReadonlyArray<[string, (run: NamedRun) => Cell]>): string {
  const head = runs.length > 1 ? `<thead><tr><th></th>${runs.map((run) => `<th>${runHeading(run)}</th>`).join('')}</tr></thead>` : '';
  const body = rows
    .map(([name, pick]) => {
      const cells = runs.map((run) => text(pick(run)));
      const differs = runs.length > 1 && new Set(cells).size > 1;
      return `<tr${differs ? ' class="differs"' : ''}><th scope="row">${escapeHtml(name)}</th>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="${className}">${head}<tbody>${body}</tbody></table>`;
}

const CONFIG_ROWS: ReadonlyArray<[string, (run: NamedRun) => Cell]> = [
  ['label', (run) => run.report.label],
  ['mode', (run) => run.report.config.mode + (run.report.config.mode === 'pipeline' ? ` (depth ${run.report.config.pipelining})` : '')],
  ['engine', (run) => (run.report.engine ? `${run.report.engine.name} ${run.report.engine.version} (HTTP/${run.report.engine.httpVersionOnWire} on the wire)` : run.report.config.engine)],
  ['target', (run) => `${run.report.target.url}${run.report.target.embedded ? ' (embedded server)' : ''}`],
  ['server mode', (run) => run.report.target.serverMode],
  ['connections', (run) => run.report.config.connections],
  ['length', (run) => (run.report.config.requests !== null ? `${int(run.report.config.requests)} requests` : durationText(run.report.config.durationMs))],
  ['warm-up', (run) => durationText(run.report.config.warmupMs)],
  ['load', (run) => (run.report.config.rate !== null ? `open loop, ${run.report.config.rate} req/s` : 'closed loop')],
  ['coordinated omission', (run) => (run.report.coordinatedOmission.corrected ? `corrected (${run.report.coordinatedOmission.method})` : 'not corrected (closed loop)')],
  ['timeout', (run) => (run.report.config.timeoutMs > 0 ? durationText(run.report.config.timeoutMs) : 'none')],
  ['request', (run) => `${run.report.config.method}, ${run.report.config.headers.length} extra headers${run.report.config.body !== null ? `, ${run.report.config.body.length}-char body` : ''}`],
  ['repeats', (run) => run.report.config.runs],
  ['started', (run) => run.report.startedAt],
  ['measured', (run) => formatSeconds(run.report.durationSec)],
  ['h1bench', (run) => run.report.tool.version],
];

export function configSection(runs: readonly NamedRun[]): string {
  return `<section class="config"><h2>Configuration</h2>${fieldTable('fields', runs, CONFIG_ROWS)}</section>`;
}

const MACHINE_ROWS: ReadonlyArray<[string, (machine: MachineInfo) => Cell]> = [
  ['CPU', (m) => m.cpuModel],
  ['cores', (m) => m.cores],
  ['Node.js', (m) => m.node],
  ['kernel', (m) => m.kernel],
  ['platform', (m) => m.platform],
  ['host', (m) => m.hostname],
];

/** Machines: one column when every run came from the same machine (the usual case). */
export function machineSection(runs: readonly NamedRun[]): string {
  const keys = new Set(runs.map((run) => JSON.stringify(run.report.machine)));
  const shown = keys.size <= 1 ? runs.slice(0, 1) : runs;
  // store.ts validates the fields every reader needs; machine is optional there, so a report without one still renders.
  const rows = MACHINE_ROWS.map(([name, pick]): [string, (run: NamedRun) => Cell] => [name, (run) => (run.report.machine ? pick(run.report.machine) : null)]);
  const note = keys.size > 1 ? '<p class="warn-inline">These runs come from different machines: compare them with care.</p>' : '';
  return `<section class="machine"><h2>Machine</h2>${note}${fieldTable('fields', shown, rows)}</section>`;
}

function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key}: ${int(count)}`)
    .join(', ');
}

/** Why a run's figures may not mean what they seem: interrupted, errors, non-2xx, nothing completed. */
export function runWarnings(run: NamedRun): string[] {
  const r: RunReport = run.report;
  const warnings: string[] = [];
  if (r.interrupted) warnings.push(`${run.name}: interrupted after ${formatSeconds(r.durationSec)}; the figures cover only what ran.`);
  if (r.requests.completed === 0) warnings.push(`${run.name}: no request completed; latency figures are empty.`);
  if (r.requests.errors > 0) {
    const detail = Object.keys(r.errors).length > 0 ? ` (${countsText(r.errors)})` : '';
    warnings.push(`${run.name}: ${int(r.requests.errors)} errors out of ${int(r.requests.sent)} requests sent${detail}.`);
  }
  if (r.requests.non2xx > 0) {
    const codes = Object.fromEntries(Object.entries(r.requests.statusCodes).filter(([code]) => !code.startsWith('2')));
    const detail = Object.keys(codes).length > 0 ? ` (status ${countsText(codes)})` : '';
    warnings.push(`${run.name}: ${int(r.requests.non2xx)} non-2xx responses${detail}.`);
  }
  return warnings;
}

/** The one warning block: page-level warnings (plain text) first, then each run's; '' when there are none. */
export function warningsSection(runs: readonly NamedRun[], pageWarnings: readonly string[] = []): string {
  const warnings = [...pageWarnings, ...runs.flatMap(runWarnings)];
  if (warnings.length === 0) return '';
  return `<section class="warnings" role="alert"><h2>Warnings</h2><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></section>`;
}

const SUMMARY_COLUMNS: ReadonlyArray<[string, (r: RunReport) => string]> = [
  ['req/s', (r) => rateNumber(r.throughput.requestsPerSec)],
  ['bytes/s', (r) => formatBytesPerSec(r.throughput.bytesPerSec)],
  ['completed', (r) => int(r.requests.completed)],
  ['errors', (r) => int(r.requests.errors)],
  ['p50', (r) => latency(r.latencyMs.p50, r.requests.completed)],
  ['p90', (r) => latency(r.latencyMs.p90, r.requests.completed)],
  ['p99', (r) => latency(r.latencyMs.p99, r.requests.completed)],
  ['p99.9', (r) => latency(r.latencyMs.p999, r.requests.completed)],
  ['max', (r) => latency(r.latencyMs.max, r.requests.completed)],
  ['connect p50', (r) => latency(r.connectMs.p50, r.connections.opened)],
  ['handshakes/req', (r) => formatPerRequest(r.handshakes.perRequest)],
  ['opened', (r) => int(r.connections.opened)],
  ['TIME_WAIT srv/cli', (r) => `${int(r.timeWait.serverSide)} / ${int(r.timeWait.clientSide)}`],
  ['client CPU/req', (r) => cpuPerRequest(r.cpu ? r.cpu.userSec + r.cpu.systemSec : null, r.requests.completed)],
  ['server CPU/req', (r) => cpuPerRequest(r.server?.cpuSec, r.requests.completed)],
];

export function summarySection(runs: readonly NamedRun[]): string {
  const head = `<tr><th>run</th>${SUMMARY_COLUMNS.map(([name]) => `<th>${escapeHtml(name)}</th>`).join('')}</tr>`;
  const rows = runs
    .map((run) => `<tr><th scope="row">${runHeading(run)}</th>${SUMMARY_COLUMNS.map(([, pick]) => `<td>${escapeHtml(pick(run.report))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<section class="summary"><h2>Summary</h2><div class="scroll"><table class="numbers"><thead>${head}</thead><tbody>${rows}</tbody></table></div></section>`;
}

/** Repeated runs (`--runs N`): each repetition's headline figures, so the spread is visible. */
export function repeatsSection(runs: readonly NamedRun[]): string {
  const withRepeats = runs.filter((run) => (run.report.runs?.length ?? 0) > 1);
  if (withRepeats.length === 0) return '';
  const tables = withRepeats.map((run) => {
    const rows = (run.report.runs ?? [])
      .map(
        (repeat, index) =>
          `<tr${repeat.interrupted ? ' class="differs"' : ''}><th scope="row">#${index + 1}</th><td>${rateNumber(repeat.throughput.requestsPerSec)}</td><td>${latency(repeat.latencyMs.p50, repeat.requests.completed)}</td><td>${latency(repeat.latencyMs.p99, repeat.requests.completed)}</td><td>${latency(repeat.connectMs.p50, repeat.requests.completed)}</td><td>${formatPerRequest(repeat.handshakesPerRequest)}</td><td>${int(repeat.requests.errors)}</td></tr>`,
      )
      .join('');
    return `<div><h3>${runHeading(run)}</h3><table class="numbers"><thead><tr><th>repeat</th><th>req/s</th><th>p50</th><th>p99</th><th>connect p50</th><th>handshakes/req</th><th>errors</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  });
  return `<section class="repeats"><h2>Repeated runs</h2><p>The charts show the merged histograms; each repetition on its own:</p><div class="side-by-side">${tables.join('')}</div></section>`;
}

/** Notes the generator attached (engine caveats, kernel counter scope): context, not warnings. */
export function notesSection(runs: readonly NamedRun[]): string {
  const items = runs.flatMap((run) => {
    const notes = [...(run.report.engine?.notes ?? []), ...(run.report.notes ?? [])];
    if (run.report.handshakes.kernel) notes.push(`kernel handshake count (${run.report.handshakes.kernel.scope}): ${run.report.handshakes.kernel.note}`);
    return [...new Set(notes)].map((note) => `<li><span class="swatch" style="background:${escapeHtml(run.color)}"></span>${runs.length > 1 ? `${escapeHtml(run.name)}: ` : ''}${escapeHtml(note)}</li>`);
  });
  if (items.length === 0) return '';
  return `<section class="notes"><h2>Notes</h2><ul>${items.join('')}</ul></section>`;
}
