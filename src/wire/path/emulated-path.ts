// The EmulatedPath both implementations hand back: ends made of namespaces, the RTT probe, the relay's counters, close.

import { protocolRow } from '../../metrics/kernel.js';
import { readProcessUsage } from '../../metrics/process-usage.js';
import type { PrivateNetns } from '../netns.js';
import type { HelperPriority, HelperProcess } from './helper-process.js';
import type { RelayProcess } from './relay-process.js';
import type { PathResources } from './resources.js';
import { run } from './system.js';
import { DEFAULT_PROBES, measureRtt } from './rtt-probe.js';
import type { PathImpl, PathSpec } from './spec.js';
import type { EmulatedPath, PathEnd, RelayStats, RttMeasurement } from './types.js';

/**
 * The path's addresses: a /30 (RFC 1918 private space) that exists only inside the two end
 * namespaces. Every path uses the same pair; the namespaces keep parallel paths apart.
 */
export const SERVER_ADDRESS = '10.77.0.1';
export const CLIENT_ADDRESS = '10.77.0.2';
export const PATH_PREFIX_LENGTH = 30;
/** Interface names at each end (≤ 15 characters, IFNAMSIZ). */
export const SERVER_DEVICE = 'h1b-srv';
export const CLIENT_DEVICE = 'h1b-cli';

export function pathEnd(netns: PrivateNetns, address: string, device: string): PathEnd {
  return Object.freeze({
    namespace: netns.name,
    address,
    device,
    execArgv: (command: string, args: readonly string[] = []) => netns.execArgv(command, args),
  });
}

export interface PathParts {
  readonly impl: PathImpl;
  readonly spec: PathSpec;
  readonly server: PathEnd;
  readonly client: PathEnd;
  readonly resources: PathResources;
  /** The delay line's relay, bridges and the namespace they run in; null, [] and null for netem. */
  readonly relay: RelayProcess | null;
  readonly bridges: readonly HelperProcess[];
  readonly wire: PrivateNetns | null;
  /** How the path's helpers are scheduled; the RTT probe runs the same way, so it measures the path they make. */
  readonly priority: HelperPriority;
}

const splitArgv = (argv: readonly string[]): [string, string[]] => [argv[0]!, argv.slice(1)];

export class OpenedPath implements EmulatedPath {
  readonly impl: PathImpl;
  readonly spec: PathSpec;
  readonly server: PathEnd;
  readonly client: PathEnd;
  readonly namespaces: readonly string[];
  readonly helperPids: readonly number[];

  constructor(private readonly parts: PathParts) {
    this.impl = parts.impl;
    this.spec = parts.spec;
    this.server = parts.server;
    this.client = parts.client;
    this.namespaces = Object.freeze([...parts.resources.namespaceNames]);
    this.helperPids = Object.freeze([...(parts.relay ? [parts.relay.helper.pid] : []), ...parts.bridges.map((bridge) => bridge.pid)]);
  }

  measureRtt(probes = DEFAULT_PROBES, method: RttMeasurement['method'] | 'auto' = 'auto'): Promise<RttMeasurement> {
    return measureRtt(this.server, this.client, this.spec.rttMs, probes, this.parts.resources, this.parts.priority, method);
  }

  async relayStats(): Promise<RelayStats | null> {
    const { relay, bridges, wire } = this.parts;
    if (!relay || !wire) return null;
    const [counters, snmp, ...usages] = await Promise.all([
      relay.counters(),
      run(...splitArgv(wire.execArgv('cat', ['/proc/net/snmp']))),
      ...bridges.map((bridge) => readProcessUsage(bridge.pid)),
    ]);
    const bridgeCpuUs = Math.round(usages.reduce((sum, usage) => sum + (usage ? (usage.userSec + usage.systemSec) * 1e6 : 0), 0));
    const udp = protocolRow(snmp, 'Udp');
    return {
      ...counters,
      bridgeCpuUs,
      bridgeCpuUsPerPacket: counters.packets === 0 ? 0 : Math.round((bridgeCpuUs / counters.packets) * 100) / 100,
      udpBufferErrors: (udp.RcvbufErrors ?? 0) + (udp.SndbufErrors ?? 0),
    };
  }

  close(): Promise<void> {
    return this.parts.resources.close();
  }
}
