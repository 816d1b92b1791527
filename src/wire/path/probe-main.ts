// The path RTT probe's two halves, run inside the path's namespaces by rtt-probe.ts.
//
//   node probe-main.js echo HOST                       prints {"port":N}, answers UDP datagrams until stdin closes
//   node probe-main.js ping HOST PORT COUNT TIMEOUT_MS  one probe at a time; prints {"rttsUs":[...],"lost":N}

import { createSocket } from 'node:dgram';
import { monotonicClock } from '../../clock.js';

const [mode, host, portArg, countArg, timeoutArg] = process.argv.slice(2);

function echo(): void {
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => socket.send(message, remote.port, remote.address));
  socket.bind(0, host, () => process.stdout.write(`${JSON.stringify({ port: socket.address().port })}\n`));
  // The owner closes our stdin (or dies): done.
  process.stdin.on('end', () => process.exit(0)).resume();
}

/** Probes sent before the counted ones. */
const WARMUP_PROBES = 3;

async function ping(): Promise<void> {
  const count = Number(countArg);
  const timeoutMs = Number(timeoutArg);
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(Number(portArg), host, resolve));
  const rttsUs: number[] = [];
  let lost = 0;
  const probe = Buffer.alloc(8);
  // The first probes pay for what only a first packet pays (JIT of this loop, the echo's first wake-up): sent, not kept.
  for (let seq = -WARMUP_PROBES; seq < count; seq++) {
    probe.writeInt32BE(seq, 0);
    const sentUs = monotonicClock.nowUs();
    // One probe in flight at a time: a late answer to an earlier (lost-looking) probe is ignored by its sequence number.
    // Resolves with the arrival time (µs), taken in the handler, or -1 when the probe timed out.
    const arrivedUs = await new Promise<number>((resolve) => {
      const onMessage = (message: Buffer): void => {
        if (message.length < 4 || message.readInt32BE(0) !== seq) return;
        const nowUs = monotonicClock.nowUs();
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(nowUs);
      };
      const timer = setTimeout(() => {
        socket.off('message', onMessage);
        resolve(-1);
      }, timeoutMs);
      socket.on('message', onMessage);
      socket.send(probe);
    });
    if (seq < 0) continue;
    if (arrivedUs >= 0) rttsUs.push(arrivedUs - sentUs);
    else lost++;
  }
  socket.close();
  process.stdout.write(`${JSON.stringify({ rttsUs, lost })}\n`);
}

if (mode === 'echo') echo();
else if (mode === 'ping') await ping();
else {
  process.stderr.write(`probe-main: unknown mode ${String(mode)} (echo | ping)\n`);
  process.exitCode = 2;
}
