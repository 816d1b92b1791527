// The two contracts around a connection: the per-mode Transport policy and the ConnectionOwner (the run) it reports to.

import type { Socket } from 'node:net';
import type { Clock } from '../../clock.js';
import type { LoadRecorder } from '../../metrics/recorder.js';
import type { ClientMode } from '../../types.js';

/**
 * A connection slot as its transport and its owner see it. TransportSlot (connection.ts) is the implementation;
 * declared here rather than imported so the contracts and the connection form no import cycle. Owners may declare
 * their methods with the concrete class (method parameters are checked bivariantly).
 */
export interface TransportSlot {
  /** The socket while a connection is open or opening; null between connections. */
  readonly socket: object | null;
  /** Open a new TCP connection for this slot. */
  open(): void;
  /** Queue `count` requests and write them in one call (at connect when still connecting). */
  write(count: number, startUs: number, intendedUs: number): void;
  /** End our side first (counted as a client close). */
  endSocket(): void;
}

/** One HTTP mode's policy; the factory picks one per run, so the hot path never branches on the mode. */
export interface Transport {
  readonly mode: ClientMode;
  readonly httpVersion: '1.0' | '1.1';
  /** Requests one connection carries at once. */
  readonly depth: number;
  /** Fields this mode adds to every request (HTTP/1.0 keep-alive: `Connection: keep-alive`, as `ab -k` sends). */
  readonly requestFields: ReadonlyArray<readonly [string, string]>;
  /** Put `count` (≤ depth − inflight) requests on `conn`, started at `startUs` and due at `intendedUs`. */
  send(conn: TransportSlot, count: number, startUs: number, intendedUs: number): void;
  /**
   * A response completed: does the connection carry more requests? `keepAlive` is the response's own answer (RFC 9112
   * §9.3: the server keeps the connection open), `announced` whether it said `Connection: keep-alive` itself. When
   * false the slot stops using the socket at once and reconnects; the connection closes it (see ClientConnection.retire).
   */
  keeps(keepAlive: boolean, announced: boolean): boolean;
  /** Set TCP_NODELAY: needed when a write can follow unacknowledged data; a one-write connection skips the syscall. */
  readonly noDelay: boolean;
}

/** What a connection needs from the run that owns it (the engine implements this). */
export interface ConnectionOwner {
  /**
   * Opens the socket of a connection, chosen once per run: plain TCP (socket-events.ts `dialPlain`, one reused
   * net.Socket per slot), or over https:// tls-socket.ts's dialer (a new TLSSocket per connection).
   */
  dial(conn: TransportSlot): Socket;
  readonly clock: Clock;
  readonly recorder: LoadRecorder;
  readonly transport: Transport;
  readonly host: string;
  readonly port: number;
  /**
   * Per-request timeout the connection arms itself (one reused timer per connection); 0 = none: an owner that keeps
   * its own deadlines (the heartbeat fleet: one timer per process) ends a late request with `conn.expire()`.
   */
  readonly timeoutMs: number;
  /**
   * requestSlices[k]: k requests back to back (pre-built, index 0 unused). The default for connections built without
   * their own; an owner whose every connection sends different bytes (heartbeat ids) has none.
   */
  readonly requestSlices?: readonly Buffer[];
  /** True once the phase stops issuing requests: closes then no longer restart a slot. */
  readonly stopping: boolean;
  /** Requests written and not yet finished, across connections. */
  inflight: number;
  /** Connections opened (or opening) and not yet closed. */
  liveSockets: number;
  /** Requests sent again on a new connection: unanswered when the server closed (RFC 9112 §9.3.2, §9.6). */
  resent: number;
  /** Requests dropped unanswered because the phase was stopping when their connection closed (never errors). */
  abandoned: number;
  /**
   * Unanswered requests may be sent again after a close the server did not announce (idle-close races): true for
   * idempotent methods (RFC 9110 §9.2.2, RFC 9112 §9.3.1). After an announced close they are always sent again.
   */
  readonly retryUnanswered: boolean;
  /** `conn` can take `depth − inflight` more requests. */
  ready(conn: TransportSlot, nowUs: number): void;
  /** `count` requests finished (completed or failed; 0 after an abandon, so a drain can end). */
  finished(count: number, nowUs: number): void;
  /** `conn` completed its handshake (its `connectStartUs`/`connectedUs` are set). */
  connected(conn: TransportSlot, nowUs: number): void;
  /** The connect failed (the request on it is already counted): back off, then `ready` again. */
  connectFailed(conn: TransportSlot, nowUs: number): void;
  /** A socket closed (for the end-of-phase wait). */
  socketGone(): void;
  /** `--source`: the local address the next connect binds to (round-robin per connect); absent or null = the kernel picks. */
  nextLocalAddress?(): string | null;
}
