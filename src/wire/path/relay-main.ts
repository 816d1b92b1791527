// The delay line's relay process: receives each bridge's datagrams, drops or schedules them (DelayQueue), and its sender thread (relay-sender.ts) delivers them to the other bridge when due.
//
//   node relay-main.js '<RelayConfig as JSON>'     (with an IPC channel; started by relay-process.ts)
//
// Its own process, so its CPU per packet can be measured and a busy load generator cannot delay
// packets. It exits when its owner disconnects the IPC channel (and is SIGKILLed by setpriv's
// parent-death signal if the owner dies first).

import { createSocket, type Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { monotonicClock } from '../../clock.js';
import { DelayQueue, seededRandom } from './delay-queue.js';
import { PacketRing } from './packet-ring.js';
import { IDLE_DUE, type OwnerMessage, type RelayConfig, type RelayCounters, type RelayMessage, type SenderCounters, type SenderData, type SenderMessage } from './relay-protocol.js';

/** The kernel caps SO_RCVBUF at net.core.rmem_max (208 KiB by default) anyway; ask for what a 64 KiB TCP window burst needs. */
const SOCKET_BUFFER_BYTES = 1 << 20;

if (!process.send) throw new Error('relay-main needs an IPC channel (start it with relay-process.ts)');
const config = JSON.parse(process.argv[2] ?? '') as RelayConfig;
const send = (message: RelayMessage): void => {
  process.send!(message);
};

const clock = monotonicClock;
const random = seededRandom(config.seed);
const toServer = new DelayQueue(config.toServer, random, PacketRing.create(config.toServer.queueLimit));
const toClient = new DelayQueue(config.toClient, random, PacketRing.create(config.toClient.queueLimit));
const wake = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
const armed = new BigInt64Array(new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT));
Atomics.store(armed, 0, IDLE_DUE);
let packets = 0;
let dropped = 0;
let overflow = 0;
let bytes = 0;

function receive(queue: DelayQueue, packet: Buffer): void {
  packets++;
  bytes += packet.length;
  const offer = queue.offer(packet, clock.nowUs());
  if (offer === 'queued') {
    // See relay-sender.ts cycle(): bump, then wake the sender only if this packet is due before what it sleeps until.
    Atomics.add(wake, 0, 1);
    if (queue.lastDueUs < Atomics.load(armed, 0)) Atomics.notify(wake, 0);
  } else if (offer === 'lost') {
    dropped++;
  } else {
    overflow++;
  }
}

function bindAndConnect(socket: Socket, listenPort: number, peerPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(listenPort, config.host, () => {
      // Connected: only the bridge's datagrams are accepted.
      socket.connect(peerPort, config.host, () => {
        socket.off('error', reject);
        resolve(socket.address().port);
      });
    });
  });
}

const serverSocket = createSocket({ type: 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES });
const clientSocket = createSocket({ type: 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES });
// What the server's bridge sends goes to the client, and the other way round.
serverSocket.on('message', (packet: Buffer) => receive(toClient, packet));
clientSocket.on('message', (packet: Buffer) => receive(toServer, packet));
const [serverPort, clientPort] = await Promise.all([
  bindAndConnect(serverSocket, config.serverSide.listenPort, config.serverSide.peerPort),
  bindAndConnect(clientSocket, config.clientSide.listenPort, config.clientSide.peerPort),
]);
// Receive errors after start-up are ICMP errors on the connected sockets (a bridge gone): nothing to do but go on.
let receiveErrors = 0;
serverSocket.on('error', () => receiveErrors++);
clientSocket.on('error', () => receiveErrors++);

const senderData: SenderData = {
  host: config.host,
  serverPeerPort: config.serverSide.peerPort,
  clientPeerPort: config.clientSide.peerPort,
  toServer: toServer.ring.memory,
  toClient: toClient.ring.memory,
  wake: wake.buffer as SharedArrayBuffer,
  armed: armed.buffer as SharedArrayBuffer,
  spinUs: config.spinUs,
};
const sender = new Worker(new URL('./relay-sender.js', import.meta.url), { workerData: senderData });
// A sender that dies takes the path with it: exit so the owner sees the relay gone.
sender.once('error', (error) => {
  process.stderr.write(`relay: sender thread failed: ${error.stack ?? String(error)}\n`);
  process.exit(1);
});
let pendingCounters: ((counters: SenderCounters) => void)[] = [];
sender.on('message', (message: SenderMessage) => {
  if (message.type !== 'counters') return;
  const waiting = pendingCounters;
  pendingCounters = [];
  for (const resolve of waiting) resolve(message.counters);
});
await new Promise<void>((resolve) => sender.once('message', (message: SenderMessage) => message.type === 'ready' && resolve()));

// From here on: Node's own start-up (~50 ms of CPU) is not a cost per packet.
const startedUs = clock.nowUs();
const startCpu = process.cpuUsage();

async function counters(): Promise<RelayCounters> {
  const fromSender = await new Promise<SenderCounters>((resolve) => {
    pendingCounters.push(resolve);
    sender.postMessage('counters');
  });
  // process.cpuUsage() covers every thread of the process: receiver and sender.
  const cpu = process.cpuUsage(startCpu);
  const cpuUs = cpu.user + cpu.system;
  return {
    packets,
    forwarded: fromSender.forwarded,
    dropped,
    overflow,
    bytes,
    queued: toServer.ring.length + toClient.ring.length,
    sendErrors: fromSender.sendErrors + receiveErrors,
    lateUs: fromSender.lateUs,
    cpuUs,
    cpuUsPerPacket: packets === 0 ? 0 : Math.round((cpuUs / packets) * 100) / 100,
    busyWaitUs: fromSender.busyWaitUs,
    uptimeUs: clock.nowUs() - startedUs,
  };
}

process.on('message', (message: OwnerMessage) => {
  if (message.type === 'stats') void counters().then((snapshot) => send({ type: 'stats', counters: snapshot }));
});
// The owner is gone or done: nothing left to relay for.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', serverPort, clientPort });
