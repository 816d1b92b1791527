// The relay process on loopback (no root needed): never early, paced at the rate, order kept under jitter, loss and overflow counted.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { monotonicClock } from '../../../src/clock.js';
import { RelayProcess } from '../../../src/wire/path/relay-process.js';
import { DEFAULT_SPIN_US } from '../../../src/wire/path/relay-protocol.js';
import { PathResources } from '../../../src/wire/path/resources.js';
import type { OneWay } from '../../../src/wire/path/spec.js';
import { processGone } from '../../../src/metrics/process-usage.js';

const WAY: OneWay = { delayUs: 5_000, jitterUs: 0, lossFraction: 0, rateBitsPerSec: null, queueLimit: 1000 };
const onHost = (command: string, args: readonly string[]): string[] => [command, ...args];

interface Bench {
  relay: RelayProcess;
  resources: PathResources;
  sender: Socket;
  receiver: Socket;
}

/** A relay between two sockets of this process: `sender` plays the client end, `receiver` the server end. */
async function relayBetweenSockets(toServer: Partial<OneWay>): Promise<Bench> {
  const receiver = createSocket('udp4');
  const sender = createSocket('udp4');
  await Promise.all([receiver, sender].map((socket) => new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))));
  const resources = new PathResources();
  const relay = await RelayProcess.start(resources, onHost, {
    host: '127.0.0.1',
    serverSide: { listenPort: 0, peerPort: receiver.address().port },
    clientSide: { listenPort: 0, peerPort: sender.address().port },
    toServer: { ...WAY, ...toServer },
    toClient: WAY,
    seed: 3,
    spinUs: DEFAULT_SPIN_US,
  });
  await new Promise<void>((resolve) => sender.connect(relay.clientPort, '127.0.0.1', resolve));
  return { relay, resources, sender, receiver };
}

/** Send `count` packets (each carrying its index and send time), `gapMs` apart or all at once; collect [index, delay µs] until `expect` arrived or the bound passes. */
async function exchange(bench: Bench, count: number, size: number, gapMs: number, expect: number, boundMs: number): Promise<[number, number][]> {
  const arrived: [number, number][] = [];
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, boundMs);
    bench.receiver.on('message', (packet: Buffer) => {
      arrived.push([packet.readUInt32BE(0), monotonicClock.nowUs() - packet.readDoubleBE(4)]);
      if (arrived.length === expect) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  for (let i = 0; i < count; i++) {
    const packet = Buffer.alloc(size);
    packet.writeUInt32BE(i, 0);
    packet.writeDoubleBE(monotonicClock.nowUs(), 4);
    bench.sender.send(packet);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await done;
  return arrived;
}

describe('relay process', { concurrency: false }, () => {
  let bench: Bench | null = null;
  const close = async (): Promise<void> => {
    if (!bench) return;
    await bench.resources.close();
    bench.sender.close();
    bench.receiver.close();
    bench = null;
  };
  after(close);

  test('delivers every packet no earlier than its delay; counters add up; CPU per packet measured', async (t) => {
    bench = await relayBetweenSockets({});
    const arrived = await exchange(bench, 50, 200, 2, 50, 5_000);
    const delays = arrived.map(([, delay]) => delay).sort((a, b) => a - b);
    t.diagnostic(`one-way delay µs: min ${delays[0]}, p50 ${delays[25]}, max ${delays[49]} (configured 5000)`);
    assert.equal(arrived.length, 50);
    assert.ok(delays[0]! >= 5_000, 'never early');
    const counters = await bench.relay.counters();
    assert.equal(counters.packets, 50);
    assert.equal(counters.forwarded, 50);
    assert.equal(counters.bytes, 50 * 200);
    assert.ok(counters.cpuUs > 0 && counters.cpuUsPerPacket > 0);
    const pid = bench.relay.helper.pid;
    await close();
    assert.ok(processGone(pid), 'close() stopped the relay');
  });

  test('a rate paces: 100 packets of 1000 bytes at 8 Mbit/s take ≥ 99 ms from first to last', async () => {
    bench = await relayBetweenSockets({ delayUs: 1_000, rateBitsPerSec: 8_000_000 });
    const start = monotonicClock.nowUs();
    const arrived = await exchange(bench, 100, 1000, 0, 100, 5_000);
    assert.equal(arrived.length, 100);
    assert.ok(monotonicClock.nowUs() - start >= 100_000, 'the last packet left after 100 × 1 ms of sending');
    assert.deepEqual(arrived.map(([index]) => index), Array.from({ length: 100 }, (_, i) => i), 'in order');
    await close();
  });

  test('jitter: delays within delay ± jitter (never early), packets never reordered', async () => {
    bench = await relayBetweenSockets({ delayUs: 4_000, jitterUs: 2_000 });
    const arrived = await exchange(bench, 200, 100, 0, 200, 5_000);
    assert.equal(arrived.length, 200);
    assert.deepEqual(arrived.map(([index]) => index), Array.from({ length: 200 }, (_, i) => i));
    assert.ok(arrived.every(([, delay]) => delay >= 2_000));
    await close();
  });

  test('loss and overflow are counted, not delivered', async () => {
    // 200 at once: about half lost; of the rest, only 20 fit the queue. A 200 ms delay keeps the queue
    // full until the relay has read all 200, however busy the machine.
    bench = await relayBetweenSockets({ delayUs: 200_000, lossFraction: 0.5, queueLimit: 20 });
    const arrived = await exchange(bench, 200, 100, 0, 20, 2_000);
    // The first 20 can arrive before the relay has read all 200 off its socket: ask until it has (bounded).
    let counters = await bench.relay.counters();
    for (const deadline = Date.now() + 2_000; counters.packets < 200 && Date.now() < deadline; ) counters = await bench.relay.counters();
    assert.equal(counters.packets, 200);
    assert.ok(counters.dropped > 70 && counters.dropped < 130, `${counters.dropped} lost`);
    assert.equal(counters.overflow, 200 - counters.dropped - 20);
    assert.equal(arrived.length, 20);
    assert.equal(counters.forwarded, 20);
    await close();
  });
});

describe('relay start-up failure', () => {
  let resources: PathResources;
  before(() => {
    resources = new PathResources();
  });
  after(() => resources.close());

  test('a relay that cannot bind is H1B_PATH_FAILED with its stderr', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    try {
      await assert.rejects(
        RelayProcess.start(resources, onHost, {
          host: '127.0.0.1',
          serverSide: { listenPort: taken.address().port, peerPort: 9 },
          clientSide: { listenPort: 0, peerPort: 9 },
          toServer: WAY,
          toClient: WAY,
          seed: 1,
          spinUs: DEFAULT_SPIN_US,
        }),
        (error: Error & { code?: string }) => error.code === 'H1B_PATH_FAILED' && /EADDRINUSE/.test(error.message),
      );
    } finally {
      taken.close();
    }
  });
});
