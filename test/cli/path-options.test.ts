// The emulated-path options (--rtt, --jitter, --loss, --bandwidth, --path, --path-priority, --path-seed): units, defaults, conflicts, and suite case ids per RTT.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isH1Error } from '../../src/errors.js';
import { parseBandwidth, parseLossPct, parsePathTimeMs } from '../../src/cli/path-options.js';
import { parseRunArgs } from '../../src/cli/run-config.js';
import { parseSuiteArgs } from '../../src/cli/suite-config.js';
import { parseHeartbeatArgs } from '../../src/cli/commands/heartbeat.js';

const refusesOption = (pattern: RegExp) => (error: unknown) => isH1Error(error) && error.code === 'H1B_INVALID_OPTION' && error.exitCode === 2 && pattern.test(error.message);

test('times take a unit: ms, µs/us, s; whole µs kept', () => {
  assert.equal(parsePathTimeMs('20ms', 'rtt'), 20);
  assert.equal(parsePathTimeMs('0.5ms', 'rtt'), 0.5);
  assert.equal(parsePathTimeMs('250us', 'rtt'), 0.25);
  assert.equal(parsePathTimeMs('1s', 'rtt'), 1000);
  assert.equal(parsePathTimeMs('1.0004ms', 'jitter'), 1);
  assert.throws(() => parsePathTimeMs('20', 'rtt'), refusesOption(/--rtt '20' is not a time with a unit/));
  assert.throws(() => parsePathTimeMs('-1ms', 'jitter'), refusesOption(/--jitter/));
});

test('loss is a percentage in [0, 100), with or without %; bandwidth in tc units, at least 8 kbit', () => {
  assert.equal(parseLossPct('0.5%'), 0.5);
  assert.equal(parseLossPct('20'), 20);
  assert.throws(() => parseLossPct('100%'), refusesOption(/--loss/));
  assert.throws(() => parseLossPct('lots'), refusesOption(/--loss/));
  assert.equal(parseBandwidth('100mbit'), 100_000_000);
  assert.equal(parseBandwidth('1Gbit'), 1_000_000_000);
  assert.equal(parseBandwidth('512kbit'), 512_000);
  assert.throws(() => parseBandwidth('5kbit'), refusesOption(/below 8kbit/));
  assert.throws(() => parseBandwidth('100mb'), refusesOption(/--bandwidth '100mb' is not a rate/));
});

test('bench run --rtt: a frozen path config with the defaults; none without --rtt', () => {
  const [config] = parseRunArgs({ rtt: '20ms', jitter: '2ms', loss: '0.5%', bandwidth: '100mbit' });
  assert.ok(config);
  assert.deepEqual(config.path, { rttMs: 20, jitterMs: 2, lossPct: 0.5, bandwidthBitsPerSec: 100_000_000, impl: 'auto', priority: 'nice', seed: null });
  assert.ok(Object.isFrozen(config.path));
  const [tuned] = parseRunArgs({ rtt: '10ms', path: 'delay-line', pathPriority: 'realtime', pathSeed: '7' });
  assert.deepEqual({ impl: tuned?.path?.impl, priority: tuned?.path?.priority, seed: tuned?.path?.seed }, { impl: 'delay-line', priority: 'realtime', seed: 7 });
  assert.equal(parseRunArgs({})[0]?.path, null);
});

test('bench run: path options without --rtt, a second RTT, a bad impl, --url or --netns are refused naming the option', () => {
  assert.throws(() => parseRunArgs({ loss: '1%' }), refusesOption(/--loss shapes the emulated network path: it needs --rtt/));
  assert.throws(() => parseRunArgs({ pathSeed: '1' }), refusesOption(/--path-seed .* needs --rtt/));
  assert.throws(() => parseRunArgs({ rtt: '1ms,10ms' }), refusesOption(/--rtt takes one round-trip time here .* bench suite --rtt takes a list/));
  assert.throws(() => parseRunArgs({ rtt: '10ms', jitter: '6ms' }), refusesOption(/--jitter 6ms is more than half of --rtt 10ms/));
  assert.throws(() => parseRunArgs({ rtt: '10ms', path: 'tunnel' }), refusesOption(/--path must be one of auto, netem, delay-line/));
  assert.throws(() => parseRunArgs({ rtt: '10ms', pathPriority: 'urgent' }), refusesOption(/--path-priority must be one of nice, realtime/));
  assert.throws(() => parseRunArgs({ rtt: '10ms', url: 'http://127.0.0.1:8080/' }), refusesOption(/cannot carry a --url target/));
  assert.throws(() => parseRunArgs({ rtt: '10ms', netns: true }), refusesOption(/drop --netns/));
  assert.throws(() => parseRunArgs({ rtt: '61s' }), refusesOption(/rttMs/));
});

test('bench suite --rtt LIST: the loopback cases stay (the model’s basis), each RTT adds the matrix with the RTT in its id', () => {
  const plan = parseSuiteArgs({ preset: 'quick', rtt: '1ms,10ms', pathPriority: 'realtime' });
  assert.deepEqual(
    plan.cases.map((item) => item.id),
    ['1.0-c10', '1.1-c10', 'pipeline-c10', '1.0-c10-rtt1ms', '1.1-c10-rtt1ms', 'pipeline-c10-rtt1ms', '1.0-c10-rtt10ms', '1.1-c10-rtt10ms', 'pipeline-c10-rtt10ms'],
  );
  assert.equal(plan.cases[0]?.config.path, null);
  assert.deepEqual(plan.cases[6]?.config.path, { rttMs: 10, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl: 'auto', priority: 'realtime', seed: null });
  assert.throws(() => parseSuiteArgs({ preset: 'quick', loss: '1%' }), refusesOption(/--loss .* needs --rtt/));
});

test('the paths preset: 1.0, 1.1 and pipelining on loopback and at 1, 10 and 50 ms', () => {
  const plan = parseSuiteArgs({ preset: 'paths' });
  assert.equal(plan.cases.length, 12);
  assert.deepEqual(
    [...new Set(plan.cases.map((item) => item.config.path?.rttMs ?? 0))],
    [0, 1, 10, 50],
  );
  assert.ok(plan.cases.some((item) => item.id === 'pipeline-c10-rtt50ms'));
  // --rtt on the command line replaces the preset's list.
  assert.deepEqual([...new Set(parseSuiteArgs({ preset: 'paths', rtt: '20ms' }).cases.map((item) => item.config.path?.rttMs ?? 0))], [0, 20]);
});

test('bench heartbeat --rtt: a path config; with --url it is refused', () => {
  assert.equal(parseHeartbeatArgs({ rtt: '20ms' }).path?.rttMs, 20);
  assert.equal(parseHeartbeatArgs({}).path, null);
  assert.throws(() => parseHeartbeatArgs({ rtt: '20ms', url: 'http://127.0.0.1:8080/' }), refusesOption(/drop --url/));
});
