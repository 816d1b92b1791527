// Per-socket listeners that count a reference engine's handshakes and teardowns and time each connect (µs).

import type { Socket } from 'node:net';
import type { ReferenceRun } from './reference-run.js';

// State kept on each socket so the listeners below are module-level functions (no closure per connection).
const kRecorder = Symbol('h1bench.recorder');
const kStartUs = Symbol('h1bench.connectStartUs');
const kMeasured = Symbol('h1bench.measured');
const kServerEnded = Symbol('h1bench.serverEnded');
const kReset = Symbol('h1bench.reset');
const kTeardown = Symbol('h1bench.teardown');

interface TappedSocket extends Socket {
  [kRecorder]: ReferenceRun;
  [kStartUs]: number;
  [kMeasured]: boolean;
  [kServerEnded]: boolean;
  [kReset]: boolean;
  /** Closed by the engine's end-of-load teardown, while the server held it open: certainly a client close. */
  [kTeardown]: boolean;
}

function onConnect(this: TappedSocket): void {
  const recorder = this[kRecorder];
  // Only sockets that finish their handshake before the load finishes are counted, so the count
  // matches the server's accepted connections for the same window.
  this[kMeasured] = recorder.measuring;
  if (!recorder.measuring) return;
  const now = recorder.clock.nowUs();
  recorder.connectionOpened(now - this[kStartUs], now, this);
}

function onEnd(this: TappedSocket): void {
  // The peer's FIN arrived while our side was still open: the server closed first.
  this[kServerEnded] = true;
}

function onError(this: TappedSocket, err: NodeJS.ErrnoException): void {
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this[kReset] = true;
}

function onClose(this: TappedSocket): void {
  if (!this[kMeasured]) return;
  const kind = this[kReset] ? 'reset' : this[kServerEnded] ? 'server' : 'client';
  // A client close outside the teardown is the engine destroying a socket itself (1.0 mode, a close answer, a
  // timeout): it does so as soon as it has parsed the response, before it could read a FIN the server may already
  // have sent, so who closed first is unknown there.
  const certain = kind !== 'client' || this[kTeardown];
  // bytesRead counts status lines, headers and bodies exactly as they came off the wire.
  this[kRecorder].connectionClosed(kind, this.bytesRead, certain, this);
}

/**
 * Watch a socket that is connecting now (`startUs` = when connect() was called). Our 'connect'
 * listener goes first so the engine's own work on connect is not charged to the handshake.
 */
export function tapSocket(socket: Socket, recorder: ReferenceRun, startUs: number): void {
  const tapped = socket as TappedSocket;
  tapped[kRecorder] = recorder;
  tapped[kStartUs] = startUs;
  tapped[kMeasured] = false;
  tapped[kServerEnded] = false;
  tapped[kReset] = false;
  tapped[kTeardown] = false;
  socket.prependOnceListener('connect', onConnect);
  socket.once('end', onEnd);
  socket.on('error', onError);
  socket.once('close', onClose);
}

/** The engine is about to destroy `socket` at the end of its load (a tapped socket; others are ignored). */
export function markTeardown(socket: Socket): void {
  const tapped = socket as Partial<TappedSocket>;
  if (tapped[kRecorder] !== undefined && !socket.destroyed) tapped[kTeardown] = true;
}
