// One heartbeat client: a ClientConnection at depth 1 that sends its own pre-built beat whenever its fleet says so.

import { serializeRequest } from '../../http/request-serializer.js';
import type { HeartbeatMode, OfflineMode } from '../../types.js';
import { ClientConnection } from '../transports/connection.js';
import type { ConnectionOwner } from '../transports/transport.js';

/** How an injected client goes offline from inside its process (`stop` is done to the whole process instead). */
export type ClientFailure = Exclude<OfflineMode, 'stop'>;

/** What a client needs from its fleet beyond what any connection needs from its owner (the fleet implements it). */
export interface HeartbeatOwner extends ConnectionOwner {
  /** Beats due while the client's previous one was still unanswered: not sent, so load stays one in flight. */
  skipped: number;
}

/** Index 0 of every client's requestSlices (a connection never writes zero requests). */
const NO_REQUEST = Buffer.alloc(0);

/** The request a client sends every beat: id and announced interval in the query (`/heartbeat?id=&interval=`). */
export function heartbeatRequest(url: URL, id: string, intervalMs: number, mode: HeartbeatMode): Buffer {
  const target = new URL(`/heartbeat?id=${encodeURIComponent(id)}&interval=${intervalMs}`, url);
  return serializeRequest({ method: 'GET', url: target, httpVersion: mode, headers: [], body: null });
}

/**
 * A heartbeat client is one connection slot of the shared transport (1.1: one keep-alive socket; 1.0: a socket per
 * beat, chosen by the fleet's transport), at depth 1, with its own request bytes. The slot counts what happens on
 * the wire (sent, answered, status, closes, failures) in the fleet's LoadRecorder; this class adds only what a
 * heartbeat means: one beat outstanding until it is answered or its deadline (kept by the fleet) passes, and the
 * injected failures.
 */
export class HeartbeatClient extends ClientConnection {
  declare readonly owner: HeartbeatOwner;
  /** Due time (µs) of the unanswered beat; 0 when none is outstanding. A beat whose connection failed stays
   * outstanding until its deadline: the client cannot tell a dead server from a dead connection any sooner. */
  sentUs = 0;
  /** A beat is due but the slot's previous socket is still closing; it goes out from `resume` once that closed. */
  deferred = false;
  /** `alive` beats; the others were injected offline and stay silent. */
  state: 'alive' | ClientFailure = 'alive';
  /** Times this client gave up waiting for an answer (it then marks the server down); rare, so kept as a list. */
  timeoutTimesUs: number[] | null = null;
  private warmDone: (() => void) | null = null;

  /** `request`: this client's pre-serialized beat (see heartbeatRequest). */
  constructor(
    owner: HeartbeatOwner,
    readonly id: string,
    request: Buffer,
  ) {
    super(owner, false, [NO_REQUEST, request]);
  }

  /** Send one heartbeat at `nowUs` (the due tick). Returns false when skipped or not alive. */
  beat(nowUs: number): boolean {
    if (this.state !== 'alive') return false;
    if (this.sentUs !== 0) {
      this.owner.skipped++;
      return false;
    }
    this.sentUs = nowUs;
    const socket = this.socket;
    // A socket dropped after a timeout and not yet 'close'd must close before the slot reconnects. (A socket that
    // carried its last response is detached at once: the slot never waits for a server's FIN.) Rare at any interval;
    // its wait counts in the RTT.
    if (socket !== null && socket.destroyed) this.deferred = true;
    // In 1.0 (and after a close in 1.1) the beat waits in the ring and goes out at connect: the RTT includes the
    // handshake it paid for.
    else this.owner.transport.send(this, 1, nowUs, nowUs);
    return true;
  }

  /** The slot is free again (its socket closed, or a connect failed): send a deferred beat; end a warm-up wait. */
  resume(nowUs: number): void {
    this.settleWarmUp();
    if (!this.deferred) return;
    this.deferred = false;
    // Intended at its due time, so the answer's latency covers the wait for the old socket.
    this.owner.transport.send(this, 1, nowUs, this.sentUs);
  }

  /** The beat's answer: the next one may go. (A timed-out beat's socket is destroyed, so no late answer lands here.) */
  override completeHead(nowUs: number, status: number): void {
    super.completeHead(nowUs, status);
    this.sentUs = 0;
    this.settleWarmUp();
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
    if (done === null) return;
    this.warmDone = null;
    done();
  }

  /** The beat sent at `sentUs` got no answer within the timeout: the server is down from this client's view. */
  deadlineMissed(nowUs: number): void {
    (this.timeoutTimesUs ??= []).push(nowUs);
    this.sentUs = 0;
    this.deferred = false;
    // Still on the wire: the connection may be wedged (stopped server), so it is failed as H1B_TIMEOUT and closed;
    // the next beat starts clean. Otherwise its connection already failed (counted with its own code), and the
    // client waited the beat out all the same.
    if (this.inflight > 0) this.expire(nowUs);
    else this.owner.recorder.error(nowUs, 'H1B_TIMEOUT', 1, this);
  }

  /** Inject a failure: freeze keeps the socket open but stops reading (no FIN); close sends FIN; reset sends RST. */
  fail(failure: ClientFailure): void {
    this.state = failure;
    this.sentUs = 0;
    this.deferred = false;
    const socket = this.socket;
    // A socket already on its way out (dropped) is no longer the client's connection; an answered 1.0 one is detached.
    if (socket === null || socket.destroyed) return;
    if (failure === 'freeze') socket.pause();
    else if (failure === 'close') this.endSocket();
    else this.resetSocket();
  }

  /** End of run: destroy whatever is open, a socket still closing after its last answer too. */
  drop(): void {
    this.clearTimers();
    this.destroyAll();
  }
}
