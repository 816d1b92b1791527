// A tiny, fully closed HTTP exchange for `bench trace`: a few raw requests over HTTP/1.0 or one keep-alive connection.

import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { H1Error, classifySocketError, classifyTlsError } from '../errors.js';
import { ResponseParser } from '../http/response-parser.js';
import { serializeRequest } from '../http/request-serializer.js';

export interface ExchangeResult {
  /** Connections opened (1.0: one per request; 1.1: one, plus one per server-initiated close). */
  readonly connections: number;
  readonly statusCodes: number[];
}

/**
 * Send `requests` GETs to `url` one after another and wait until every connection is closed on
 * both sides, so a capture around this call holds complete handshakes and teardowns.
 * 1.0: a connection per request, closed by the server. 1.1: one keep-alive connection, closed by
 * us after the last response (a new one if the server closes early). Not a load path: clarity over speed.
 */
export async function tinyExchange(
  url: URL,
  mode: '1.0' | '1.1',
  requests: number,
  timeoutMs = 10_000,
  via: ExchangeVia = { address: null, tls: null },
): Promise<ExchangeResult> {
  const request = serializeRequest({ method: 'GET', url, httpVersion: mode, headers: [], body: null });
  const statusCodes: number[] = [];
  let connections = 0;
  while (statusCodes.length < requests) {
    connections++;
    const perConnection = mode === '1.0' ? 1 : requests - statusCodes.length;
    await oneConnection(url, request, perConnection, timeoutMs, statusCodes, via);
  }
  return { connections, statusCodes };
}

/** How the exchange connects: the address chosen by the runner (null = the URL's host), and TLS options for https://. */
export interface ExchangeVia {
  readonly address: string | null;
  /** tls.connect options (context, SNI, verification, ALPN) for an https:// URL; null = plain TCP. */
  readonly tls: ConnectionOptions | null;
}

/** Run up to `count` requests on one connection; resolves once the socket is fully closed. */
function oneConnection(url: URL, request: Buffer, count: number, timeoutMs: number, statusCodes: number[], via: ExchangeVia): Promise<void> {
  return new Promise((resolve, reject) => {
    const host = via.address ?? url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    // Each connection of a trace pays a full TLS handshake: no session is offered, so the ladder shows all of it.
    const socket: Socket = via.tls === null ? connect({ host, port }) : tlsConnect({ ...via.tls, host, port });
    let secured = via.tls === null;
    const parser = new ResponseParser();
    let done = 0;
    let failure: Error | null = null;
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () => {
      failure = new H1Error('H1B_TIMEOUT', `no complete response from ${url.href} within ${timeoutMs} ms`);
      socket.destroy();
    });
    socket.once(via.tls === null ? 'connect' : 'secureConnect', () => {
      secured = true;
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      let offset = 0;
      while (offset < chunk.length) {
        const stop = parser.execute(chunk, offset, chunk.length);
        if (stop < 0) {
          failure = new H1Error('H1B_PARSE_ERROR', `invalid response from ${url.href}: ${parser.error ?? 'unknown'}`);
          socket.destroy();
          return;
        }
        offset = stop;
        if (!parser.complete) continue;
        statusCodes.push(parser.statusCode);
        done++;
        // The server's Connection: close (or 1.0) ends this connection: it will close, we wait for its FIN.
        if (!parser.keepAlive) return;
        if (done === count) socket.end();
        else socket.write(request);
      }
    });
    socket.on('end', () => {
      if (parser.finish() === 1) {
        statusCodes.push(parser.statusCode);
        done++;
      }
    });
    socket.on('error', (error) => {
      const code = secured || (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? classifySocketError(error) : classifyTlsError(error);
      failure = new H1Error(code, `${url.href}: ${error.message}`, { cause: error });
    });
    socket.once('close', () => {
      if (failure) reject(failure);
      else if (done === 0) reject(new H1Error('H1B_CONNECT_RESET', `${url.href} closed the connection without a response`));
      else resolve();
    });
  });
}
