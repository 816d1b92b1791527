// Option parsers: durations and numbers are validated at the CLI boundary with actionable errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationMs, parseInteger, parsePositiveNumber, parseChoice } from '../../src/cli/options.js';
import { H1Error } from '../../src/errors.js';

test('durations', () => {
  assert.equal(parseDurationMs('500ms', 'd'), 500);
  assert.equal(parseDurationMs('10s', 'd'), 10_000);
  assert.equal(parseDurationMs('2m', 'd'), 120_000);
  assert.equal(parseDurationMs('1.5s', 'd'), 1500);
  assert.equal(parseDurationMs(3, 'd'), 3000);
  for (const bad of ['', 'abc', '10x', '-1s', '1 s']) {
    assert.throws(() => parseDurationMs(bad, 'duration'), (e: unknown) => e instanceof H1Error && e.code === 'H1B_INVALID_DURATION' && e.message.includes('--duration'));
  }
});

test('integers, positive numbers, choices', () => {
  assert.equal(parseInteger('8', 'c', 1), 8);
  assert.throws(() => parseInteger('0', 'c', 1), /--c must be a whole number ≥ 1/);
  assert.throws(() => parseInteger('1.5', 'c', 1), H1Error);
  assert.throws(() => parseInteger('70000', 'port', 0, 65535), /between 0 and 65535/);
  assert.equal(parsePositiveNumber('2.5', 'rate'), 2.5);
  assert.throws(() => parsePositiveNumber('0', 'rate'), H1Error);
  assert.equal(parseChoice('1.0', 'mode', ['1.0', '1.1'] as const), '1.0');
  assert.throws(() => parseChoice('2', 'mode', ['1.0', '1.1'] as const), /one of 1.0, 1.1/);
});
