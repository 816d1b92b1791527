// Terminal summary of a suite report: the modes side by side, then the RTT what-if model, labelled as a model.

import Table from 'cli-table3';
import type { SuiteModel, SuiteReport } from './schema.js';
import { suiteModel } from './suite-model.js';
import { formatValue, si } from './formats/units.js';
import { perRequest } from './render-text.js';
import { renderMeasuredVsModel } from './path-model-table.js';


/** Greedy word wrap for prose lines in a terminal. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(line);
  return out;
}

/** The stored model when it is one we understand, else recomputed from the cases (older or foreign reports). */
export function modelOf(report: SuiteReport): SuiteModel {
  const model = report.model as Partial<SuiteModel> | undefined;
  return model?.kind === 'rtt-model' && Array.isArray(model.cases) && Array.isArray(model.headlines)
    ? (model as SuiteModel)
    : suiteModel(report.cases);
}

export function renderSuiteSummary(report: SuiteReport, path: string | null = null): string {
  const model = modelOf(report);
  const runs = model.headlines[0]?.runs ?? 0;
  const lines: string[] = [
    `h1bench ${report.tool.version} · suite ${report.preset ?? ''} · ${report.cases.length} cases × ${runs} interleaved runs · ${report.durationSec.toFixed(1)} s on ${report.machine.hostname}`,
  ];
  const table = new Table({
    head: ['case', 'req/s', 'p50', 'p99', 'connect p50', 'handshakes/req', 'client CPU/req', 'server CPU/req'],
    style: { head: [], border: [] },
    // Header rule only: row rules double the height of the table for no information.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const row of model.headlines) {
    table.push([
      row.id,
      si(row.requestsPerSec),
      formatValue(row.p50Ms, 'ms'),
      formatValue(row.p99Ms, 'ms'),
      formatValue(row.connectP50Ms, 'ms'),
      perRequest(row.handshakesPerRequest),
      row.clientCpuUsPerRequest === null ? 'n/a' : `${row.clientCpuUsPerRequest.toFixed(1)} µs`,
      row.serverCpuUsPerRequest === null ? 'n/a' : `${row.serverCpuUsPerRequest.toFixed(1)} µs`,
    ]);
  }
  lines.push(table.toString(), 'medians across runs; CPU is per completed request over all runs');
  lines.push('', 'What if the network had a real round-trip time?', ...wrap(model.note, 100).map((line) => `  ${line}`));
  const connectionCounts = [...new Set(model.cases.map((item) => item.connections))];
  for (const connections of connectionCounts) {
    const group = model.cases.filter((item) => item.connections === connections);
    lines.push(`  c=${connections}  round trips/request: ${group.map((item) => `${item.mode} ${item.roundTripsPerRequest.toFixed(2)}`).join(' · ')}`);
    for (const rttMs of model.rttsMs) {
      const parts = group.map((item) => {
        const prediction = item.predictions.find((entry) => entry.rttMs === rttMs);
        return `${item.mode} ≈ ${prediction ? si(prediction.requestsPerSec) : 'n/a'}`;
      });
      lines.push(`  c=${connections}  RTT ${String(rttMs).padStart(3)} ms: ${parts.join(' · ')} req/s`);
    }
  }
  lines.push(...renderMeasuredVsModel(model));
  if (report.interrupted) lines.push('', 'interrupted: the figures cover the runs completed before Ctrl-C');
  if (path) lines.push('', `report: ${path}`);
  return lines.join('\n');
}
