// Shared cases for every path implementation (delay-line.timing.test.ts, netem.timing.test.ts): RTT, TCP connect and HTTP/1.0 timings, loss, cleanup, sweep after SIGKILL.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTcpSnmp, snmpDelta } from '../../../src/metrics/kernel.js';
import { HELPER_NICE, HelperProcess, type HelperPriority } from '../../../src/wire/path/helper-process.js';
import { openPath, pathSupport } from '../../../src/wire/path/index.js';
import type { PathImpl } from '../../../src/wire/path/spec.js';
import { processGone } from '../../../src/metrics/process-usage.js';
import { sweepStalePaths } from '../../../src/wire/path/sweep.js';
import type { EmulatedPath, PathEnd } from '../../../src/wire/path/types.js';

const TIMING = fileURLToPath(new URL('./tcp-timing.js', import.meta.url));
const OPEN_AND_WAIT = fileURLToPath(new URL('./open-and-wait.js', import.meta.url));
const START_MS = 10_000;

/** null when a path of `impl` can be built here; else the reason to print with t.skip(). */
export async function pathSkipReason(impl: PathImpl): Promise<string | null> {
  const support = await pathSupport(impl);
  return support.state === 'available' ? null : `${impl} path unavailable: ${support.reason}`;
}

function namespaces(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter(Boolean);
}

const p50 = (samples: readonly number[]): number => [...samples].sort((a, b) => a - b)[Math.ceil(samples.length / 2) - 1] ?? Number.NaN;

/** The raw server of tcp-timing.js inside the server end; resolves its port. Stopped by the path's close() at the latest. */
async function startServer(end: PathEnd, priority: HelperPriority = 'nice'): Promise<{ port: number; server: HelperProcess }> {
  const server = HelperProcess.start('test server', (command, args) => end.execArgv(command, args), process.execPath, [TIMING, 'server', end.address], { priority });
  const [, port] = await server.waitFor('stdout', /\{"port":(\d+)\}/, START_MS);
  return { port: Number(port), server };
}

/** What open-and-wait.js made. */
interface Leftovers {
  namespaces: string[];
  helperPids: number[];
  serverPid: number;
}

interface ClientResult {
  samplesUs: number[];
  failed: number;
  errors: string[];
}

/** Run the timing client inside the client end; bounded by its own per-connection timeouts plus start-up. */
async function runClient(
  path: EmulatedPath,
  port: number,
  what: 'connect' | 'exchange' | `bulk:${number}`,
  count: number,
  concurrency: number,
  timeoutMs: number,
  priority: HelperPriority = 'nice',
): Promise<ClientResult> {
  const client = HelperProcess.start('test client', (command, args) => path.client.execArgv(command, args), process.execPath, [
    TIMING, 'client', path.server.address, String(port), what, String(count), String(concurrency), String(timeoutMs),
  ], { priority });
  try {
    const [line] = await client.waitFor('stdout', /\{"samplesUs".*\}/, START_MS + Math.ceil(count / concurrency) * timeoutMs);
    return JSON.parse(line) as ClientResult;
  } finally {
    await client.stop();
  }
}

/** sched(7) policy number of SCHED_FIFO. */
const SCHED_FIFO = 1;

/** nice (field 19) and policy (field 41) of /proc/<pid>/stat. */
function scheduling(pid: number): { nice: number; policy: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is in parentheses and may hold spaces: count from after the last ')', where field 3 starts.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { nice: Number(fields[19 - 3]), policy: Number(fields[41 - 3]) };
}

function tcpCounters(end: PathEnd): Record<string, number> {
  const [file, ...args] = end.execArgv('cat', ['/proc/net/snmp']);
  return parseTcpSnmp(spawnSync(file!, args, { encoding: 'utf8', timeout: 5_000 }).stdout);
}

export function runPathCases(impl: PathImpl): void {
  describe(`${impl} path`, { concurrency: false }, () => {
    let skip: string | null = null;
    before(async () => {
      skip = await pathSkipReason(impl);
    });

    // Everything real-time here (helpers, probe, test server and client): these cases time the path,
    // and a test machine busy with other work (CI, parallel test files) must not move the figures.
    // The priority case covers 'nice', the default.
    describe('at rtt 10 ms', { concurrency: false }, () => {
      let path: EmulatedPath | null = null;
      let port = 0;
      before(async () => {
        if (skip) return;
        path = await openPath({ rttMs: 10, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl, seed: 1 }, { priority: 'realtime' });
        ({ port } = await startServer(path.server, 'realtime'));
      });
      after(() => path?.close());

      test('opens the implementation asked for, ends in two namespaces on 10.77.0.1 ↔ 10.77.0.2', (t) => {
        if (skip || !path) return t.skip(skip ?? 'no path');
        assert.equal(path.impl, impl);
        assert.equal(path.server.address, '10.77.0.1');
        assert.equal(path.client.address, '10.77.0.2');
        assert.notEqual(path.server.namespace, path.client.namespace);
        for (const name of path.namespaces) assert.match(name, new RegExp(`^h1b-${process.pid}-[0-9a-f]{8}-path-(srv|cli|wire)$`));
      });

      test('the RTT probe measures 10 ms ± 1 ms at p50', async (t) => {
        if (skip || !path) return t.skip(skip ?? 'no path');
        const rtt = await path.measureRtt(20);
        t.diagnostic(`rtt ${JSON.stringify(rtt)}`);
        assert.equal(rtt.samples, 20);
        assert.ok(rtt.p50Ms >= 9 && rtt.p50Ms <= 11, `p50 ${rtt.p50Ms} ms`);
        assert.ok(rtt.minMs >= 9.5, `min ${rtt.minMs} ms: a packet cannot beat the configured delay by much`);
      });

      test('either probe times the same path: the Node UDP echo (where ping is missing) reads a little above ICMP', async (t) => {
        if (skip || !path) return t.skip(skip ?? 'no path');
        const udp = await path.measureRtt(10, 'udp');
        t.diagnostic(`udp ${JSON.stringify(udp)}`);
        assert.equal(udp.method, 'udp');
        assert.equal(udp.samples, 10);
        assert.ok(udp.minMs >= 9.5 && udp.p50Ms <= 12, `udp p50 ${udp.p50Ms} ms, min ${udp.minMs} ms`);
      });

      test('a TCP connect takes one RTT: p50 in [10, 12] ms over 20 connects', async (t) => {
        if (skip || !path) return t.skip(skip ?? 'no path');
        const result = await runClient(path, port, 'connect', 20, 1, 2_000, 'realtime');
        t.diagnostic(`connect p50 ${p50(result.samplesUs)} µs, samples ${result.samplesUs.join(' ')}`);
        assert.equal(result.failed, 0, result.errors.join('; '));
        const ms = p50(result.samplesUs) / 1000;
        assert.ok(ms >= 10 && ms <= 12, `connect p50 ${ms} ms`);
      });

      test('an HTTP/1.0 exchange (connect, request, response, close) takes two RTTs: p50 in [20, 23] ms over 20', async (t) => {
        if (skip || !path) return t.skip(skip ?? 'no path');
        const result = await runClient(path, port, 'exchange', 20, 1, 2_000, 'realtime');
        t.diagnostic(`exchange p50 ${p50(result.samplesUs)} µs, samples ${result.samplesUs.join(' ')}`);
        assert.equal(result.failed, 0, result.errors.join('; '));
        const ms = p50(result.samplesUs) / 1000;
        assert.ok(ms >= 20 && ms <= 23, `exchange p50 ${ms} ms`);
      });

      if (impl === 'delay-line') {
        test('relayStats: every packet the relay got was forwarded, its CPU per packet is measured', async (t) => {
          if (skip || !path) return t.skip(skip ?? 'no path');
          const stats = await path.relayStats();
          t.diagnostic(`relay ${JSON.stringify(stats)}`);
          assert.ok(stats);
          assert.ok(stats.packets > 100, `${stats.packets} packets`);
          assert.equal(stats.dropped + stats.overflow, 0);
          // The sender's count and the ring's length are read a moment apart: a packet may be between them.
          assert.ok(stats.packets - stats.forwarded - stats.queued <= 2, 'every packet forwarded or still held');
          assert.ok(stats.cpuUsPerPacket > 0);
          assert.equal(stats.udpBufferErrors, 0, 'no datagram lost outside the model');
        });
      } else {
        test('relayStats is null: the kernel does the work', async (t) => {
          if (skip || !path) return t.skip(skip ?? 'no path');
          assert.equal(await path.relayStats(), null);
        });
      }
    });

    if (impl === 'delay-line') {
      test('priority: relay and bridges run at nice −10 by default, SCHED_FIFO when asked', async (t) => {
        if (skip) return t.skip(skip);
        for (const priority of ['nice', 'realtime'] as const) {
          const path = await openPath({ rttMs: 2, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl, seed: 1 }, { priority });
          try {
            for (const pid of path.helperPids) {
              assert.deepEqual(scheduling(pid), priority === 'nice' ? { nice: HELPER_NICE, policy: 0 } : { nice: 0, policy: SCHED_FIFO }, `pid ${pid}, ${priority}`);
            }
            assert.equal((await path.measureRtt(5)).samples, 5);
          } finally {
            await path.close();
          }
        }
      });
    }

    test('loss 20 %: TCP retransmits, nothing hangs, every connection ends within its bound', async (t) => {
      if (skip) return t.skip(skip);
      const path = await openPath({ rttMs: 10, jitterMs: 0, lossPct: 20, bandwidthBitsPerSec: null, impl, seed: 7 });
      try {
        const { port } = await startServer(path.server);
        const before = [tcpCounters(path.client), tcpCounters(path.server)] as const;
        // 8 connections at once, each bounded by 6 s: a lost SYN costs 1 s (RFC 6298 §2.1 initial RTO), two cost 3 s.
        const result = await runClient(path, port, 'exchange', 8, 8, 6_000);
        const after = [tcpCounters(path.client), tcpCounters(path.server)] as const;
        const retransmits = snmpDelta(before[0], after[0], 'RetransSegs') + snmpDelta(before[1], after[1], 'RetransSegs');
        const stats = await path.relayStats();
        t.diagnostic(`completed ${result.samplesUs.length}, failed ${result.failed} (${result.errors.join('; ')}), RetransSegs client+server ${retransmits}, relay dropped ${stats?.dropped ?? 'n/a'}`);
        assert.equal(result.samplesUs.length + result.failed, 8, 'every connection ended');
        assert.ok(retransmits > 0, 'losses were repaired by retransmission');
        assert.ok(result.samplesUs.length > 0, 'some exchanges completed despite the loss');
        if (stats) assert.ok(stats.dropped > 0);
      } finally {
        await path.close();
      }
    });

    test('bandwidth 20 Mbit/s: a 2 MB response never comes faster than the link, and does come', async (t) => {
      if (skip) return t.skip(skip);
      const path = await openPath({ rttMs: 10, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: 20_000_000, impl, seed: 1 });
      try {
        const { port } = await startServer(path.server);
        const result = await runClient(path, port, 'bulk:2000000', 1, 1, 8_000);
        assert.equal(result.failed, 0, result.errors.join('; '));
        const mbit = (2_000_000 * 8) / result.samplesUs[0]!;
        const stats = await path.relayStats();
        t.diagnostic(`goodput ${mbit.toFixed(2)} Mbit/s; relay ${JSON.stringify(stats)}`);
        // Body bytes only: headers, TCP/IP overhead and slow start keep goodput below the IP rate.
        assert.ok(mbit <= 20, `${mbit} Mbit/s is faster than the link`);
        assert.ok(mbit >= 5, `${mbit} Mbit/s: the transfer crawled`);
        if (stats) assert.equal(stats.udpBufferErrors, 0, 'no datagram lost outside the model');
      } finally {
        await path.close();
      }
    });

    test('close() leaves no namespace, device or helper process, and is idempotent', async (t) => {
      if (skip) return t.skip(skip);
      const path = await openPath({ rttMs: 1, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl, seed: 1 });
      const made = [...path.namespaces];
      const pids = [...path.helperPids];
      assert.ok(made.every((name) => namespaces().includes(name)));
      await path.close();
      await path.close();
      assert.deepEqual(made.filter((name) => namespaces().includes(name)), []);
      assert.deepEqual(pids.filter((pid) => !processGone(pid)), []);
      // The devices only ever lived in the path's namespaces; the host never had them.
      const hostLinks = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
      assert.doesNotMatch(hostLinks, /h1b-(srv|cli)/);
    });

    /** Run open-and-wait.js; resolve what it printed and a promise of its exit. */
    async function openInChild(mode: 'wait' | 'exit'): Promise<{ left: Leftovers; child: ReturnType<typeof spawn>; exited: Promise<unknown> }> {
      const child = spawn(process.execPath, [OPEN_AND_WAIT, impl, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let printed = '';
      child.stdout!.setEncoding('utf8');
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the child did not open its path within 15 s')), 15_000);
        child.stdout!.on('data', (chunk: string) => {
          printed += chunk;
          if (printed.includes('\n')) {
            clearTimeout(timer);
            resolve(printed.split('\n')[0]!);
          }
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error('the child exited before opening its path'));
        });
      });
      return { left: JSON.parse(line) as Leftovers, child, exited };
    }

    test('a process that exits without close() leaves nothing: the exit hook ends the processes, the namespaces go', async (t) => {
      if (skip) return t.skip(skip);
      const { left, exited } = await openInChild('exit');
      await exited;
      assert.deepEqual(left.namespaces.filter((name) => namespaces().includes(name)), []);
      assert.deepEqual([...left.helperPids, left.serverPid].filter((pid) => !processGone(pid)), []);
    });

    test('after SIGKILL of the process that opened a path, sweepStalePaths removes what it left', async (t) => {
      if (skip) return t.skip(skip);
      const { left, child, exited } = await openInChild('wait');
      child.kill('SIGKILL');
      await exited;
      assert.ok(left.namespaces.every((name) => namespaces().includes(name)), 'a SIGKILLed owner leaves its namespaces');
      const removed = await sweepStalePaths();
      assert.deepEqual([...left.namespaces].sort(), removed.filter((name) => left.namespaces.includes(name)).sort());
      assert.deepEqual(left.namespaces.filter((name) => namespaces().includes(name)), []);
      // The helpers saw their owner die (stdin closed) and may be exiting on their own: a process mid-exit has left
      // its namespace, so `ip netns pids` no longer lists it for the sweep. No event announces a stranger's exit:
      // wait for it, bounded.
      const pids = [...left.helperPids, left.serverPid];
      for (let turn = 0; turn < 100 && pids.some((pid) => !processGone(pid)); turn++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(pids.filter((pid) => !processGone(pid)), [], 'relay, bridges and the server in the namespace are gone');
    });
  });
}
