// Reads the embedded server's /stats over one reusable connection and computes probe-free deltas.

import net from 'node:net';
import tls from 'node:tls';
import { H1Error } from '../errors.js';
import { subtract } from '../metrics/server-stats.js';
import type { ServerStats } from '../measurements.js';

const PROBE_TIMEOUT_MS = 5_000;
const HEADER_END = '\r\n\r\n';

/**
 * A tiny HTTP/1.1 client for /stats. It keeps its connection open between snapshots when the
 * server allows (keep-alive mode), so probing adds no handshake and no TIME_WAIT socket to the
 * figures it measures; in `close` mode each snapshot costs one connection, which `calibrate`
 * measures and `delta` subtracts.
 */
export class StatsProbe {
  private socket: net.Socket | null = null;
  /** Probe connections the server closed first (each leaves a server-side TIME_WAIT socket). */
  serverClosedConnections = 0;
  private overhead: ServerStats | null = null;
  /** Which probe (1, 2, …) produced a stats object: every probe between two of them costs one request. */
  private readonly sequenceOf = new WeakMap<ServerStats, number>();
  private snapshots = 0;

  /**
   * @param url the embedded server's URL; https:// speaks TLS, trusting `ca` (the server's own certificate). The
   *   probe never offers a session, so in close mode each snapshot costs exactly one full handshake, which
   *   `calibrate` measures like the connection itself.
   */
  constructor(
    private readonly url: URL,
    private readonly ca: string | null = null,
  ) {}

  /** The counters now. */
  snapshot(): Promise<ServerStats> {
    return this.read('/stats', PROBE_TIMEOUT_MS);
  }

  private async read(target: string, timeoutMs: number): Promise<ServerStats> {
    const socket = this.socket ?? (await this.connect());
    const text = await exchange(socket, `GET ${target} HTTP/1.1\r\nHost: ${this.url.host}\r\nAccept: application/json\r\n\r\n`, timeoutMs);
    const headerEnd = text.indexOf(HEADER_END);
    const head = text.slice(0, headerEnd);
    if (!/^HTTP\/1\.[01] 200 /.test(head)) {
      throw new H1Error('H1B_PARSE_ERROR', `GET ${this.url.origin}/stats answered '${head.split('\r\n')[0]}', not 200`);
    }
    if ((/\r\nconnection:\s*close/i.test(head) || head.startsWith('HTTP/1.0')) && this.socket) {
      this.serverClosedConnections++;
      await this.drop(true);
    }
    const stats = JSON.parse(text.slice(headerEnd + HEADER_END.length)) as ServerStats;
    this.sequenceOf.set(stats, ++this.snapshots);
    return stats;
  }

  /**
   * Take two snapshots in a row, once the server has no other connection open: their difference
   * is what one probe costs (a request, and in `close` mode a connection), removed by `delta`.
   */
  async calibrate(): Promise<ServerStats> {
    const first = await this.quiescent();
    const second = await this.quiescent();
    this.overhead = subtract(second, first);
    return second;
  }

  /**
   * The counters once only the probe's own connection is open (engine sockets closed and counted), or after
   * `limitMs` as they are then: one `/stats?quiescent=` long-poll, which the server answers on the close that
   * leaves it quiet. A server that ignores the parameter answers at once.
   */
  quiescent(limitMs = 2_000): Promise<ServerStats> {
    return this.read(`/stats?quiescent=${Math.max(1, Math.round(limitMs))}`, PROBE_TIMEOUT_MS + limitMs);
  }

  /** after − before − the cost of every probe taken since `before` (each snapshot or quiescent() is one probe). */
  delta(before: ServerStats, after: ServerStats): ServerStats {
    let result = subtract(after, before);
    const probes = (this.sequenceOf.get(after) ?? 1) - (this.sequenceOf.get(before) ?? 0);
    for (let i = 0; i < probes && this.overhead; i++) result = subtract(result, this.overhead);
    result.connectionsOpen = after.connectionsOpen;
    return result;
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const host = this.url.hostname.replace(/^\[(.*)\]$/, '$1');
      const secure = this.url.protocol === 'https:';
      const socket: net.Socket = secure
        ? tls.connect({ host, port: Number(this.url.port), ca: this.ca ?? undefined, ALPNProtocols: ['http/1.1'] })
        : net.connect({ host, port: Number(this.url.port) });
      socket.setNoDelay(true);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        this.socket = socket;
        // 'end' before we ended means the server closed first.
        socket.once('end', () => {
          if (this.socket === socket) {
            this.serverClosedConnections++;
            this.socket = null;
          }
        });
        socket.on('error', () => {
          // A dead probe socket is replaced on the next snapshot; the failure surfaces there.
          if (this.socket === socket) this.socket = null;
        });
        resolve(socket);
      });
      socket.once('error', (error) =>
        reject(new H1Error('H1B_CONNECT_REFUSED', `cannot reach ${this.url.origin}/stats: ${error.message}`, { cause: error })),
      );
    });
  }

  /**
   * Close the probe connection. When the server announced `Connection: close`, wait for its FIN
   * before ending ours, so the TIME_WAIT socket stays on the server side and the client-side
   * TIME_WAIT count of a run is not polluted by the probe.
   */
  private async drop(serverCloses = false): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (!serverCloses || socket.readableEnded) socket.end();
      else {
        socket.once('end', () => socket.end());
        socket.resume();
        // A server that never sends its FIN must not hang the run.
        setTimeout(() => socket.destroy(), PROBE_TIMEOUT_MS).unref();
      }
    });
  }
}

/** Send one request and collect one Content-Length-framed response (all /stats ever sends) within `timeoutMs`. */
function exchange(socket: net.Socket, request: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const onData = (chunk: Buffer): void => {
      data += chunk.toString('latin1');
      const headerEnd = data.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(data.slice(0, headerEnd));
      if (!length) return done(new H1Error('H1B_PARSE_ERROR', '/stats response has no Content-Length'));
      const bodyBytes = Buffer.byteLength(data.slice(headerEnd + HEADER_END.length), 'latin1');
      if (bodyBytes >= Number(length[1])) done(null);
    };
    const onClose = (): void => done(new H1Error('H1B_CONNECT_RESET', '/stats connection closed before a full response'));
    const onError = (error: Error): void => done(new H1Error('H1B_SOCKET_ERROR', `/stats: ${error.message}`, { cause: error }));
    const timer = setTimeout(() => done(new H1Error('H1B_TIMEOUT', `/stats gave no response within ${timeoutMs} ms`)), timeoutMs);
    function done(error: Error | null): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (error) reject(error);
      else resolve(Buffer.from(data, 'latin1').toString('utf8'));
    }
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
    socket.write(request);
  });
}
