// The delay line's relay under a packet-rate sweep on loopback (no root): the delay it adds beyond the configured one, its CPU per packet, what it drops. Used by bench:paths-relay and bench:paths.

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { monotonicClock } from '../../src/clock.js';
import type { HelperPriority } from '../../src/wire/path/helper-process.js';
import { RelayProcess } from '../../src/wire/path/relay-process.js';
import type { RelayCounters } from '../../src/wire/path/relay-protocol.js';
import { PathResources } from '../../src/wire/path/resources.js';
import { protocolRow } from '../../src/metrics/kernel.js';
import { DEFAULT_QUEUE_LIMIT, type OneWay } from '../../src/wire/path/spec.js';

/** The bar: the relay's added delay within 0.2 ms of the configured one. */
export const WITHIN_US = 200;
/** Send in bursts at most this often: a finer setTimeout is not kept anyway (ms timers). */
const TICK_MS = 1;
const clock = monotonicClock;

export interface SweepOptions {
  readonly delayUs: number;
  readonly stepUs: number;
  readonly size: number;
  readonly rates: readonly number[];
  readonly spinUs: number;
  readonly priority: HelperPriority;
}

export interface StepResult {
  rate: number;
  sent: number;
  received: number;
  excessP50: number;
  excessP99: number;
  excessMax: number;
  cpuUsPerPacket: number;
  relayCpuPercent: number;
  /** Dropped by the relay's queue limit. */
  overflow: number;
  /** UDP datagrams the kernel dropped for want of socket buffer during the step (this namespace: relay and this process). */
  bufferDrops: number;
}

/** Udp RcvbufErrors + SndbufErrors of this network namespace (a read of /proc, no traffic). */
function udpBufferErrors(): number {
  const udp = protocolRow(readFileSync('/proc/net/snmp', 'utf8'), 'Udp');
  return (udp.RcvbufErrors ?? 0) + (udp.SndbufErrors ?? 0);
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

function bind(socket: Socket): Promise<number> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
}

/** The relay (relay-main.js, as a path runs it) between two UDP sockets of this process, one step per rate. */
export async function relayOnLoopback(options: SweepOptions): Promise<StepResult[]> {
  const { delayUs: DELAY_US, stepUs: STEP_US, size: SIZE, rates: RATES, spinUs: SPIN_US, priority: PRIORITY } = options;
  const receiver = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
  const sender = createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
  const [receiverPort, senderPort] = await Promise.all([bind(receiver), bind(sender)]);
  const way: OneWay = { delayUs: DELAY_US, jitterUs: 0, lossFraction: 0, rateBitsPerSec: null, queueLimit: DEFAULT_QUEUE_LIMIT };
  const resources = new PathResources();
  const onHost = (command: string, args: readonly string[]): string[] => [command, ...args];
  const relay = await RelayProcess.start(resources, onHost, {
    host: '127.0.0.1',
    // The sender plays the client end, the receiver the server end.
    serverSide: { listenPort: 0, peerPort: receiverPort },
    clientSide: { listenPort: 0, peerPort: senderPort },
    toServer: way,
    toClient: way,
    seed: 1,
    spinUs: SPIN_US,
  }, PRIORITY);
  await new Promise<void>((resolve) => sender.connect(relay.clientPort, '127.0.0.1', resolve));
  let excess: number[] = [];
  // Each packet carries its send time and its step; stragglers of the warm-up do not count.
  let step = 0;
  receiver.on('message', (packet: Buffer) => {
    if (packet.readUInt32BE(8) === step) excess.push(clock.nowUs() - packet.readDoubleBE(0) - DELAY_US);
  });
  const packet = Buffer.alloc(SIZE);
  const results: StepResult[] = [];
  try {
    for (const rate of RATES) {
      // Warm-up, then the measured step, both at the same rate.
      packet.writeUInt32BE(++step, 8);
      await sendAt(sender, packet, rate, Math.min(300_000, STEP_US / 3));
      await drained(relay, DELAY_US);
      packet.writeUInt32BE(++step, 8);
      excess = [];
      const before = await relay.counters();
      const dropsBefore = udpBufferErrors();
      const sent = await sendAt(sender, packet, rate, STEP_US);
      const after = await drained(relay, DELAY_US);
      const bufferDrops = udpBufferErrors() - dropsBefore;
      const sorted = excess.sort((a, b) => a - b);
      const packets = after.packets - before.packets;
      const cpuUs = after.cpuUs - before.cpuUs;
      results.push({
        rate,
        sent,
        received: sorted.length,
        excessP50: Math.round(quantile(sorted, 0.5)),
        excessP99: Math.round(quantile(sorted, 0.99)),
        excessMax: Math.round(sorted[sorted.length - 1] ?? Number.NaN),
        cpuUsPerPacket: packets === 0 ? Number.NaN : Math.round((cpuUs / packets) * 10) / 10,
        relayCpuPercent: Math.round((cpuUs / (after.uptimeUs - before.uptimeUs)) * 1000) / 10,
        overflow: after.overflow - before.overflow,
        bufferDrops,
      });
      process.stderr.write(`  ${rate} pkt/s done\n`);
    }
  } finally {
    await resources.close();
    receiver.close();
    sender.close();
  }
  return results;
}

/** Send `rate` packets per second for durationUs, in bursts each tick, catching up by the clock; resolves the count sent. */
async function sendAt(socket: Socket, packet: Buffer, rate: number, durationUs: number): Promise<number> {
  const startUs = clock.nowUs();
  let sent = 0;
  const total = Math.round((rate * durationUs) / 1_000_000);
  while (sent < total) {
    const owed = Math.min(total, Math.floor(((clock.nowUs() - startUs) * rate) / 1_000_000) + 1);
    for (; sent < owed; sent++) {
      packet.writeDoubleBE(clock.nowUs(), 0);
      socket.send(packet);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  return sent;
}

/** The relay's counters once it holds nothing (every packet of the step delivered or dropped); bounded by 2 s. */
async function drained(relay: RelayProcess, DELAY_US: number): Promise<RelayCounters> {
  const deadline = Date.now() + 2_000 + DELAY_US / 1000;
  for (;;) {
    // Wait one configured delay between asks: what is queued now is due by then.
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(DELAY_US / 1000) + 5));
    const counters = await relay.counters();
    if (counters.queued === 0 || Date.now() > deadline) return counters;
  }
}

/** Relay CPU added per extra packet between the lowest and the highest rate that lost nothing, µs; null with fewer than two. */
export function marginalCpuUsPerPacket(steps: readonly StepResult[]): { low: number; high: number; us: number } | null {
  const clean = steps.filter((s) => s.received === s.sent);
  if (clean.length < 2) return null;
  const [low, high] = [clean[0]!, clean[clean.length - 1]!];
  const cpuPerSec = (s: StepResult): number => (s.relayCpuPercent / 100) * 1e6;
  return { low: low.rate, high: high.rate, us: Math.round(((cpuPerSec(high) - cpuPerSec(low)) / (high.rate - low.rate)) * 10) / 10 };
}

/** The highest rate below which every step delivered everything with its excess (p50 or p99) within WITHIN_US; a later lucky step does not count. */
export function highestRateWithin(steps: readonly StepResult[], field: 'excessP50' | 'excessP99'): number | null {
  let highest: number | null = null;
  for (const s of steps) {
    if (!(s.received === s.sent && s[field] <= WITHIN_US)) break;
    highest = s.rate;
  }
  return highest;
}
