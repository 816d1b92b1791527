// Shared end-to-end cases of the measuring commands across an emulated path (--rtt), run against each implementation (path-run-delay-line.timing.test.ts, path-run-netem.timing.test.ts): timings, loss, cleanup, suite, trace, heartbeat.
//
// Every namespace, link and process here is made by the command under test (named h1b-<its pid>-…), inside which
// the only addresses are 10.77.0.1 and 10.77.0.2. Timing cases run the path's helpers, the server and the
// generator real-time (--path-priority realtime), as test/wire/path/ does: a busy test machine must not move the
// figures. Every command is bounded by runCli's limit.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport, SuiteReport } from '../../src/report/schema.js';
import { pathSupport } from '../../src/wire/path/index.js';
import type { PathImpl } from '../../src/wire/path/spec.js';
import { processGone } from '../../src/metrics/process-usage.js';
import { runCli, tempDir, type CliResult } from '../cli/cli-helpers.js';
import { assertMatchesPublishedSchema } from '../helpers/published-schema.js';
import { toolSkipReason } from '../wire/privileges.js';

const POLL_MS = 20;

/** Every network namespace on this machine. */
function namespaces(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter(Boolean);
}

/** The namespaces command `pid` made (PrivateNetns names them h1b-<owner pid>-…). */
const namespacesOf = (pid: number): string[] => namespaces().filter((name) => name.startsWith(`h1b-${pid}-`));

/** What runs inside namespace `name`. */
function pidsIn(name: string): number[] {
  return spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout.split('\n').map(Number).filter((pid) => pid > 0);
}

/** Resolve once every PID is gone, or fail after `limitMs` (SIGKILL and PR_SET_PDEATHSIG take effect when the process next runs). */
async function allGone(pids: readonly number[], limitMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = pids.filter((pid) => !processGone(pid));
    if (left.length === 0 || Date.now() > deadline) return left;
    // Bounded poll of processes that are not our children: no exit event reaches us.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Pipe progress lines look like "1.0 measuring [###...] 0.6s 27 req 45 req/s 0 errors": requests completed so far. */
const completedIn = (line: string): number => Number(/ (\d+) req /.exec(line)?.[1] ?? 0);

/** Snapshot of what command `child` made, taken once its load is flowing. */
interface Made {
  owner: number;
  namespaces: string[];
  pids: number[];
}

function snapshot(child: ChildProcess): Made {
  const made = namespacesOf(child.pid!);
  return { owner: child.pid!, namespaces: made, pids: made.flatMap(pidsIn) };
}

/** `bench <args>` that reacts once the measured load is flowing (a progress line with completed requests). */
function runFlowing(args: string[], onFlowing: (child: ChildProcess) => void, limitMs = 90_000): Promise<CliResult> {
  let seen = false;
  return runCli(args, {
    limitMs,
    onStderrLine: (line, child) => {
      if (!seen && / measuring/.test(line) && completedIn(line) > 0) {
        seen = true;
        onFlowing(child);
      }
    },
  });
}

const json = <T>(result: CliResult, what: string): T => {
  assert.equal(result.code, 0, `${what}: exit ${result.code} ${result.signal ?? ''}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

export function runPathRunCases(impl: PathImpl): void {
  describe(`commands across a ${impl} path`, { concurrency: false }, () => {
    let skip: string | null = null;
    const dir = tempDir();
    before(async () => {
      const support = await pathSupport(impl);
      skip = support.state === 'available' ? null : `${impl} path unavailable: ${support.reason}`;
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const pathArgs = ['--path', impl, '--path-priority', 'realtime'];

    test('rtt 10 ms: path RTT p50 10 ± 1 ms; 1.0 latency p50 in [20, 23] ms and connect p50 in [10, 12] ms; 1.1 latency p50 in [10, 12] ms; nothing left after', async (t) => {
      if (skip) return t.skip(skip);
      let made: Made | null = null;
      const result = await runFlowing(
        ['run', '--rtt', '10ms', ...pathArgs, '--mode', '1.0', '--mode', '1.1', '-n', '50', '-c', '1', '--warmup', '200ms', '--json', '--progress', '--out', join(dir, 'timing.json')],
        (child) => (made ??= snapshot(child)),
      );
      const [http10, http11] = json<RunReport[]>(result, 'bench run --rtt 10ms');
      assert.ok(http10 && http11);
      for (const report of [http10, http11]) {
        assertMatchesPublishedSchema(report, `--rtt 10ms --mode ${report.config.mode}`);
        const path = report.path!;
        t.diagnostic(`${report.config.mode}: path ${JSON.stringify(path.measured)}; latency p50 ${report.latencyMs.p50} ms, connect p50 ${report.connectMs.p50} ms; ${path.notes.join(' | ')}`);
        assert.equal(path.impl, impl);
        assert.deepEqual(path.configured, { rttMs: 10, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null });
        assert.ok(path.measured.p50Ms >= 9 && path.measured.p50Ms <= 11, `path RTT p50 ${path.measured.p50Ms} ms`);
        assert.equal(report.requests.completed, 50);
        assert.equal(report.target.url.startsWith('http://10.77.0.1:'), true);
        // The views across namespaces: exact kernel counts in the client's, the server's /stats and CPU by PID.
        assert.equal(report.handshakes.kernel?.scope, 'namespace');
        assert.equal(report.handshakes.kernel?.activeOpens, report.handshakes.client);
        // The server accepts in its own namespace: its PassiveOpens are read there (/proc/<server pid>/net/snmp).
        assert.equal(report.handshakes.kernel?.passiveOpens, report.handshakes.client);
        assert.equal(report.handshakes.server, report.handshakes.client);
        assert.ok(report.server.cpuSec !== null);
        assert.equal(path.relay === null, impl === 'netem');
        assert.equal(path.tcp.client.retransSegs + (path.tcp.server?.retransSegs ?? 0), 0, 'a lossless path retransmits nothing');
      }
      assert.ok(http10.latencyMs.p50 >= 20 && http10.latencyMs.p50 <= 23, `1.0 latency p50 ${http10.latencyMs.p50} ms`);
      assert.ok(http10.connectMs.p50 >= 10 && http10.connectMs.p50 <= 12, `1.0 connect p50 ${http10.connectMs.p50} ms`);
      assert.ok(http11.latencyMs.p50 >= 10 && http11.latencyMs.p50 <= 12, `1.1 latency p50 ${http11.latencyMs.p50} ms`);
      assert.deepEqual(http10.path?.model.map((item) => [item.figure, item.roundTrips, item.modelMs]), [['latencyP50', 2, 20], ['connectP50', 1, 10]]);
      assert.deepEqual(http11.path?.model[0] && [http11.path.model[0].figure, http11.path.model[0].roundTrips], ['latencyP50', 1]);
      // HTTP/1.0: the server closes first, so TIME_WAIT sits in the server's namespace (read through /proc/<pid>/net).
      assert.ok(http10.timeWait.serverSide >= 40, `server-side TIME_WAIT ${http10.timeWait.serverSide}`);
      assert.match(result.stderr, /1\.0 measuring/);
      assert.ok(made, 'the load was seen flowing');
      const { namespaces: madeNs, pids, owner } = made as Made;
      assert.equal(madeNs.length, impl === 'netem' ? 2 : 3, `namespaces ${madeNs.join(', ')}`);
      assert.deepEqual(namespacesOf(owner), [], 'every namespace of both paths is gone');
      assert.deepEqual(await allGone(pids), [], 'server, generator and helpers are gone');
    });

    test('loss 20 %: retransmissions in the capture and in the report, every request ends within its bounds', async (t) => {
      const why = skip ?? toolSkipReason('tcpdump', 'tcpdump');
      if (why) return t.skip(why);
      const capture = join(dir, 'loss.pcap');
      // 8 exchanges on 4 connections, each bounded by a 6 s timeout: a lost SYN costs 1 s, two cost 3 s.
      const result = await runCli(
        ['run', '--rtt', '10ms', '--loss', '20%', '--path-seed', '7', '--path', impl, '--mode', '1.0', '-n', '8', '-c', '4', '--warmup', '0', '--timeout', '6s', '--capture', capture, '--json', '--no-progress', '--out', join(dir, 'loss.json')],
        { limitMs: 90_000 },
      );
      assert.notEqual(result.signal, 'SIGKILL', 'the run ended by its own bounds');
      // Exit 1 only if nothing completed at all; the report is written either way.
      const report = JSON.parse(result.stdout) as RunReport;
      assertMatchesPublishedSchema(report, '--loss 20%');
      const path = report.path!;
      t.diagnostic(`completed ${report.requests.completed}, errors ${JSON.stringify(report.errors)}, wire ${JSON.stringify(report.wire)}, tcp ${JSON.stringify(path.tcp)}, relay ${JSON.stringify(path.relay)}`);
      // -n counts completed requests: one that failed (a timeout after lost segments) gave its place back and was sent again.
      assert.equal(report.requests.completed, 8, 'every request completed in the end');
      assert.equal(report.requests.sent, report.requests.completed + report.requests.errors + (report.requests.abandoned ?? 0));
      const retransmitted = path.tcp.client.retransSegs + (path.tcp.server?.retransSegs ?? 0);
      assert.ok(retransmitted > 0, 'the report counts TCP retransmissions');
      assert.ok((report.wire?.retransmissions ?? 0) > 0, 'the capture shows retransmissions');
      if (path.relay) assert.ok(path.relay.dropped > 0, 'the relay dropped packets');
      assert.ok(path.notes.some((note) => /TCP sent \d+ segment\(s\) again/.test(note)));
    });

    if (impl !== 'delay-line') return;

    test('SIGINT while measuring: the report is written, interrupted; no namespace or process is left', async (t) => {
      if (skip) return t.skip(skip);
      let made: Made | null = null;
      const out = join(dir, 'sigint.json');
      const result = await runFlowing(['run', '--rtt', '5ms', '--mode', '1.1', '-c', '2', '-d', '60s', '--warmup', '0', '--progress', '--out', out], (child) => {
        made = snapshot(child);
        child.kill('SIGINT');
      });
      assert.equal(result.code, 130, result.stderr);
      const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
      assert.equal(report.interrupted, true);
      assert.ok(report.path, 'the path section is in the interrupted report');
      assert.ok(made);
      const { namespaces: madeNs, pids, owner } = made as Made;
      // Relay and two bridges (wire), the server, the generator.
      assert.ok(madeNs.length === 3 && pids.length >= 5, `made ${JSON.stringify(made)}`);
      assert.deepEqual(namespacesOf(owner), []);
      assert.deepEqual(await allGone(pids), []);
    });

    test('SIGKILL while measuring: its processes die with it; the next run’s sweep removes its namespaces', async (t) => {
      if (skip) return t.skip(skip);
      let made: Made | null = null;
      const killed = await runFlowing(['run', '--rtt', '5ms', '--mode', '1.1', '-c', '2', '-d', '60s', '--warmup', '0', '--progress', '--out', join(dir, 'killed.json')], (child) => {
        made = snapshot(child);
        child.kill('SIGKILL');
      });
      assert.equal(killed.signal, 'SIGKILL');
      assert.ok(made);
      const { namespaces: madeNs, pids } = made as Made;
      assert.deepEqual(await allGone(pids), [], 'relay, bridges, server and generator die with their owner (PR_SET_PDEATHSIG)');
      assert.deepEqual(madeNs.filter((name) => !namespaces().includes(name)), [], 'a SIGKILLed owner leaves its namespaces');
      const next = await runCli(['run', '--rtt', '1ms', '--mode', '1.1', '-n', '5', '-c', '1', '--warmup', '0', '--no-progress', '--out', join(dir, 'next.json')], { limitMs: 60_000 });
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(madeNs.filter((name) => namespaces().includes(name)), [], 'the next run swept them');
    });

    test('bench trace --rtt 20ms --mode 1.0 -n 2: the ladder shows a round trip between SYN and SYN-ACK', async (t) => {
      const why = skip ?? toolSkipReason('tcpdump', 'tcpdump');
      if (why) return t.skip(why);
      const result = await runCli(['trace', '--rtt', '20ms', ...pathArgs, '--mode', '1.0', '-n', '2', '--json'], { limitMs: 60_000 });
      const trace = json<{ flows: { connections: Array<{ packets: Array<{ tsUs: number; flags: number; from: string }> }> } }>(result, 'bench trace --rtt');
      assert.equal(trace.flows.connections.length, 2);
      for (const connection of trace.flows.connections) {
        const syn = connection.packets.find((packet) => packet.flags === 0x02);
        const synAck = connection.packets.find((packet) => packet.flags === 0x12);
        assert.ok(syn && synAck);
        const gapMs = (synAck.tsUs - syn.tsUs) / 1000;
        t.diagnostic(`SYN → SYN-ACK ${gapMs} ms`);
        assert.ok(gapMs >= 19.5 && gapMs <= 25, `SYN → SYN-ACK ${gapMs} ms`);
      }
      assert.match(result.stderr, /across an emulated 20 ms path, captured in the client namespace/);
    });

    test('bench suite --rtt 10ms: loopback and path cases, measured beside the model, one report', async (t) => {
      if (skip) return t.skip(skip);
      const file = join(dir, 'suite-def.json');
      writeFileSync(file, JSON.stringify({ modes: ['1.0', '1.1'], connections: [1], runs: 1, duration: '400ms', warmup: '100ms' }));
      const out = join(dir, 'suite.json');
      const result = await runCli(['suite', '--file', file, '--rtt', '10ms', ...pathArgs, '--no-progress', '--out', out], { limitMs: 90_000 });
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(readFileSync(out, 'utf8')) as SuiteReport;
      assertMatchesPublishedSchema(report, 'suite --rtt');
      assert.deepEqual(report.cases.map((item) => item.id), ['1.0-c1', '1.1-c1', '1.0-c1-rtt10ms', '1.1-c1-rtt10ms']);
      const points = report.model?.measured ?? [];
      t.diagnostic(JSON.stringify(points));
      assert.deepEqual(points.map((point) => [point.id, point.baseId, point.rttMs]), [['1.0-c1-rtt10ms', '1.0-c1', 10], ['1.1-c1-rtt10ms', '1.1-c1', 10]]);
      // One connection, closed loop: a 1.0 request waits ≥ 2 round trips, a 1.1 request ≥ 1.
      assert.ok(points[0]!.measured.p50Ms >= 20, `1.0 p50 ${points[0]!.measured.p50Ms}`);
      assert.ok(points[1]!.measured.p50Ms >= 10, `1.1 p50 ${points[1]!.measured.p50Ms}`);
      assert.ok(points.every((point) => point.model !== null && point.diff !== null));
      assert.match(result.stdout, /Measured across emulated network paths/);
      assert.match(result.stdout, /1\.0-c1-rtt10ms/);
    });

    test('bench heartbeat --rtt 10ms: beats cross the path; their RTT is at least the path’s', async (t) => {
      if (skip) return t.skip(skip);
      const result = await runCli(
        ['heartbeat', '--rtt', '10ms', ...pathArgs, '--clients', '4', '--interval', '200ms', '--timeout', '1s', '-d', '2s', '--json', '--out', join(dir, 'heartbeat.json')],
        { limitMs: 60_000 },
      );
      const report = json<RunReport>(result, 'bench heartbeat --rtt');
      assertMatchesPublishedSchema(report, 'heartbeat --rtt');
      assert.ok(report.heartbeat && report.path);
      assert.ok(report.heartbeat.beats.answered > 0);
      assert.ok(report.heartbeat.heartbeatRttMs.p50 >= 10, `heartbeat RTT p50 ${report.heartbeat.heartbeatRttMs.p50}`);
      assert.equal(report.config.path?.rttMs, 10);
    });
  });
}
