// Terminal summary of a suite report: the modes side by side, the answer in words and numbers (what HTTP/1.0 costs
// over 1.1 keep-alive, what pipelining adds, with 95% intervals), then the RTT what-if model, labelled as a model.

import Table from 'cli-table3';
import { TIME_WAIT_SECONDS } from './explain.js';
import { count, DASH, formatMs, formatPerRequest, formatRatio, formatUs, formatValue, rateNumber, signed } from './formats/units.js';
import type { SuiteModel, SuiteReport } from './schema.js';
import { suiteAnswer, type AnswerBlock, type AnswerFigure } from './suite-answer.js';
import { suiteModel } from './suite-model.js';
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

/** A value of the answer in its unit, without repeating the unit inside an interval. */
function plain(value: number, unit: AnswerFigure['unit']): string {
  return formatValue(value, unit).replace(/ (ms|µs|req\/s)$/, '');
}

function unitSuffix(unit: AnswerFigure['unit']): string {
  return unit === 'handshakes/req' ? ' per request' : ` ${unit}`;
}

/** `+0.344 ms [+0.320, +0.361]`, or `[±∞]` when the runs are too few for an interval; `(could be 0)` when it spans 0. */
function differenceText(figure: AnswerFigure): string {
  const d = figure.difference;
  const show = (value: number): string => signed(plain(Math.abs(value), figure.unit), value);
  const head = `${show(d.estimate)}${unitSuffix(figure.unit)}`;
  if (d.lo === null || d.hi === null) return `${head} [no 95% interval: too few runs]`;
  const spansZero = d.lo <= 0 && d.hi >= 0;
  return `${head} [${show(d.lo)}, ${show(d.hi)}]${spansZero ? ' (could be 0)' : ''}`;
}

function sideText(side: AnswerFigure['subject'], unit: AnswerFigure['unit']): string {
  const ci = side.lo === null || side.hi === null ? '' : ` [${plain(side.lo, unit)}, ${plain(side.hi, unit)}]`;
  return `${plain(side.median, unit)}${ci}`;
}

const SIDE_NAMES: Record<AnswerBlock['kind'], [string, string]> = {
  '1.0-vs-1.1': ['1.0', '1.1'],
  'pipeline-vs-1.1': ['pipelined', '1.1'],
};

/** A few lines per comparison: the headline, then one line per figure (difference first, both sides after). */
export function renderAnswer(blocks: readonly AnswerBlock[]): string[] {
  if (blocks.length === 0) return [];
  const lines: string[] = [];
  for (const item of blocks) {
    const runs = Math.min(...item.figures.map((figure) => Math.min(figure.subject.n, figure.reference.n)));
    const [subjectName, referenceName] = SIDE_NAMES[item.kind];
    const where = item.rttMs === null ? '' : `, across an emulated ${item.rttMs} ms RTT path`;
    const ratio = item.throughputRatio === null ? '' : `; ${item.kind === '1.0-vs-1.1' ? '1.1 serves' : 'pipelining serves'} ${formatRatio(item.kind === '1.0-vs-1.1' ? 1 / item.throughputRatio : item.throughputRatio)} the requests/s`;
    lines.push(
      item.kind === '1.0-vs-1.1'
        ? `What one request costs in HTTP/1.0 over 1.1 keep-alive (c=${item.connections}${where}, ${Number.isFinite(runs) ? runs : 0} runs each${ratio}):`
        : `What pipelining (depth ${item.depth}) changes per request against 1.1 keep-alive (c=${item.connections}${where}${ratio}):`,
    );
    const width = Math.max(...item.figures.map((figure) => differenceText(figure).length));
    for (const figure of item.figures) {
      lines.push(
        `  ${figure.label.padEnd(12)} ${differenceText(figure).padEnd(width)}   ${subjectName} ${sideText(figure.subject, figure.unit)} · ` +
          `${referenceName} ${sideText(figure.reference, figure.unit)}${unitSuffix(figure.unit)}`,
      );
    }
    if (item.kind === '1.0-vs-1.1') {
      const tw = item.timeWait;
      lines.push(
        `  ${'TIME_WAIT'.padEnd(12)} 1.0 left ${count(tw.subject.serverSide)} sockets on the server side and ${count(tw.subject.clientSide)} on the ` +
          `client side; 1.1 left ${count(tw.reference.serverSide)} and ${count(tw.reference.clientSide)}`,
      );
    }
  }
  lines.push(
    ...wrap(
      `TIME_WAIT is held for ${TIME_WAIT_SECONDS} s by the side that closes first, and a new connection on the same address pair ` +
        'takes one over early (RFC 6191), so it is fewer than the closes. [95% intervals] differences: Hodges–Lehmann shift with ' +
        'its Mann–Whitney interval; sides: median with its distribution-free interval. A difference whose interval excludes 0 is ' +
        'real; "(could be 0)" marks one the runs cannot tell from noise.',
      108,
    ).map((line) => `  ${line}`),
  );
  return lines;
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
      rateNumber(row.requestsPerSec),
      formatMs(row.p50Ms),
      formatMs(row.p99Ms),
      formatMs(row.connectP50Ms),
      formatPerRequest(row.handshakesPerRequest),
      row.clientCpuUsPerRequest === null ? DASH : formatUs(row.clientCpuUsPerRequest),
      row.serverCpuUsPerRequest === null ? DASH : formatUs(row.serverCpuUsPerRequest),
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
        return `${item.mode} ≈ ${prediction ? rateNumber(prediction.requestsPerSec) : 'n/a'}`;
      });
      lines.push(`  c=${connections}  RTT ${String(rttMs).padStart(3)} ms: ${parts.join(' · ')} req/s`);
    }
  }
  lines.push(...renderMeasuredVsModel(model));
  // The answer comes last, where the eye lands when the run ends.
  const answer = renderAnswer(suiteAnswer(report));
  if (answer.length > 0) lines.push('', ...answer);
  if (report.interrupted) lines.push('', 'interrupted: the figures cover the runs completed before the stop signal');
  if (path) lines.push('', `report: ${path}`);
  return lines.join('\n');
}
