// The path's own view around a measured phase, taken from inside the client namespace: the relay's counters (asked of the path's owner), and TCP loss and timer counters of both ends' namespaces.

import { H1Error } from '../errors.js';
import { readTcpEventCounters, tcpEventDelta, type TcpEventCounters } from '../metrics/net-counters.js';
import type { PathObservation } from '../report/path-section.js';
import { round3 } from '../numbers.js';
import type { RelayStats } from '../wire/path/index.js';

/** What is known of a path once it is open and probed, before any run: passed to the process that measures. */
export type PathContext = Pick<PathObservation, 'impl' | 'configured' | 'priority' | 'measured'>;

/** A path view opened right before a measured load; close() right after it returns what the path saw. */
export interface PathPhase {
  close(): Promise<PathObservation>;
}

/** How runOnce observes a load that crosses an emulated path (set only in the path's client namespace). */
export interface PathRunView {
  /** `/proc/<server pid>/net`: the server namespace, for server-side TIME_WAIT (observe.ts) and its TCP counters. */
  readonly serverNetDir: string;
  /** tcpdump's interface in the client namespace: `any` (the path device carries the traffic, lo the flush marker). */
  readonly captureIface: string;
  open(): Promise<PathPhase>;
}

type RelayDelta = NonNullable<PathObservation['relay']>;

/** The relay's counters between two snapshots; its late distribution is the later snapshot's (since the path opened). */
export function relayDelta(before: RelayStats, after: RelayStats): RelayDelta {
  const packets = after.packets - before.packets;
  const cpuUs = after.cpuUs - before.cpuUs;
  const bridgeCpuUs = after.bridgeCpuUs - before.bridgeCpuUs;
  return {
    packets,
    forwarded: after.forwarded - before.forwarded,
    dropped: after.dropped - before.dropped,
    overflow: after.overflow - before.overflow,
    bytes: after.bytes - before.bytes,
    udpBufferErrors: after.udpBufferErrors - before.udpBufferErrors,
    cpuUs,
    cpuUsPerPacket: packets > 0 ? round3(cpuUs / packets) : 0,
    bridgeCpuUs,
    bridgeCpuUsPerPacket: packets > 0 ? round3(bridgeCpuUs / packets) : 0,
    lateUsSinceOpen: { ...after.lateUs },
  };
}

async function clientCounters(): Promise<TcpEventCounters> {
  const counters = await readTcpEventCounters('/proc/net');
  if (!counters) throw new H1Error('H1B_PATH_FAILED', 'cannot read /proc/net/snmp and /proc/net/netstat in the path’s client namespace');
  return counters;
}

/**
 * The view for a load run by this process inside the path's client namespace against a server (pid `serverPid`)
 * in its server namespace. `relayStats` asks the path's owner (null for netem). The server's counters come from
 * `/proc/<serverPid>/net`, so no process has to enter its namespace; null there if the server is gone.
 */
export function pathRunView(context: PathContext, serverPid: number, relayStats: () => Promise<RelayStats | null>): PathRunView {
  const serverNetDir = `/proc/${serverPid}/net`;
  return {
    serverNetDir,
    captureIface: 'any',
    async open(): Promise<PathPhase> {
      const [relayBefore, clientBefore, serverBefore] = await Promise.all([relayStats(), clientCounters(), readTcpEventCounters(serverNetDir)]);
      return {
        async close(): Promise<PathObservation> {
          const [relayAfter, clientAfter, serverAfter] = await Promise.all([relayStats(), clientCounters(), readTcpEventCounters(serverNetDir)]);
          return {
            ...context,
            relay: relayBefore && relayAfter ? relayDelta(relayBefore, relayAfter) : null,
            tcp: {
              client: tcpEventDelta(clientBefore, clientAfter),
              server: serverBefore && serverAfter ? tcpEventDelta(serverBefore, serverAfter) : null,
            },
          };
        },
      };
    },
  };
}
