// The progress line: phase lines on a pipe (what scripts and tests wait for), redrawn bar on a terminal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, LoadProgress } from '../../src/client/engine.js';
import { ProgressLine } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (chunk: string) => (written.push(chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

const engine = (progress: LoadProgress): Engine => ({
  name: 'native',
  progress: () => progress,
  run: () => Promise.reject(new Error('not used')),
  firstResponse: () => Promise.resolve(false),
});

test('on a pipe: one line for the target and per phase, nothing once stopped', () => {
  const { stream, written } = fakeStream(false);
  const line = new ProgressLine(stream);
  const e = engine({ phase: 'measure', elapsedMs: 500, totalMs: 1000, completed: 50, targetRequests: null, errors: 0 });
  line.onEvent({ type: 'target', url: 'http://127.0.0.1:1/', embedded: true, serverMode: 'close' }, '1.0');
  line.onEvent({ type: 'phase', phase: 'warmup', run: 1, runs: 1, engine: e }, '1.0');
  line.onEvent({ type: 'phase', phase: 'measure', run: 1, runs: 2, engine: e }, '1.0');
  line.stop();
  assert.deepEqual(written, ['target http://127.0.0.1:1/ (embedded, close)\n', '1.0 warming up\n', '1.0 measuring run 1/2\n']);
});

test('on a terminal: nothing until the timer draws; stop clears the line', () => {
  const { stream, written } = fakeStream(true);
  const line = new ProgressLine(stream);
  line.onEvent({ type: 'phase', phase: 'measure', run: 1, runs: 1, engine: engine({ phase: 'measure', elapsedMs: 0, totalMs: 1000, completed: 0, targetRequests: null, errors: 0 }) }, '1.1');
  assert.deepEqual(written, []);
  line.stop();
  assert.deepEqual(written, ['\r\x1b[2K']);
});
