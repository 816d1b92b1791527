// A TUN device bridged to UDP by socat: each IP packet the kernel routes into the device becomes one datagram to the relay, and each datagram back becomes one packet.

import { HelperProcess, type ExecArgv, type HelperPriority } from './helper-process.js';
import type { PathResources } from './resources.js';

/** socat prints this notice (-d -d) once both addresses are open: the TUN device exists and the socket is bound. */
const READY = /starting data transfer loop/;
const READY_TIMEOUT_MS = 10_000;
/**
 * The relay delivers a TCP window's packets back to back, and writing each into the TUN device runs
 * the receiving stack in socat's own time: 208 KiB (the usual default) overflows under bulk
 * transfers. The kernel caps this at net.core.rmem_max; what is dropped anyway shows in
 * RelayStats.udpBufferErrors.
 */
const BRIDGE_RCVBUF_BYTES = 2 * 1024 * 1024;

export interface TunBridgeOptions {
  /** Interface name to create (IFNAMSIZ: at most 15 characters). */
  readonly device: string;
  /** Loopback address of the wire namespace, where the relay listens. */
  readonly host: string;
  /** UDP port this bridge binds, where the relay sends the packets for this end. */
  readonly localPort: number;
  /** UDP port of the relay's socket for this end. */
  readonly relayPort: number;
  readonly priority: HelperPriority;
}

/**
 * Start `socat TUN,tun-name=DEV,tun-type=tun,iff-no-pi UDP-DATAGRAM:host:relay,bind=host:local`
 * and resolve once the device exists. tun-type=tun with iff-no-pi: the datagram is exactly the IP
 * packet, no link header and no 4-byte packet-information prefix (Documentation/networking/tuntap.rst),
 * so the relay paces IP bytes. UDP-DATAGRAM, not UDP-CONNECT: an unconnected socket ignores ICMP
 * port-unreachable, so a packet sent while the relay is not (or no longer) there does not make
 * socat exit. socat reads one packet per read(2) from a TUN fd and writes each datagram with one
 * write(2), so packet boundaries survive both ways. The device is left down without an address: the
 * caller moves it into an end's namespace, which flushes both anyway.
 */
export async function startTunBridge(resources: PathResources, role: string, execArgv: ExecArgv, options: TunBridgeOptions): Promise<HelperProcess> {
  const { device, host, localPort, relayPort } = options;
  const bridge = resources.adopt(HelperProcess.start(role, execArgv, 'socat', [
    '-d', '-d',
    `TUN,tun-name=${device},tun-type=tun,iff-no-pi`,
    `UDP-DATAGRAM:${host}:${relayPort},bind=${host}:${localPort},rcvbuf=${BRIDGE_RCVBUF_BYTES}`,
  ], { priority: options.priority }));
  try {
    await bridge.waitFor('stderr', READY, READY_TIMEOUT_MS);
  } catch (error) {
    await bridge.stop();
    throw error;
  }
  return bridge;
}
