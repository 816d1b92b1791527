// The path view's relay delta: counters over the measured phase, CPU per packet from the deltas, the late distribution as last seen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayDelta } from '../../src/runner/path-view.js';
import type { RelayStats } from '../../src/wire/path/index.js';

function stats(packets: number, cpuUs: number, bridgeCpuUs: number, extra: Partial<RelayStats> = {}): RelayStats {
  return {
    packets, forwarded: packets, dropped: 0, overflow: 0, bytes: packets * 60, queued: 0, sendErrors: 0,
    lateUs: { p50: 1, p99: 50, max: 200 }, cpuUs, cpuUsPerPacket: packets ? cpuUs / packets : 0, busyWaitUs: 0, uptimeUs: 1e6,
    bridgeCpuUs, bridgeCpuUsPerPacket: packets ? bridgeCpuUs / packets : 0, udpBufferErrors: 0, ...extra,
  };
}

test('relayDelta: the phase’s own packets and CPU, not the path’s life since it opened', () => {
  const before = stats(100, 50_000, 20_000);
  const after = stats(1100, 70_000, 30_000, { dropped: 4, overflow: 1, udpBufferErrors: 2, lateUs: { p50: 2, p99: 80, max: 400 } });
  assert.deepEqual(relayDelta(before, after), {
    packets: 1000, forwarded: 1000, dropped: 4, overflow: 1, bytes: 60_000, udpBufferErrors: 2,
    cpuUs: 20_000, cpuUsPerPacket: 20, bridgeCpuUs: 10_000, bridgeCpuUsPerPacket: 10, lateUsSinceOpen: { p50: 2, p99: 80, max: 400 },
  });
  assert.equal(relayDelta(before, before).cpuUsPerPacket, 0, 'no packet, no per-packet figure');
});
