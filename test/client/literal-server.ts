// Test helper: a node:net server that answers with literal bytes chosen per request, and counts what it saw.

import net, { type Socket } from 'node:net';

export interface RequestInfo {
  /** 0-based index of the request on its connection. */
  readonly onConnection: number;
  /** 0-based index across the server. */
  readonly global: number;
  readonly http10: boolean;
  readonly socket: Socket;
}

export interface LiteralServer {
  readonly url: URL;
  /** Connections accepted. */
  accepted: number;
  /** Requests received (complete heads). */
  requests: number;
  /** Connections where the client's FIN arrived before we ended. */
  clientClosedFirst: number;
  readonly sockets: Set<Socket>;
  /** Stop listening and destroy every connection. */
  close(): Promise<void>;
}

/** Body-less requests are framed by their blank line, so pipelined heads are split without a parser. */
export function startLiteralServer(onRequest: (req: RequestInfo) => void): Promise<LiteralServer> {
  const sockets = new Set<Socket>();
  const state = { accepted: 0, requests: 0, clientClosedFirst: 0 };
  const server = net.createServer((socket) => {
    state.accepted++;
    sockets.add(socket);
    let pending = '';
    let onConnection = 0;
    let ended = false;
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const info: RequestInfo = { onConnection: onConnection++, global: state.requests++, http10: / HTTP\/1\.0$/m.test(head.split('\r\n')[0]!), socket };
        onRequest(info);
      }
    });
    socket.on('end', () => {
      if (!ended) state.clientClosedFirst++;
    });
    socket.on('finish', () => {
      ended = true;
    });
    socket.on('error', () => {
      // Resets from the client under test are expected in failure-path tests.
    });
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: new URL(`http://127.0.0.1:${port}/`),
        get accepted() {
          return state.accepted;
        },
        get requests() {
          return state.requests;
        },
        get clientClosedFirst() {
          return state.clientClosedFirst;
        },
        sockets,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      } as LiteralServer);
    });
  });
}

export const response = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** A port nothing listens on: bind one, then release it. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
