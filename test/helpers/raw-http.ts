// Test helper: literal bytes over node:net and a tiny Content-Length response splitter (no HTTP library involved).

import { connect, type Socket } from 'node:net';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/index.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../src/types.js';

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated names joined with ', '. */
  headers: Map<string, string>;
  body: Buffer;
}

/** Split complete responses off `buf` (the embedded server always sends Content-Length). `head[i]`: i-th was HEAD. */
export function splitResponses(buf: Buffer, head: boolean[] = []): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) break;
    const lines = buf.toString('latin1', at, end).split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0] ?? '')?.[1] ?? NaN);
    if (!Number.isInteger(status)) throw new Error(`bad status line: ${JSON.stringify(lines[0])}`);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    const interim = status >= 100 && status < 200;
    const length = interim || head[responses.filter((r) => r.status >= 200).length] ? 0 : Number(headers.get('content-length') ?? 0);
    const bodyStart = end + 4;
    if (buf.length < bodyStart + length) break;
    responses.push({ status, headers, body: buf.subarray(bodyStart, bodyStart + length) });
    at = bodyStart + length;
  }
  return { responses, rest: buf.subarray(at) };
}

export interface Exchange {
  responses: RawResponse[];
  /** The server closed the connection (FIN or RST) before we did. */
  closedByServer: boolean;
  raw: Buffer;
}

export interface ExchangeOptions {
  /** Stop once this many final (non-1xx) responses are in (otherwise wait for the server to close). */
  readonly responses?: number;
  /** Which responses answer HEAD requests. */
  readonly head?: boolean[];
  /** Give up after this long (a failing test must not hang). */
  readonly timeoutMs?: number;
}

export type Pieces = string | Buffer | Array<string | Buffer>;

/** Connect, send each piece as its own write, collect responses until `responses` are in or the server closes. */
export function exchange(port: number, pieces: Pieces, options: ExchangeOptions = {}): Promise<Exchange> {
  return exchangeOver(() => connect(port, '127.0.0.1'), 'connect', pieces, options);
}

/** exchange() over any socket `open` returns (plain or TLS), sending once it emits `readyEvent`. */
export function exchangeOver(open: () => Socket, readyEvent: 'connect' | 'secureConnect', pieces: Pieces, options: ExchangeOptions = {}): Promise<Exchange> {
  const list = Array.isArray(pieces) ? pieces : [pieces];
  return new Promise((resolve, reject) => {
    const socket = open();
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      socket.destroy();
      try {
        resolve({ responses: splitResponses(raw, options.head).responses, closedByServer, raw });
      } catch (error) {
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`exchange timed out; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, options.timeoutMs ?? 5000);
    socket.on(readyEvent, () => {
      for (const piece of list) socket.write(piece);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.responses !== undefined) {
        const got = splitResponses(Buffer.concat(chunks), options.head).responses.filter((r) => r.status >= 200).length;
        if (got >= options.responses) finish(false);
      }
    });
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

/** Open a socket and resolve once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** How the shared case files reach a server: plain TCP here, TLS in raw-tls.ts. */
export interface RawTransport {
  readonly name: string;
  /** Start the server under test on 127.0.0.1:0 with overrides. */
  start(overrides?: Partial<ServerConfig>): Promise<RunningServer>;
  exchange(server: RunningServer, pieces: Pieces, options?: ExchangeOptions): Promise<Exchange>;
  /** A connected socket (for TLS: handshake completed). */
  openSocket(server: RunningServer): Promise<Socket>;
}

export const TCP_TRANSPORT: RawTransport = {
  name: 'tcp',
  start: (overrides) => startTestServer(overrides),
  exchange: (server, pieces, options) => exchange(server.port, pieces, options),
  openSocket: (server) => openSocket(server.port),
};

/** Start the embedded server on 127.0.0.1:0 with overrides (and test seams: a manual clock and timers). */
export function startTestServer(overrides: Partial<ServerConfig> = {}, options: StartOptions = {}): Promise<RunningServer> {
  return startServer(Object.freeze({ ...DEFAULT_SERVER_CONFIG, host: '127.0.0.1', port: 0, ...overrides }), options);
}

/** Every event the server emits about connections and requests: a counter can only change on one of them. */
const TRAFFIC_EVENTS = ['accepted', 'connection', 'data', 'request', 'response', 'closed', 'tlsFailed', 'idle'] as const;

/**
 * Resolve once `check()` holds, re-checked after each server event (not on a timer); reject after `timeoutMs`
 * naming `what`. The re-check runs in a microtask, after the server's handler has returned, so counters bumped
 * right after an event (a backpressure pause follows its response) are seen.
 */
export function until(server: RunningServer, check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let queued = false;
    const recheck = (): void => {
      queued = false;
      if (!check()) return;
      finish();
      resolve();
    };
    const onEvent = (): void => {
      if (queued) return;
      queued = true;
      queueMicrotask(recheck);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      for (const event of TRAFFIC_EVENTS) server.off(event, onEvent);
    };
    for (const event of TRAFFIC_EVENTS) server.on(event, onEvent);
  });
}

/** Resolve once the server has read `bytes` bytes on the connection whose client end is `socket`. */
export function serverRead(server: RunningServer, socket: Socket, bytes: number): Promise<unknown> {
  let read = 0;
  return server.waitFor('data', (conn, n) => conn.remotePort === socket.localPort && (read += n) >= bytes);
}
