// The user-space path: a TUN device in each end's namespace, bridged by socat to UDP on the loopback of a third (wire) namespace, where the relay delays, drops and paces.
//
//   server ns            wire ns (lo only)                                     client ns
//   10.77.0.1 h1b-srv ── fd ── socat ─ udp 5001 ⇄ relay (DelayQueue ×2) ⇄ udp 5002 ─ socat ── fd ── h1b-cli 10.77.0.2
//
// Why a third namespace and loopback, not a veth between the ends: socat creates each TUN device in
// the wire namespace and the device is then moved to its end (the open fd follows the device), so
// the ends hold nothing but lo and the TUN device. Their kernel counters (/proc/net/snmp, which
// h1bench reads for handshakes and retransmits) then count only the benchmark's traffic, not the UDP
// carrying it; loopback is the cheapest hop for that UDP; and the fixed ports below cannot collide
// with anything, since nothing else lives in the wire namespace.

import { H1Error } from '../../errors.js';
import type { PrivateNetns } from '../netns.js';
import { CLIENT_ADDRESS, CLIENT_DEVICE, OpenedPath, PATH_PREFIX_LENGTH, SERVER_ADDRESS, SERVER_DEVICE, pathEnd } from './emulated-path.js';
import type { HelperPriority } from './helper-process.js';
import { RelayProcess } from './relay-process.js';
import { DEFAULT_SPIN_US } from './relay-protocol.js';
import { PathResources } from './resources.js';
import { oneWay, type PathSpec } from './spec.js';
import { missingPrerequisite, run } from './system.js';
import { startTunBridge } from './tun-bridge.js';
import type { EmulatedPath } from './types.js';

const WIRE_HOST = '127.0.0.1';
const SERVER_BRIDGE_PORT = 5001;
const CLIENT_BRIDGE_PORT = 5002;

/** Move a bridge's TUN device from the wire namespace to its end, give it the end's address, bring it up. */
async function attach(wire: PrivateNetns, end: PrivateNetns, device: string, address: string): Promise<void> {
  // Moving a device into another namespace takes it down and flushes its addresses: configure it after.
  await run('ip', ['-n', wire.name, 'link', 'set', 'dev', device, 'netns', end.name]);
  // No IPv6 link-local address: no DAD or router solicitations crossing the relay as phantom traffic.
  await run('ip', ['-n', end.name, 'link', 'set', 'dev', device, 'addrgenmode', 'none']);
  await run('ip', ['-n', end.name, 'addr', 'add', `${address}/${PATH_PREFIX_LENGTH}`, 'dev', device]);
  await run('ip', ['-n', end.name, 'link', 'set', 'dev', device, 'up']);
}

/** A fresh 32-bit seed when the spec leaves it to us. */
const freshSeed = (): number => Math.floor(Math.random() * 0x1_0000_0000);

/**
 * Build the delay line for a validated spec, its relay and bridges scheduled at `priority`. Needs
 * root, iproute2 and socat (H1B_PATH_UNAVAILABLE otherwise). Anything that fails half-way is undone
 * before the error is thrown.
 */
export async function openDelayLine(spec: PathSpec, priority: HelperPriority): Promise<EmulatedPath> {
  const missing = missingPrerequisite(['ip', 'socat']);
  if (missing) throw new H1Error('H1B_PATH_UNAVAILABLE', `delay-line path: ${missing}`);
  const resources = new PathResources();
  try {
    const serverNs = await resources.namespace('srv');
    const clientNs = await resources.namespace('cli');
    const wire = await resources.namespace('wire');
    const inWire = (command: string, args: readonly string[]): string[] => wire.execArgv(command, args);
    const way = oneWay(spec);
    const relay = await RelayProcess.start(resources, inWire, {
      host: WIRE_HOST,
      serverSide: { listenPort: 0, peerPort: SERVER_BRIDGE_PORT },
      clientSide: { listenPort: 0, peerPort: CLIENT_BRIDGE_PORT },
      toServer: way,
      toClient: way,
      seed: spec.seed ?? freshSeed(),
      spinUs: DEFAULT_SPIN_US,
    }, priority);
    const bridges = await Promise.all([
      startTunBridge(resources, 'socat bridge (server end)', inWire, { device: SERVER_DEVICE, host: WIRE_HOST, localPort: SERVER_BRIDGE_PORT, relayPort: relay.serverPort, priority }),
      startTunBridge(resources, 'socat bridge (client end)', inWire, { device: CLIENT_DEVICE, host: WIRE_HOST, localPort: CLIENT_BRIDGE_PORT, relayPort: relay.clientPort, priority }),
    ]);
    await attach(wire, serverNs, SERVER_DEVICE, SERVER_ADDRESS);
    await attach(wire, clientNs, CLIENT_DEVICE, CLIENT_ADDRESS);
    return new OpenedPath({
      impl: 'delay-line',
      spec,
      server: pathEnd(serverNs, SERVER_ADDRESS, SERVER_DEVICE),
      client: pathEnd(clientNs, CLIENT_ADDRESS, CLIENT_DEVICE),
      resources,
      relay,
      bridges,
      wire,
      priority,
    });
  } catch (error) {
    await resources.undo(error);
    throw error;
  }
}
