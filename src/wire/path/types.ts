// The one interface both path implementations return: two namespace ends, a measured RTT, the relay's counters, close.

import type { RelayCounters } from './relay-protocol.js';
import type { PathImpl, PathSpec } from './spec.js';

/** One end of the path: a namespace whose only interface besides lo carries `address`. */
export interface PathEnd {
  /** Namespace name, h1b-<owner pid>-<hex>-path-srv or -path-cli. */
  readonly namespace: string;
  /** IPv4 address of this end on the path (10.77.0.1 server, 10.77.0.2 client; /30). */
  readonly address: string;
  /** The interface carrying it: a TUN device (delay line) or a veth end (netem); capture there with tcpdump -i. */
  readonly device: string;
  /** argv that runs `command args` inside this end's namespace (`ip netns exec NS command args`: same PID, inherits env). */
  execArgv(command: string, args?: readonly string[]): string[];
}

/** Round trips of echo probes across the path, ms. */
export interface RttMeasurement {
  /**
   * How the round trips were timed: `icmp`, ping(8) answered by the server end's kernel and timed by the kernel's
   * receive timestamps (the path alone); `udp`, a Node echo at each end (adds their scheduling, ~0.2 ms), where
   * ping is missing.
   */
  readonly method: 'icmp' | 'udp';
  /** Probes sent. */
  readonly probes: number;
  /** Probes answered (the samples behind the figures). */
  readonly samples: number;
  /** Probes lost (no answer within the probe timeout): expected with lossPct > 0. */
  readonly lost: number;
  readonly minMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The delay line's costs: the relay's counters plus the CPU of both socat bridges. */
export interface RelayStats extends RelayCounters {
  /** CPU (user + system) of both socat TUN bridges since they started, µs (10 ms resolution: /proc USER_HZ). */
  readonly bridgeCpuUs: number;
  /** bridgeCpuUs / packets: each packet crosses two bridges (TUN → UDP, UDP → TUN). */
  readonly bridgeCpuUsPerPacket: number;
  /**
   * Datagrams the wire namespace's UDP sockets dropped for want of buffer space (Udp RcvbufErrors +
   * SndbufErrors): bursts beyond net.core.rmem_max (208 KiB by default). Losses outside the model;
   * non-zero means the path lost more than lossPct.
   */
  readonly udpBufferErrors: number;
}

export interface EmulatedPath {
  readonly impl: PathImpl;
  /** The validated spec it was opened with (impl may say 'auto'; `impl` above says what was chosen). */
  readonly spec: PathSpec;
  /** Where the server runs. */
  readonly server: PathEnd;
  /** Where the load generator runs. */
  readonly client: PathEnd;
  /** Every namespace this path made (server, client, and the delay line's wire namespace). */
  readonly namespaces: readonly string[];
  /** PIDs of the helper processes this path runs (relay and socat bridges; none for netem). */
  readonly helperPids: readonly number[];
  /**
   * Send `probes` echoes one at a time from the client end to the server end: the RTT to report next to the configured
   * one. `method`: icmp (ping, answered by the server end's kernel), udp (a Node echo at each end), or auto (icmp where
   * ping is installed). Throws H1B_PATH_FAILED when no probe comes back.
   */
  measureRtt(probes?: number, method?: RttMeasurement['method'] | 'auto'): Promise<RttMeasurement>;
  /** The relay's counters and CPU per packet now; null for netem (the kernel does the work). */
  relayStats(): Promise<RelayStats | null>;
  /** Stop the helpers, end what still runs in the namespaces, delete them. Idempotent; also runs (synchronously) at process exit. */
  close(): Promise<void>;
}
