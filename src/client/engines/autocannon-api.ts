// The slice of autocannon 9's programmatic API h1bench uses, typed (autocannon ships no typings).

import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

/** One autocannon connection driver (lib/httpClient.js); passed to `setupClient`. */
export interface AutocannonClient extends EventEmitter {
  /** The current socket; replaced on every reconnect. */
  conn: Socket;
  /** The client's own (deep-cloned) options; `tlsOptions` is spread into each tls.connect. */
  opts: { tlsOptions?: ConnectionOptions };
  /** Private: opens `conn`. Wrapped per instance to see every new socket. */
  _connect: () => void;
  /** Ends the client for good (its `responseMax` reached, or the run stopped); wrapped to tell teardown closes apart. */
  destroy: () => void;
  readonly destroyed: boolean;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  pipelining: number;
  /** Seconds; ignored by autocannon when `amount` is set. */
  duration: number;
  amount?: number;
  reconnectRate?: number;
  /** Seconds. */
  timeout: number;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** How often autocannon checks whether to stop (ms). */
  sampleInt: number;
  /** SNI for https:// (autocannon sends the URL's host name otherwise, none for an IP). */
  servername?: string;
  setupClient: (client: AutocannonClient) => void;
}

/** The parts of autocannon's own result h1bench quotes in notes. */
export interface AutocannonResult {
  requests: { total: number };
  latency: { p99: number };
  errors: number;
  timeouts: number;
}

export interface AutocannonInstance extends EventEmitter {
  stop(): void;
}

type AutocannonFn = (
  options: AutocannonOptions,
  callback: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const require = createRequire(import.meta.url);

/** Load autocannon lazily (CommonJS) so other engines never pay for it. */
export function loadAutocannon(): AutocannonFn {
  return require('autocannon') as AutocannonFn;
}
