// Per-socket listeners that count a reference engine's handshakes and teardowns and time each connect (µs): the
// TCP connect, and on a TLS socket the TLS handshake too.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ReferenceRun } from './reference-run.js';

// State kept on each socket so the listeners below are module-level functions (no closure per connection).
const kRecorder = Symbol('h1bench.recorder');
const kStartUs = Symbol('h1bench.connectStartUs');
const kMeasured = Symbol('h1bench.measured');
const kServerEnded = Symbol('h1bench.serverEnded');
const kReset = Symbol('h1bench.reset');
const kConnectedUs = Symbol('h1bench.connectedUs');

interface TappedSocket extends Socket {
  [kRecorder]: ReferenceRun;
  [kStartUs]: number;
  [kMeasured]: boolean;
  [kServerEnded]: boolean;
  [kReset]: boolean;
  [kConnectedUs]: number;
}

function onConnect(this: TappedSocket): void {
  const recorder = this[kRecorder];
  // Only sockets that finish their handshake before the load finishes are counted, so the count
  // matches the server's accepted connections for the same window.
  this[kMeasured] = recorder.measuring;
  if (!recorder.measuring) return;
  const now = recorder.clock.nowUs();
  this[kConnectedUs] = now;
  recorder.connectionOpened(now - this[kStartUs], now, this);
}

/** TLS only: the handshake completed; timed from the TCP connect, counted full or resumed like the connect. */
function onSecureConnect(this: TappedSocket & TLSSocket): void {
  if (!this[kMeasured]) return;
  const recorder = this[kRecorder];
  recorder.tlsSecured(this, recorder.clock.nowUs() - this[kConnectedUs]);
}

function onSession(this: TappedSocket, session: Buffer): void {
  this[kRecorder].tlsSession = session;
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
  // bytesRead counts status lines, headers and bodies exactly as they came off the wire. Whether a client close is
  // certain (the engine's teardown) or not (it destroyed the socket right after a response) the run tells.
  this[kRecorder].connectionClosed(this[kReset] ? 'reset' : this[kServerEnded] ? 'server' : 'client', this.bytesRead, this);
}

/**
 * Watch a socket that is connecting now (`startUs` = when connect() was called). Our 'connect'
 * listener goes first so the engine's own work on connect is not charged to the handshake.
 */
export function tapSocket(socket: Socket, recorder: ReferenceRun, startUs: number, keepSessions = false): void {
  const tapped = socket as TappedSocket;
  tapped[kRecorder] = recorder;
  tapped[kStartUs] = startUs;
  tapped[kMeasured] = false;
  tapped[kServerEnded] = false;
  tapped[kReset] = false;
  tapped[kConnectedUs] = startUs;
  socket.prependOnceListener('connect', onConnect);
  // A TLSSocket (undici and autocannon connect https:// with tls.connect): its 'secureConnect' ends the handshake.
  if ('encrypted' in socket) {
    socket.prependOnceListener('secureConnect', onSecureConnect);
    // For engines without a session cache of their own (autocannon): keep the load's latest session.
    if (keepSessions) socket.on('session', onSession);
  }
  socket.once('end', onEnd);
  socket.on('error', onError);
  socket.once('close', onClose);
}

