// One heartbeat client: a pre-built request, one beat in flight, keep-alive (1.1) or a connection per beat (1.0).

import net from 'node:net';
import { classifySocketError } from '../../errors.js';
import { ResponseParser } from '../../http/response-parser.js';
import { serializeRequest } from '../../http/request-serializer.js';
import { recordUs, type Histogram } from '../../metrics/histogram.js';
import type { HeartbeatMode, OfflineMode } from '../../types.js';

/** How an injected client goes offline from inside its process (`stop` is done to the whole process instead). */
export type ClientFailure = Exclude<OfflineMode, 'stop'>;

/** Counters and histograms one process's clients share (positional updates, no per-beat objects). */
export interface FleetCounters {
  sent: number;
  answered: number;
  /** A beat was due while the previous one was still unanswered: not sent, so load stays one in flight. */
  skipped: number;
  timeouts: number;
  /** Connections opened = TCP handshakes paid by heartbeats. */
  opened: number;
  bytesOut: number;
  bytesIn: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** Connection ends: the server's FIN came first, we closed first, or RST. */
  closedByServer: number;
  closedByClient: number;
  reset: number;
  open: number;
  maxOpen: number;
  readonly rttUs: Histogram;
  readonly connectUs: Histogram;
}

export interface ClientContext {
  readonly mode: HeartbeatMode;
  readonly host: string;
  readonly port: number;
  readonly counters: FleetCounters;
  nowUs(): number;
}

interface HeartbeatSocket extends net.Socket {
  hbClient: HeartbeatClient;
  hbConnectStartUs: number;
  /** Who ended it first, for the close counters: 0 nobody yet, 1 server FIN, 2 us, 3 reset. */
  hbEnd: number;
}

/** The request a client sends every beat: id and announced interval in the query (`/heartbeat?id=&interval=`). */
export function heartbeatRequest(url: URL, id: string, intervalMs: number, mode: HeartbeatMode): Buffer {
  const target = new URL(`/heartbeat?id=${encodeURIComponent(id)}&interval=${intervalMs}`, url);
  return serializeRequest({ method: 'GET', url: target, httpVersion: mode, headers: [], body: null });
}

export class HeartbeatClient {
  socket: HeartbeatSocket | null = null;
  /** Send time of the unanswered beat; 0 when none is in flight. */
  sentUs = 0;
  /** `alive` beats; the others were injected offline and stay silent. */
  state: 'alive' | ClientFailure = 'alive';
  /** Times this client gave up waiting for an answer (it then marks the server down); rare, so kept as a list. */
  timeoutTimesUs: number[] | null = null;
  readonly parser = new ResponseParser();
  private warmDone: (() => void) | null = null;

  constructor(
    readonly id: string,
    private readonly request: Buffer,
    readonly ctx: ClientContext,
  ) {}

  /** Send one heartbeat at `nowUs` (the due tick). Returns false when skipped or not alive. */
  beat(nowUs: number): boolean {
    if (this.state !== 'alive') return false;
    const counters = this.ctx.counters;
    if (this.sentUs !== 0) {
      counters.skipped++;
      return false;
    }
    let socket = this.socket;
    if (socket === null) socket = this.connect(nowUs);
    this.sentUs = nowUs;
    counters.sent++;
    counters.bytesOut += this.request.length;
    // Written before `connect` in 1.0 mode: net queues it, so the RTT includes the handshake it paid for.
    socket.write(this.request);
    return true;
  }

  /**
   * Setup only: one heartbeat, resolved by its answer (or the connection's end). In 1.1 it opens the
   * keep-alive connection and proves the server has accepted it (a completed handshake may still
   * sit in the listen backlog), so the first measured beat is not paying for setup.
   */
  warmUp(nowUs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.warmDone = resolve;
      if (!this.beat(nowUs)) this.settleWarmUp();
    });
  }

  settleWarmUp(): void {
    const done = this.warmDone;
    this.warmDone = null;
    done?.();
  }

  /** The beat sent at `sentUs` got no answer within the timeout: the server is down from this client's view. */
  timedOut(nowUs: number): void {
    const counters = this.ctx.counters;
    counters.timeouts++;
    counters.errors['H1B_TIMEOUT'] = (counters.errors['H1B_TIMEOUT'] ?? 0) + 1;
    (this.timeoutTimesUs ??= []).push(nowUs);
    this.sentUs = 0;
    // The connection may be wedged (stopped server): start clean on the next beat.
    this.drop();
  }

  /** Inject a failure: freeze keeps the socket open but stops reading (no FIN); close sends FIN; reset sends RST. */
  fail(failure: ClientFailure): void {
    this.state = failure;
    this.sentUs = 0;
    const socket = this.socket;
    if (socket === null) return;
    if (failure === 'freeze') socket.pause();
    else if (failure === 'close') {
      socket.hbEnd ||= 2;
      socket.end();
    } else {
      socket.hbEnd ||= 3;
      socket.resetAndDestroy();
    }
  }

  /** End of run: destroy whatever is open. */
  drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.parser.reset();
    if (socket !== null) {
      socket.hbEnd ||= 2;
      socket.destroy();
    }
  }

  private connect(nowUs: number): HeartbeatSocket {
    const socket = net.connect({ host: this.ctx.host, port: this.ctx.port, noDelay: true }) as HeartbeatSocket;
    socket.hbClient = this;
    socket.hbConnectStartUs = nowUs;
    socket.hbEnd = 0;
    socket.on('connect', onConnect);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    const counters = this.ctx.counters;
    counters.opened++;
    if (++counters.open > counters.maxOpen) counters.maxOpen = counters.open;
    this.parser.reset();
    this.socket = socket;
    return socket;
  }

  /** Called by the data handler for each byte chunk of this client's current socket. */
  received(socket: HeartbeatSocket, chunk: Buffer): void {
    const counters = this.ctx.counters;
    counters.bytesIn += chunk.length;
    const parser = this.parser;
    let offset = 0;
    while (offset < chunk.length) {
      const next = parser.execute(chunk, offset, chunk.length);
      if (next < 0) {
        counters.errors['H1B_PARSE_ERROR'] = (counters.errors['H1B_PARSE_ERROR'] ?? 0) + 1;
        this.drop();
        return;
      }
      offset = next;
      if (parser.complete) this.answered(socket);
    }
  }

  completedAtEof(socket: HeartbeatSocket): void {
    this.answered(socket);
  }

  private answered(socket: HeartbeatSocket): void {
    const counters = this.ctx.counters;
    if (this.sentUs !== 0) {
      recordUs(counters.rttUs, this.ctx.nowUs() - this.sentUs);
      this.sentUs = 0;
      counters.answered++;
    }
    const status = this.parser.statusCode;
    counters.statusCodes[status] = (counters.statusCodes[status] ?? 0) + 1;
    if (status < 200 || status > 299) {
      counters.non2xx++;
      const key = `HTTP_${status}`;
      counters.errors[key] = (counters.errors[key] ?? 0) + 1;
    }
    if (this.warmDone !== null) this.settleWarmUp();
    // Not persistent (always so in 1.0; in 1.1 after max requests or idle close): the next beat opens a new
    // connection; this one is left for the server's FIN, so the server closes first as HTTP/1.0 intends.
    if (!this.parser.keepAlive && this.socket === socket) this.socket = null;
  }
}

function onConnect(this: HeartbeatSocket): void {
  const client = this.hbClient;
  recordUs(client.ctx.counters.connectUs, client.ctx.nowUs() - this.hbConnectStartUs);
}

function onData(this: HeartbeatSocket, chunk: Buffer): void {
  const client = this.hbClient;
  if (client.socket !== this) return; // a socket we already gave up on
  client.received(this, chunk);
}

/** EOF ends a close-delimited body (RFC 9112 §6.3 rule 8); otherwise it is just the server closing. */
function onEnd(this: HeartbeatSocket): void {
  const client = this.hbClient;
  this.hbEnd ||= 1;
  if (client.socket === this && client.parser.finish() === 1) client.completedAtEof(this);
}

function onError(this: HeartbeatSocket, err: Error): void {
  const counters = this.hbClient.ctx.counters;
  const code = classifySocketError(err);
  if (code === 'H1B_CONNECT_RESET') this.hbEnd ||= 3;
  counters.errors[code] = (counters.errors[code] ?? 0) + 1;
  // The beat in flight (if any) stays unanswered: the deadline queue turns it into a timeout.
}

function onClose(this: HeartbeatSocket): void {
  const client = this.hbClient;
  const counters = client.ctx.counters;
  counters.open--;
  if (this.hbEnd === 1) counters.closedByServer++;
  else if (this.hbEnd === 3) counters.reset++;
  else counters.closedByClient++;
  if (client.socket === this) {
    client.socket = null;
    client.parser.reset();
    client.settleWarmUp();
  }
}
