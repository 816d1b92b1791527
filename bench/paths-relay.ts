// The delay line's relay under load: its CPU per packet, and the highest packet rate at which the delay it adds stays within 0.2 ms of the configured one.
//
//   npm run bench:paths-relay -- [--delay 5ms] [--rates 1000,2000,...] [--step 1s] [--size 512]
//                                 [--spin-us 100] [--priority nice|realtime] [--rtts 1,10,50] [--no-path]
//
// Part 1 (no root needed): the relay process (relay-main.js, as a path runs it) on 127.0.0.1
// between two UDP sockets of this process. Each step sends `rate` datagrams per second for --step,
// stamped with the send time; the receiver computes delay − configured delay (the "excess": relay
// lateness plus two loopback hops and this process's own receive latency, so an upper bound).
// CPU per packet is the relay's CPU delta over the step divided by the packets it handled.
// Part 2 (root, ip, socat): a real delay-line path per --rtts value: the RTT probe (50 probes) and
// the relay's and bridges' CPU per packet. Saves results/bench/paths-relay-<timestamp>.json.

import { parseArgs } from 'node:util';
import { machineInfo } from '../src/metrics/machine.js';
import { openPath, pathSupport } from '../src/wire/path/index.js';
import type { HelperPriority } from '../src/wire/path/helper-process.js';
import { DEFAULT_SPIN_US } from '../src/wire/path/relay-protocol.js';
import { highestRateWithin, marginalCpuUsPerPacket, relayOnLoopback, WITHIN_US } from './paths/relay-sweep.js';
import { saveBenchFigures } from './save.js';

const { values } = parseArgs({
  options: {
    delay: { type: 'string', default: '5ms' },
    rates: { type: 'string', default: '500,1000,2000,5000,10000,20000,40000,80000' },
    step: { type: 'string', default: '1s' },
    size: { type: 'string', default: '512' },
    'spin-us': { type: 'string', default: String(DEFAULT_SPIN_US) },
    priority: { type: 'string', default: 'nice' },
    rtts: { type: 'string', default: '1,10,50' },
    'no-path': { type: 'boolean', default: false },
  },
});

/** "5ms", "1s", "250us" → µs. */
function durationUs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text} (e.g. 250us, 5ms, 1s)`);
  return Number(match[1]) * { us: 1, ms: 1000, s: 1_000_000 }[match[2] as 'us' | 'ms' | 's'];
}

const DELAY_US = durationUs(values.delay);
const STEP_US = durationUs(values.step);
const SIZE = Number(values.size);
const RATES = values.rates.split(',').map(Number);
const SPIN_US = Number(values['spin-us']);
if (values.priority !== 'nice' && values.priority !== 'realtime') throw new Error(`--priority ${values.priority}: nice or realtime`);
const PRIORITY: HelperPriority = values.priority;

async function pathRtts(): Promise<Array<Record<string, unknown>> | null> {
  const support = await pathSupport('delay-line');
  if (support.state === 'unavailable') {
    process.stdout.write(`\npath RTT probe: skipped (${support.reason})\n`);
    return null;
  }
  const measured: Array<Record<string, unknown>> = [];
  process.stdout.write('\ndelay-line path, RTT probe (50 probes, one at a time):\n');
  process.stdout.write('  configured   min      p50      p99      max      relay CPU/pkt   bridges CPU/pkt   relay late p99\n');
  for (const rttMs of values.rtts.split(',').map(Number)) {
    const path = await openPath({ rttMs, jitterMs: 0, lossPct: 0, bandwidthBitsPerSec: null, impl: 'delay-line', seed: 1 }, { priority: PRIORITY });
    try {
      const rtt = await path.measureRtt(50);
      const stats = await path.relayStats();
      measured.push({ configuredMs: rttMs, rtt, relay: stats });
      const ms = (value: number): string => `${value.toFixed(3)}`.padEnd(9);
      process.stdout.write(
        `  ${`${rttMs} ms`.padEnd(13)}${ms(rtt.minMs)}${ms(rtt.p50Ms)}${ms(rtt.p99Ms)}${ms(rtt.maxMs)}` +
          `${`${stats?.cpuUsPerPacket ?? '-'} µs`.padEnd(16)}${`${stats?.bridgeCpuUsPerPacket ?? '-'} µs`.padEnd(18)}${stats?.lateUs.p99 ?? '-'} µs\n`,
      );
    } finally {
      await path.close();
    }
  }
  return measured;
}

process.stdout.write(`bench:paths-relay — ${JSON.stringify(machineInfo())}\n`);
process.stdout.write(`relay on loopback: delay ${DELAY_US} µs, ${SIZE}-byte datagrams, ${STEP_US / 1e6} s per rate, sender spin ${SPIN_US} µs, priority ${PRIORITY}\n`);
const steps = await relayOnLoopback({ delayUs: DELAY_US, stepUs: STEP_US, size: SIZE, rates: RATES, spinUs: SPIN_US, priority: PRIORITY });
process.stdout.write('  rate pkt/s   sent     recv     excess p50   p99        max        relay CPU/pkt   relay CPU   overflow   UDP buffer drops\n');
for (const s of steps) {
  process.stdout.write(
    `  ${String(s.rate).padEnd(11)}${String(s.sent).padEnd(9)}${String(s.received).padEnd(9)}${`${s.excessP50} µs`.padEnd(13)}` +
      `${`${s.excessP99} µs`.padEnd(11)}${`${s.excessMax} µs`.padEnd(11)}${`${s.cpuUsPerPacket} µs`.padEnd(16)}${`${s.relayCpuPercent}%`.padEnd(12)}` +
      `${String(s.overflow).padEnd(11)}${s.bufferDrops}\n`,
  );
}
// The marginal cost: CPU added per extra packet between the lowest and the highest rate that lost nothing.
const marginal = marginalCpuUsPerPacket(steps);
if (marginal) process.stdout.write(`marginal relay CPU per packet (${marginal.low} → ${marginal.high} pkt/s): ${marginal.us.toFixed(1)} µs\n`);
const best = (field: 'excessP50' | 'excessP99'): string => {
  const highest = highestRateWithin(steps, field);
  return highest === null ? 'none of the rates tried' : `${highest} pkt/s`;
};
process.stdout.write(`highest rate with every packet delivered and excess within ${WITHIN_US} µs: p50 ${best('excessP50')}, p99 ${best('excessP99')}\n`);
const paths = values['no-path'] ? null : await pathRtts();
const saved = saveBenchFigures('paths-relay', {
  options: { delayUs: DELAY_US, stepUs: STEP_US, size: SIZE, rates: RATES, spinUs: SPIN_US, priority: PRIORITY, withinUs: WITHIN_US },
  steps,
  marginalCpuUsPerPacket: marginal,
  highestRateWithin: { p50: highestRateWithin(steps, 'excessP50'), p99: highestRateWithin(steps, 'excessP99') },
  paths,
});
process.stdout.write(`\nsaved ${saved}\n`);
