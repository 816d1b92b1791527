// The views around a measured phase: server /stats, kernel counters, process CPU, TIME_WAIT and the wire, taken
// before and after it so their deltas cover exactly the phase. Every measuring command uses this, in this order.

import { isIP } from 'node:net';
import type { KernelDeltas, ServerStats, TimeWaitCount, WireCounts } from '../measurements.js';
import { readTcpSnmp, readTimeWait, snmpDelta, type TcpSnmp } from '../metrics/kernel.js';
import { cpuDelta, readProcessTreeUsage, selfUsage, type ProcessUsage } from '../metrics/process-usage.js';
import { startRunCapture, type RunCapture } from '../wire/run-wire.js';
import type { ActiveTarget } from './target.js';

export interface ObserveOptions {
  /** `namespace` when this process runs in a private network namespace (kernel counts are then exact). */
  readonly kernelScope: 'host' | 'namespace';
  /** `--capture FILE`: tcpdump the phase (run number `run` of a series gets its own file); null = no capture. */
  readonly capture: { readonly file: string; readonly run: number } | null;
  /** Interface the capture listens on; default `lo`. */
  readonly captureIface?: string;
  /**
   * `/proc/<pid>/net` of a process in the server's network namespace when it is not this one (an emulated path):
   * server-side TIME_WAIT sockets are counted there, client-side ones here. Absent: both here.
   */
  readonly serverNetDir?: string;
}

/** What the views showed over one measured phase; null where a view was unavailable. */
export interface Observation {
  readonly kernel: KernelDeltas | null;
  readonly timeWait: TimeWaitCount | null;
  /** The embedded server's /stats delta with h1bench's own probe requests removed. */
  readonly serverDelta: ServerStats | null;
  /** The embedded server process's CPU (s) and peak RSS over the phase. */
  readonly serverUsage: { cpuSec: number; maxRssBytes: number | null } | null;
  /** This process's CPU over the phase (the generator's cost when it runs in-process). */
  readonly clientCpu: { userSec: number; systemSec: number };
  readonly wire: WireCounts | null;
  /** Why a view is missing or what it includes. */
  readonly notes: string[];
}

/** Views opened before a phase; `close()` after it reads them again and returns the deltas. */
export interface Observer {
  close(): Promise<Observation>;
  /** The phase failed: stop the capture, read nothing. */
  abort(): Promise<void>;
}

/**
 * Open the views for one measured phase, right before it. The /stats probe is calibrated first (two snapshots
 * with nothing else open, so its own cost can be removed), then the capture starts, then the counters are read.
 */
export async function observe(target: ActiveTarget, options: ObserveOptions): Promise<Observer> {
  const notes: string[] = [];
  const statsBefore = await serverSnapshot(target, notes, 'before', true);
  const capture: RunCapture | null = options.capture ? await startRunCapture(options.capture.file, target.port, options.capture.run, options.captureIface) : null;
  const kernelBefore = await readTcpSnmp();
  // Across a path the server accepts in its own namespace: its PassiveOpens are counted there.
  const serverKernelBefore = options.serverNetDir === undefined ? null : await readTcpSnmp(`${options.serverNetDir}/snmp`);
  const serverBefore = target.server ? await readProcessTreeUsage(target.server.pid) : null;
  const selfBefore = selfUsage();
  return {
    async close(): Promise<Observation> {
      const selfAfter = selfUsage();
      const kernelAfter = await readTcpSnmp();
      const serverKernelAfter = options.serverNetDir === undefined ? null : await readTcpSnmp(`${options.serverNetDir}/snmp`);
      const wire = capture ? await capture.finish() : null;
      const serverAfter = target.server ? await readProcessTreeUsage(target.server.pid) : null;
      const statsAfter = statsBefore ? await serverSnapshot(target, notes, 'after', false) : null;
      const timeWait = await timeWaitOf(target.port, targetAddress(target), options.serverNetDir);
      if (target.probe && target.probe.serverClosedConnections > 0) {
        notes.push(
          `timeWait.serverSide includes ${target.probe.serverClosedConnections} connection(s) of h1bench's own /stats probes ` +
            '(the server closes each in close mode)',
        );
      }
      return {
        kernel: kernelDeltas(kernelBefore, kernelAfter, options.kernelScope, options.serverNetDir === undefined ? null : [serverKernelBefore, serverKernelAfter]),
        timeWait,
        serverDelta: statsBefore && statsAfter && target.probe ? target.probe.delta(statsBefore, statsAfter) : null,
        serverUsage: usageDelta(serverBefore, serverAfter),
        clientCpu: cpuDelta(selfBefore, selfAfter),
        wire,
        notes,
      };
    },
    async abort(): Promise<void> {
      await capture?.abort();
    },
  };
}

/** TIME_WAIT of `port`: both sides here, or the server's side in the namespace behind `serverNetDir` and the client's here. */
async function timeWaitOf(port: number, address: string | null, serverNetDir: string | undefined): Promise<TimeWaitCount | null> {
  if (serverNetDir === undefined) return readTimeWait(port, undefined, address);
  const [server, client] = await Promise.all([readTimeWait(port, serverNetDir, address), readTimeWait(port, undefined, address)]);
  if (!server || !client) return null;
  return { serverSide: server.serverSide, clientSide: client.clientSide };
}

/** Snapshot /stats; a server that stopped answering (killed mid-run) costs the server view, not the report. */
async function serverSnapshot(target: ActiveTarget, notes: string[], when: string, calibrate: boolean): Promise<ServerStats | null> {
  if (!target.probe) return null;
  try {
    return calibrate ? await target.probe.calibrate() : await target.probe.quiescent();
  } catch (error) {
    notes.push(`server /stats unavailable ${when} the measured phase (${(error as Error).message}); server view omitted`);
    return null;
  }
}

/** ActiveOpens here; PassiveOpens here, or in the server's namespace when it has its own (`server`: its before and after). */
function kernelDeltas(
  before: TcpSnmp | null,
  after: TcpSnmp | null,
  scope: 'host' | 'namespace',
  server: readonly [TcpSnmp | null, TcpSnmp | null] | null,
): KernelDeltas | null {
  if (!before || !after) return null;
  const [passiveBefore, passiveAfter] = server ?? [before, after];
  if (!passiveBefore || !passiveAfter) return null;
  return { activeOpens: snmpDelta(before, after, 'ActiveOpens'), passiveOpens: snmpDelta(passiveBefore, passiveAfter, 'PassiveOpens'), scope };
}

function usageDelta(before: ProcessUsage | null, after: ProcessUsage | null): Observation['serverUsage'] {
  if (!before || !after) return null;
  const cpu = cpuDelta(before, after);
  return { cpuSec: cpu.userSec + cpu.systemSec, maxRssBytes: after.maxRssBytes };
}

/** The target's IP (a literal URL host or the embedded server's), so TIME_WAIT is split by address and port; else null. */
function targetAddress(target: ActiveTarget): string | null {
  const host = target.url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? null : host;
}
