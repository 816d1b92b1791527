// Test helper: a node:net server that answers with literal bytes chosen per request, and counts what it saw.

import net, { type Socket } from 'node:net';

export interface RequestInfo {
  /** 0-based index of the request on its connection. */
  readonly onConnection: number;
  /** 0-based index across the server. */
  readonly global: number;
  readonly method: string;
  /** The request line says HTTP/1.0. */
  readonly http10: boolean;
  /** The request carries `Connection: keep-alive`. */
  readonly keepAlive: boolean;
  readonly socket: Socket;
  /** Per-connection scratch state for the answer (e.g. "already answered the close"; bytes still to trickle out). */
  readonly state: { done: boolean; trickle: string };
}

export interface LiteralServer {
  readonly url: URL;
  /** Connections accepted (TCP handshakes seen by the server). */
  readonly accepted: number;
  /** Requests received (complete heads). */
  readonly requests: number;
  /** Connections where the client's FIN arrived before we ended. */
  readonly clientClosedFirst: number;
  readonly sockets: Set<Socket>;
  /** Resolves once the server has accepted `count` connections (a client's handshake can complete before the accept). */
  whenAccepted(count: number): Promise<void>;
  /** Stop listening and destroy every connection. */
  close(): Promise<void>;
}

/**
 * Start a server on 127.0.0.1:0 that calls `onRequest` for every request head it reads. Body-less requests are
 * framed by their blank line, so pipelined heads are split without a parser.
 */
export function startLiteralServer(onRequest: (req: RequestInfo) => void): Promise<LiteralServer> {
  const sockets = new Set<Socket>();
  const counts = { accepted: 0, requests: 0, clientClosedFirst: 0 };
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = net.createServer((socket) => {
    counts.accepted++;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (counts.accepted >= waiters[i]!.count) waiters.splice(i, 1)[0]!.resolve();
    }
    sockets.add(socket);
    const state = { done: false, trickle: '' };
    let pending = '';
    let onConnection = 0;
    let ended = false;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const lineEnd = head.indexOf('\r\n');
        const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
        onRequest({
          onConnection: onConnection++,
          global: counts.requests++,
          method: line.slice(0, line.indexOf(' ')),
          http10: line.endsWith('HTTP/1.0'),
          keepAlive: /\r\nconnection:[^\r]*keep-alive/i.test(head),
          socket,
          state,
        });
      }
    });
    socket.on('end', () => {
      if (!ended) counts.clientClosedFirst++;
    });
    socket.on('finish', () => {
      ended = true;
    });
    socket.on('error', () => {
      // Resets from the client under test are expected in failure-path tests; the server only counts.
    });
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: new URL(`http://127.0.0.1:${port}/`),
        get accepted() {
          return counts.accepted;
        },
        get requests() {
          return counts.requests;
        },
        get clientClosedFirst() {
          return counts.clientClosedFirst;
        },
        sockets,
        whenAccepted: (count: number) =>
          new Promise<void>((done) => {
            if (counts.accepted >= count) done();
            else waiters.push({ count, resolve: done });
          }),
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export const response = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
