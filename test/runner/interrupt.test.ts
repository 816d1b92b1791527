// The one stop mechanism: the first SIGINT/SIGTERM aborts, a repeat within the window is the same request, a later
// one forces; the exit code follows the signal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFor, Interruption, SAME_REQUEST_WINDOW_MS, type StopSignal } from '../../src/runner/interrupt.js';

function harness(): { interruption: Interruption; calls: string[]; advance: (ms: number) => void } {
  let now = 1_000;
  const calls: string[] = [];
  const interruption = new Interruption(
    { onStop: (signal: StopSignal) => calls.push(`stop:${signal}`), onForce: (signal: StopSignal) => calls.push(`force:${signal}`) },
    () => now,
  );
  return { interruption, calls, advance: (ms) => (now += ms) };
}

test('the first signal aborts and records the exit code; none yet means no code', () => {
  const { interruption, calls } = harness();
  assert.equal(interruption.exitCode, null);
  assert.equal(interruption.signal.aborted, false);
  interruption.receive('SIGTERM');
  assert.deepEqual(calls, ['stop:SIGTERM']);
  assert.equal(interruption.signal.aborted, true);
  assert.equal(interruption.received, 'SIGTERM');
  assert.equal(interruption.exitCode, 143);
});

test('a repeat within the window is the same request (GNU timeout signals the child, then its group)', () => {
  const { interruption, calls, advance } = harness();
  interruption.receive('SIGINT');
  advance(SAME_REQUEST_WINDOW_MS - 1);
  interruption.receive('SIGINT');
  interruption.receive('SIGTERM');
  assert.deepEqual(calls, ['stop:SIGINT']);
  assert.equal(interruption.exitCode, 130);
});

test('a signal after the window forces', () => {
  const { interruption, calls, advance } = harness();
  interruption.receive('SIGINT');
  advance(SAME_REQUEST_WINDOW_MS);
  interruption.receive('SIGINT');
  assert.deepEqual(calls, ['stop:SIGINT', 'force:SIGINT']);
});

test('install() takes the process signals and dispose() gives them back', () => {
  const { interruption } = harness();
  const before = process.listenerCount('SIGINT');
  interruption.install();
  assert.equal(process.listenerCount('SIGINT'), before + 1);
  assert.equal(process.listenerCount('SIGTERM') > 0, true);
  interruption.dispose();
  assert.equal(process.listenerCount('SIGINT'), before);
});

test('exit codes are 128 + the signal number', () => {
  assert.equal(exitCodeFor('SIGINT'), 130);
  assert.equal(exitCodeFor('SIGTERM'), 143);
});
