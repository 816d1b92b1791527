// A connector for undici that counts every TCP (and TLS) handshake exactly and times it (µs), wrapping undici's own;
// it also connects to the runner's chosen address instead of resolving the host per connection.

import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { LoadConfig } from '../engine.js';
import { tlsConnectOptions } from '../tls-context.js';
import type { ReferenceRun } from './reference-run.js';
import { tapSocket } from './socket-tap.js';

type ConnectOptions = Parameters<buildConnector.connector>[0];
type ConnectCallback = buildConnector.Callback;
/** What undici's connector really is: it returns the socket it created (its typings say void). */
type SocketReturningConnector = (options: ConnectOptions, callback: ConnectCallback) => Socket | undefined;

/**
 * Build undici's `connect` option: undici's connector plus handshake counting into `recorder`. Over https:// the TLS
 * options (one SecureContext for the load, SNI, verification, ALPN) go to undici's tls.connect; with `resume` off its
 * session cache is disabled (`maxCachedSessions: 0`), else it offers the most recent session per server name.
 */
export function countingConnector(recorder: ReferenceRun, config: Pick<LoadConfig, 'timeoutMs' | 'address' | 'tls'>): buildConnector.connector {
  const tls = config.tls ?? null;
  const base = buildConnector({
    timeout: config.timeoutMs > 0 ? config.timeoutMs : 10_000,
    ...(tls === null ? {} : { ...tlsConnectOptions(tls), maxCachedSessions: tls.resume ? 100 : 0 }),
  } as buildConnector.BuildOptions) as unknown as SocketReturningConnector;
  const address = config.address;
  return function connect(options: ConnectOptions, callback: ConnectCallback): void {
    const start = recorder.clock.nowUs();
    const socket = base(address === undefined ? options : { ...options, hostname: address }, callback);
    // Without the socket (a future undici), handshakes go uncounted rather than guessed.
    if (socket !== undefined) tapSocket(socket, recorder, start);
  };
}
