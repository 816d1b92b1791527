// The live view: phase lines on a pipe (what scripts and tests wait for), a panel redrawn in place on a terminal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, LoadProgress } from '../../src/client/engine.js';
import { durationText, ProgressLine, renderPanel, suiteEtaMs } from '../../src/cli/progress.js';
import { LoadRecorder } from '../../src/metrics/recorder.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, columns: 120, rows: 40, write: (chunk: string) => (written.push(chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

const engine = (progress: LoadProgress): Engine => ({
  name: 'native',
  progress: () => progress,
  run: () => Promise.reject(new Error('not used')),
  firstResponse: () => Promise.resolve(false),
});

const IDLE = { phase: 'measure', elapsedMs: 500, totalMs: 1000, completed: 50, targetRequests: null, errors: 0, live: null } as const;

/** A recorder fed two and a half seconds of events, as an engine would: its live() is what the panel reads. */
function recorderWithTwoSeconds(): LoadRecorder {
  const recorder = new LoadRecorder(false);
  recorder.begin(0);
  recorder.socketOpened(10, 50);
  recorder.socketOpened(20, 60);
  for (let i = 0; i < 100; i++) recorder.response(1000 + i * 9000, 200, 200 + i, 200 + i);
  recorder.socketClosed('server');
  // Second 1: 40 responses, one timeout, one 503; second 2 starts (which flushes second 1).
  for (let i = 0; i < 40; i++) recorder.response(1_000_000 + i * 20_000, 200, 1000, 1000);
  recorder.response(1_900_000, 503, 900, 900);
  recorder.error(1_950_000, 'H1B_TIMEOUT', 1);
  recorder.response(2_100_000, 200, 300, 300);
  return recorder;
}

test('LoadRecorder.live(): the last whole second, open connections and errors by kind, from counters kept anyway', () => {
  const live = recorderWithTwoSeconds().live();
  assert.equal(live.lastSecond?.second, 1);
  assert.equal(live.lastSecond?.requests, 41);
  assert.equal(live.lastSecond?.errors, 1);
  assert.equal(live.openConnections, 1);
  assert.deepEqual(live.errorsByKind, { H1B_TIMEOUT: 1, HTTP_503: 1 });
});

test('renderPanel: last second, handshakes, open connections, TIME_WAIT and errors by kind, each on its own line', () => {
  const live = recorderWithTwoSeconds().live();
  const lines = renderPanel({
    label: '1.0 measuring',
    progress: { phase: 'measure', elapsedMs: 2_400, totalMs: 10_000, completed: 142, targetRequests: null, errors: 1, live },
    timeWait: { serverSide: 1234, clientSide: 0 },
    suite: null,
    nowMs: 0,
  });
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^1\.0 measuring \[#{5,6}\.+\] 2\.4 s \/ 10\.0 s$/);
  assert.match(lines[1]!, /last second {2}41\.0 req\/s · p50 1\.000 ms · p99 1\.000 ms · 0 handshakes\/s · 1 errors\/s/);
  assert.match(lines[2]!, /142 completed · 1 connections open · TIME_WAIT server side 1,234 · client side 0/);
  assert.match(lines[3]!, /errors {7}H1B_TIMEOUT 1 · HTTP_503 1/);
});

test('renderPanel: a stall shows 0 req/s, not the last busy second; reference engines without figures show dashes', () => {
  const live = recorderWithTwoSeconds().live();
  const stalled = renderPanel({ label: 'x', progress: { ...IDLE, elapsedMs: 5_500, live }, timeWait: null, suite: null, nowMs: 0 });
  assert.match(stalled[1]!, /last second {2}0\.0 req\/s · p50 – · p99 –/);
  const none = renderPanel({ label: 'x', progress: IDLE, timeWait: null, suite: null, nowMs: 0 });
  assert.match(none[1]!, /last second {2}– \(the first second is still running\)/);
  assert.match(none[2]!, /– connections open · TIME_WAIT –/);
  assert.match(none[3]!, /errors {7}none/);
});

test('suite: case i of N and an ETA from the time per step so far (the estimate before the first step ends)', () => {
  const first = { step: 1, steps: 18, caseId: '1.0-c10', startedMs: 0, stepEstimateMs: 2_000 };
  assert.equal(suiteEtaMs(first, 0.5, 1_000), 17.5 * 2_000);
  // Four steps done in 10 s: 2.5 s each, 14 left.
  assert.equal(suiteEtaMs({ ...first, step: 5 }, 0, 10_000), 14 * 2_500);
  assert.equal(durationText(72_400), '1 m 12 s');
  assert.equal(durationText(45_000), '45 s');
  const lines = renderPanel({ label: '1.1-c10 measuring run 2/6', progress: IDLE, timeWait: null, suite: { ...first, step: 5 }, nowMs: 10_000 });
  assert.match(lines[0]!, /· case 5\/18 · suite ends in ~3\d s$/);
});

test('on a pipe: one line for the target and per phase, plain progress lines, nothing once stopped', () => {
  const { stream, written } = fakeStream(false);
  const line = new ProgressLine(stream);
  const e = engine(IDLE);
  line.onEvent({ type: 'target', url: 'http://127.0.0.1:1/', embedded: true, serverMode: 'close' }, '1.0');
  line.onEvent({ type: 'phase', phase: 'warmup', run: 1, runs: 1, engine: e }, '1.0');
  line.onEvent({ type: 'phase', phase: 'measure', run: 1, runs: 2, engine: e }, '1.0');
  line.draw();
  line.stop();
  assert.deepEqual(written.slice(0, 3), ['target http://127.0.0.1:1/ (embedded, close)\n', '1.0 warming up\n', '1.0 measuring run 1/2\n']);
  assert.match(written[3]!, /^1\.0 measuring run 1\/2 \[#+\.+\] 0\.5s 50 req 100 req\/s 0 errors\n$/);
  assert.equal(written.length, 4);
});

test('on a pipe, a suite prefixes its lines with the step', () => {
  const { stream, written } = fakeStream(false);
  const line = new ProgressLine(stream);
  line.onSuiteStep({ step: 3, steps: 18, caseId: '1.1-c10', stepEstimateMs: 1000 });
  line.onEvent({ type: 'phase', phase: 'measure', run: 1, runs: 6, engine: engine(IDLE) }, '1.1-c10');
  line.stop();
  assert.deepEqual(written, ['[3/18] 1.1-c10 measuring run 1/6\n']);
});

test('on a terminal: nothing until the timer draws, then the panel (TIME_WAIT read on the timer), and stop erases it', async () => {
  const { stream, written } = fakeStream(true);
  let reads = 0;
  let clock = 0;
  const line = new ProgressLine(stream, {
    now: () => clock,
    readTimeWait: async (port) => {
      reads++;
      assert.equal(port, 8080);
      return { serverSide: 7, clientSide: 0 };
    },
  });
  line.onEvent({ type: 'target', url: 'http://127.0.0.1:8080/', embedded: true, serverMode: 'close' }, '1.0');
  line.onEvent({ type: 'phase', phase: 'measure', run: 1, runs: 1, engine: engine({ ...IDLE, live: recorderWithTwoSeconds().live() }) }, '1.0');
  assert.deepEqual(written, []);
  line.draw();
  await new Promise((resolve) => setImmediate(resolve));
  clock += 200;
  line.draw();
  assert.equal(reads, 1, 'TIME_WAIT is read at most once a second');
  const frames = written.join('');
  assert.match(frames, /1\.0 measuring/);
  assert.match(frames, /last second {2}41\.0 req\/s/);
  assert.match(frames, /TIME_WAIT server side 7/);
  const before = written.length;
  line.stop();
  // log-update erases the panel's lines: cursor-up and erase-line sequences.
  assert.match(written.slice(before).join(''), /\x1b\[2K/);
});
