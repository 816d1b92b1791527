// The two contracts around a connection: the per-mode Transport policy and the ConnectionOwner (the run) it reports to.

import type { Socket } from 'node:net';
import type { Clock } from '../../clock.js';
import type { LoadRecorder } from '../../metrics/recorder.js';
import type { ClientMode } from '../../types.js';
import type { ClientConnection } from './connection.js';

/** One HTTP mode's policy; the factory picks one per run, so the hot path never branches on the mode. */
export interface Transport {
  readonly mode: ClientMode;
  readonly httpVersion: '1.0' | '1.1';
  /** Requests one connection carries at once. */
  readonly depth: number;
  /** Put `count` (≤ depth − inflight) requests on `conn`, started at `startUs` and due at `intendedUs`. */
  send(conn: ClientConnection, count: number, startUs: number, intendedUs: number): void;
  /** A response completed; false retires the socket (no more requests on it, it closes). */
  afterResponse(conn: ClientConnection, keepAlive: boolean): boolean;
  /** Requests still unanswered when a retiring socket closes are sent again on a new one (pipelining). */
  readonly resendAfterClose: boolean;
  /** Set TCP_NODELAY: needed when a write can follow unacknowledged data; a one-write connection skips the syscall. */
  readonly noDelay: boolean;
}

/**
 * Opens the socket of a connection: plain TCP (connection.ts `dialPlain`, the default: one reused net.Socket per
 * slot) or TLS (tls-socket.ts `dialTls`: a new TLSSocket per connection). The owner picks one per run.
 */
export type Dialer = (conn: ClientConnection) => Socket;

/** What a connection needs from the run that owns it (the engine implements this). */
export interface ConnectionOwner {
  /** How connections are opened, chosen once per run; absent = plain TCP. */
  readonly dial?: Dialer;
  readonly clock: Clock;
  readonly recorder: LoadRecorder;
  readonly transport: Transport;
  readonly host: string;
  readonly port: number;
  /** Per-request timeout; 0 = none. */
  readonly timeoutMs: number;
  /** requestSlices[k]: k requests back to back (pre-built, index 0 unused). */
  readonly requestSlices: readonly Buffer[];
  /** True once the phase stops issuing requests: closes then no longer restart a slot. */
  readonly stopping: boolean;
  /** Requests written and not yet finished, across connections. */
  inflight: number;
  /** Connections opened (or opening) and not yet closed. */
  liveSockets: number;
  /** Requests sent again after the server closed a pipelined connection. */
  resent: number;
  /** `conn` can take `depth − inflight` more requests. */
  ready(conn: ClientConnection, nowUs: number): void;
  /** `count` requests finished (completed or failed). */
  finished(count: number, nowUs: number): void;
  connected(nowUs: number): void;
  /** The connect failed (the request on it is already counted): back off, then `ready` again. */
  connectFailed(conn: ClientConnection, nowUs: number): void;
  /** A socket closed (for the end-of-phase wait). */
  socketGone(): void;
}
