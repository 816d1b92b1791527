// The relay's sender thread: sleeps on a futex until the next packet is due (Atomics.wait takes fractional ms), spins the last stretch, sends the packet on to its bridge.
//
// Why a thread: Node's timers count whole ms and fire up to ~1 ms early or late, and spinning the
// event loop for precision starves the other processes of a small machine (and the relay's own
// receiving). Here the main thread sleeps in epoll and wakes the moment a packet arrives; this
// thread sleeps in the kernel until shortly before a due time. Sends without a callback go out
// synchronously (uv_udp_try_send), so a thread that rarely turns its event loop still sends at once.

import { createSocket, type Socket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { monotonicClock } from '../../clock.js';
import { createHistogram, recordUs } from '../../metrics/histogram.js';
import { PacketRing } from './packet-ring.js';
import { IDLE_DUE, type SenderCounters, type SenderData, type SenderMessage } from './relay-protocol.js';

/** An idle sender still turns its event loop this often: to answer counter requests and see send errors. */
const IDLE_WAIT_MS = 20;

const data = workerData as SenderData;
const port = parentPort!;
const clock = monotonicClock;
const toServer = PacketRing.attach(data.toServer);
const toClient = PacketRing.attach(data.toClient);
const wake = new Int32Array(data.wake);
const armed = new BigInt64Array(data.armed);
const late = createHistogram();
let forwarded = 0;
let sendErrors = 0;
let busyWaitUs = 0;

function connected(peerPort: number): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
  // ICMP port-unreachable from a bridge that is gone surfaces here: counted, the path goes on.
  socket.on('error', () => sendErrors++);
  return new Promise((resolve) => socket.connect(peerPort, data.host, () => resolve(socket)));
}

const [serverSocket, clientSocket] = await Promise.all([connected(data.serverPeerPort), connected(data.clientPeerPort)]);

function drain(ring: PacketRing, socket: Socket): void {
  let nowUs = clock.nowUs();
  while (ring.nextDueUs() <= nowUs) {
    recordUs(late, nowUs - ring.nextDueUs());
    socket.send(ring.shift());
    forwarded++;
    nowUs = clock.nowUs();
  }
}

/**
 * One turn: sleep until spinUs before the earliest due time (or until a push makes an earlier one),
 * else spin to it and send everything due. The receiver bumps `wake` after every push and notifies
 * when the packet is due before `armed`; since `seen` is read before the rings are, a push this turn
 * did not see makes Atomics.wait return at once ('not-equal') or is followed by a notify.
 */
function cycle(): void {
  const seen = Atomics.load(wake, 0);
  const dueUs = Math.min(toServer.nextDueUs(), toClient.nextDueUs());
  let nowUs = clock.nowUs();
  if (dueUs - nowUs > data.spinUs) {
    Atomics.store(armed, 0, dueUs === Number.POSITIVE_INFINITY ? IDLE_DUE : BigInt(Math.floor(dueUs)));
    Atomics.wait(wake, 0, seen, Math.min(IDLE_WAIT_MS, (dueUs - nowUs - data.spinUs) / 1000));
    setImmediate(cycle);
    return;
  }
  // Due within spinUs: a sleep would overshoot by the timer slack, so spin (bounded by spinUs).
  Atomics.store(armed, 0, BigInt(Math.floor(dueUs)));
  const spinFromUs = nowUs;
  while (nowUs < dueUs) nowUs = clock.nowUs();
  busyWaitUs += nowUs - spinFromUs;
  drain(toServer, serverSocket);
  drain(toClient, clientSocket);
  setImmediate(cycle);
}

function counters(): SenderCounters {
  return {
    forwarded,
    sendErrors,
    lateUs: late.totalCount === 0 ? { p50: 0, p99: 0, max: 0 } : { p50: late.getValueAtPercentile(50), p99: late.getValueAtPercentile(99), max: late.maxValue },
    busyWaitUs,
  };
}

port.on('message', (message: 'counters') => {
  if (message === 'counters') port.postMessage({ type: 'counters', counters: counters() } satisfies SenderMessage);
});
port.postMessage({ type: 'ready' } satisfies SenderMessage);
cycle();
