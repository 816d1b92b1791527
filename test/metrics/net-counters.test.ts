// TCP loss and timer counters of a namespace: /proc/net/snmp Tcp and /proc/net/netstat TcpExt, read for this namespace or another's through /proc/<pid>/net.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protocolRow } from '../../src/metrics/kernel.js';
import { readTcpEventCounters, tcpEventDelta } from '../../src/metrics/net-counters.js';

const SNMP = [
  'Ip: Forwarding DefaultTTL',
  'Ip: 1 64',
  'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts',
  'Tcp: 1 200 120000 -1 10 8 0 0 2 500 480 7 0 1',
  '',
].join('\n');
const NETSTAT = [
  'TcpExt: SyncookiesSent DelayedACKs TCPTimeouts TCPSynRetrans',
  'TcpExt: 0 12 3 2',
  'IpExt: InNoRoutes InTruncatedPkts',
  'IpExt: 0 0',
  '',
].join('\n');

test('protocolRow: a protocol’s header and value lines by name; other protocols ignored', () => {
  assert.equal(protocolRow(SNMP, 'Tcp').RetransSegs, 7);
  assert.equal(protocolRow(NETSTAT, 'TcpExt').DelayedACKs, 12);
  assert.deepEqual(protocolRow(NETSTAT, 'Udp'), {});
});

test('readTcpEventCounters reads a /proc/<pid>/net-shaped directory; null when it is gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h1b-net-'));
  try {
    writeFileSync(join(dir, 'snmp'), SNMP);
    writeFileSync(join(dir, 'netstat'), NETSTAT);
    const counters = await readTcpEventCounters(dir);
    assert.deepEqual(counters, { retransSegs: 7, synRetrans: 2, delayedAcks: 12, timeouts: 3 });
    assert.deepEqual(tcpEventDelta({ retransSegs: 5, synRetrans: 2, delayedAcks: 10, timeouts: 0 }, counters!), { retransSegs: 2, synRetrans: 0, delayedAcks: 2, timeouts: 3 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(await readTcpEventCounters(join(dir, 'gone')), null);
});

test('this process’s own namespace, and another process’s through /proc/<pid>/net, read alike on Linux', async (t) => {
  const own = await readTcpEventCounters('/proc/net');
  if (own === null) return t.skip('no /proc/net here (not Linux)');
  const viaPid = await readTcpEventCounters(`/proc/${process.pid}/net`);
  assert.ok(viaPid);
  assert.ok(viaPid.retransSegs >= own.retransSegs, 'the same namespace, read a moment later');
});
