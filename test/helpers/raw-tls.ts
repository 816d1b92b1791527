// Test helper: literal HTTP bytes over a node:tls socket that trusts the embedded server's own certificate.

import { createServer } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { RunningServer } from '../../src/server/index.js';
import type { ServerConfig, ServerTlsConfig } from '../../src/types.js';
import { exchangeOver, startTestServer, type Exchange, type ExchangeOptions, type Pieces, type RawTransport } from './raw-http.js';

/** A self-signed certificate made at start, tickets on: what `bench serve --tls` does by default. */
export const TEST_TLS: ServerTlsConfig = Object.freeze({ certFile: null, keyFile: null, certOut: null, sessionTickets: true });

/** Start the embedded server over TLS on 127.0.0.1:0 (`tls` overrides TEST_TLS field by field). */
export function startTlsTestServer(overrides: Partial<ServerConfig> = {}, tls: Partial<ServerTlsConfig> = {}): Promise<RunningServer> {
  return startTestServer({ ...overrides, tls: { ...TEST_TLS, ...tls } });
}

/** Client options that verify the server against its own certificate (IP SAN 127.0.0.1), plus `extra`. */
export function tlsOptions(server: RunningServer, extra: ConnectionOptions = {}): ConnectionOptions {
  if (server.tls === null) throw new Error('not a TLS server');
  return { host: '127.0.0.1', port: server.port, ca: server.tls.certificatePem, ...extra };
}

/** exchange() over TLS: handshake, send each piece as its own write, collect responses. */
export function tlsExchange(server: RunningServer, pieces: Pieces, options: ExchangeOptions = {}, extra: ConnectionOptions = {}): Promise<Exchange> {
  return exchangeOver(() => connect(tlsOptions(server, extra)), 'secureConnect', pieces, options);
}

/** A TLS socket whose handshake has completed (rejects on a handshake or verification error). */
export function openTlsSocket(server: RunningServer, extra: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(tlsOptions(server, extra), () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export const TLS_TRANSPORT: RawTransport = {
  name: 'tls',
  start: (overrides) => startTlsTestServer(overrides),
  exchange: (server, pieces, options) => tlsExchange(server, pieces, options),
  openSocket: (server) => openTlsSocket(server),
};

/** The bytes of a real ClientHello (TLS 1.3, offering 1.2), captured from node:tls against a plain TCP listener. */
export function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sink = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        sink.close();
        resolve(chunk);
      });
    });
    sink.listen(0, '127.0.0.1', () => {
      const address = sink.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const client = connect({ host: '127.0.0.1', port, servername: 'localhost' });
      client.on('error', () => {}); // the sink hangs up mid-handshake, by design
    });
    sink.on('error', reject);
  });
}
