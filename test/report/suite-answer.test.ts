// The answer under `npm start`: what HTTP/1.0 costs per request over 1.1, and what pipelining adds, from the runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAnswer, renderSuiteSummary } from '../../src/report/render-suite.js';
import type { RunReport } from '../../src/report/schema.js';
import { medianCI, shiftCI } from '../../src/report/stats.js';
import { suiteAnswer } from '../../src/report/suite-answer.js';
import { fakeRun, fakeSuite } from '../helpers/fake-report.js';

const HTTP10_RPS = [900, 950, 1000, 1050, 1100, 1150];
const HTTP11_RPS = [3800, 3900, 4000, 4100, 4200, 4300];

/** Server CPU per run as bench suite records it (0.2 s per run); TIME_WAIT as the last 1.0 run left it. */
function withServer(report: RunReport, serverSideTimeWait: number): RunReport {
  return {
    ...report,
    timeWait: { ...report.timeWait, serverSide: serverSideTimeWait },
    runs: report.runs!.map((run) => ({ ...run, serverCpuSec: 0.2 })),
  };
}

const suite = fakeSuite([
  { id: '1.0-c10', report: withServer(fakeRun({ mode: '1.0', connections: 10, rps: HTTP10_RPS }), 4321) },
  { id: '1.1-c10', report: withServer(fakeRun({ mode: '1.1', connections: 10, rps: HTTP11_RPS }), 0) },
  { id: 'pipeline-c10', report: fakeRun({ mode: 'pipeline', connections: 10, rps: [20_000, 21_000, 22_000, 23_000, 24_000, 25_000] }) },
]);

test('1.0 vs 1.1: each figure is both sides’ medians with their CIs and the Hodges–Lehmann shift with its interval', () => {
  const [http10, pipeline] = suiteAnswer(suite);
  assert.equal(http10?.kind, '1.0-vs-1.1');
  assert.equal(pipeline?.kind, 'pipeline-vs-1.1');
  assert.deepEqual(http10!.figures.map((f) => f.label), ['latency p50', 'latency p99', 'client CPU', 'server CPU', 'handshakes']);
  const p50 = http10!.figures[0]!;
  // fake p50 = 1000/rps ms per run.
  const a = HTTP10_RPS.map((rps) => 1000 / rps);
  const b = HTTP11_RPS.map((rps) => 1000 / rps);
  assert.deepEqual(p50.subject, medianCI(a));
  assert.deepEqual(p50.reference, medianCI(b));
  assert.deepEqual(p50.difference, shiftCI(b, a));
  assert.ok(p50.difference.lo! > 0, 'six separated runs a side: the interval excludes 0');
  const cpu = http10!.figures[2]!;
  // client CPU per request: 0.7 s over rps requests in each run; the median of six is the mean of the middle two.
  assert.ok(Math.abs(cpu.subject.median - ((0.7 / 1000 + 0.7 / 1050) / 2) * 1e6) < 1e-6);
  assert.equal(http10!.timeWait.subject.serverSide, 4321);
  assert.ok(Math.abs(http10!.throughputRatio! - 1025 / 4050) < 1e-9);
  // Pipelining: no handshake line (both ~0), and server CPU is left out where its runs have none.
  assert.deepEqual(pipeline!.figures.map((f) => f.label), ['latency p50', 'latency p99', 'client CPU']);
});

test('rendered: a few lines with units and intervals, ending the suite summary', () => {
  const lines = renderAnswer(suiteAnswer(suite));
  const text = lines.join('\n');
  assert.match(lines[0]!, /^What one request costs in HTTP\/1\.0 over 1\.1 keep-alive \(c=10, 6 runs each; 1\.1 serves 3\.95× the requests\/s\):$/);
  assert.match(text, /^ {2}latency p50 {2}\+0\.7\d\d ms \[\+0\.\d+, \+0\.\d+\] +1\.0 0\.976 \[0\.\d+, 1\.\d+\] · 1\.1 0\.247 \[0\.\d+, 0\.\d+\] ms$/m);
  assert.match(text, /^ {2}client CPU {3}\+\d+\.\d µs \[\+\d+\.\d, \+\d+\.\d\]/m);
  assert.match(text, /^ {2}handshakes {3}\+0\.999 per request/m);
  assert.match(text, /^ {2}TIME_WAIT {4}1\.0 left 4,321 sockets on the server side and 0 on the client side; 1\.1 left 0 and 0$/m);
  assert.match(text, /What pipelining \(depth 1\) changes per request against 1\.1 keep-alive/);
  assert.match(text, /RFC 6191/);
  assert.match(text, /Hodges–Lehmann\s+shift\s+with\s+its\s+Mann–Whitney\s+interval/);
  assert.doesNotMatch(text, /e-\d/, 'no exponents');
  const summary = renderSuiteSummary(suite, 'results/x-suite.json');
  assert.ok(summary.indexOf('What if the network') < summary.indexOf('What one request costs'), 'the answer comes last');
  assert.match(summary, /real; "\(could be 0\)" marks one the runs cannot tell from noise\.\n\nreport: results\/x-suite\.json$/);
});

test('too few runs: the difference is still printed, with no interval and the reason', () => {
  const few = fakeSuite([
    { id: '1.0-c1', report: fakeRun({ mode: '1.0', rps: [900, 1000, 1100] }) },
    { id: '1.1-c1', report: fakeRun({ mode: '1.1', rps: [4000, 4100, 4200] }) },
  ]);
  const text = renderAnswer(suiteAnswer(few)).join('\n');
  assert.match(text, /latency p50 {2}\+0\.756 ms \[no 95% interval: too few runs\]/);
  assert.deepEqual(suiteAnswer(fakeSuite([{ id: '1.0-c1', report: fakeRun({ mode: '1.0', rps: [1] }) }])), [], 'no 1.1 case, no answer');
});
