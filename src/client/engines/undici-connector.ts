// A connector for undici that counts every TCP handshake exactly and times it (µs), wrapping undici's own.

import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { ReferenceRun } from './reference-run.js';
import { tapSocket } from './socket-tap.js';

type ConnectOptions = Parameters<buildConnector.connector>[0];
type ConnectCallback = buildConnector.Callback;
/** What undici's connector really is: it returns the socket it created (its typings say void). */
type SocketReturningConnector = (options: ConnectOptions, callback: ConnectCallback) => Socket | undefined;

/** Build undici's `connect` option: undici's connector plus handshake counting into `recorder`. */
export function countingConnector(recorder: ReferenceRun, timeoutMs: number): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs > 0 ? timeoutMs : 10_000 }) as unknown as SocketReturningConnector;
  return function connect(options: ConnectOptions, callback: ConnectCallback): void {
    const start = recorder.clock.nowUs();
    const socket = base(options, callback);
    // Without the socket (a future undici), handshakes go uncounted rather than guessed.
    if (socket !== undefined) tapSocket(socket, recorder, start);
  };
}
