// One accepted socket: parsing, ordered and batched responses, persistence, backpressure, deadlines, close attribution.

import type { Socket } from 'node:net';
import { clientWantsPersistence } from '../http/rules/connection.js';
import { RequestParser, type ParsedRequest, type ParseError, type RequestSink } from '../http/request-parser.js';
import { CLOSE, CONTINUE_100, KEEP_ALIVE, KEEP_ALIVE_ECHO, serializeHead, serializeResponse, type Disposition, type StaticResponse } from '../http/response-writer.js';
import type { ServerContext } from './context.js';
import { armDeadline, PHASE_BODY, PHASE_CLOSING, PHASE_HEADERS, PHASE_IDLE, PHASE_NONE, PHASE_STALLED } from './deadlines.js';
import { STATUS_AWAITING, STATUS_BODY, STATUS_CLOSING, STATUS_HEADERS, STATUS_IDLE, STATUS_STALLED } from './deadlines.js';
import { END, KEEP_OPEN, OutputBatch } from './output.js';
import type { CloseKind } from '../metrics/counters.js';
import type { ServerConnection } from './contracts.js';

/** Bodies above this size (slices of a shared buffer) are written after their head instead of being copied. */
const COPY_BODY_BYTES = 64 * 1024;

const INTERNAL_ERROR_BODY = Buffer.from('route handler failed\n', 'latin1');

const kConn = Symbol('h1bench.connection');
type ConnSocket = Socket & { [kConn]: Connection };

// Socket listeners: module-level functions attached once per socket; state lives on the Connection.
function onData(this: ConnSocket, chunk: Buffer): void {
  this[kConn].onData(chunk);
}
function onEnd(this: ConnSocket): void {
  this[kConn].onPeerEnd();
}
function onError(this: ConnSocket, err: NodeJS.ErrnoException): void {
  this[kConn].onSocketError(err);
}
function onClose(this: ConnSocket, hadError: boolean): void {
  this[kConn].onSocketClose(hadError);
}

let nextId = 1;

export class Connection implements RequestSink, ServerConnection {
  readonly id = nextId++;
  readonly parser: RequestParser;
  /** The request being answered (kept for deferred answers). */
  req: ParsedRequest | null = null;
  closed = false;
  /** A route's pending timer (e.g. /delay), cleared if the connection closes first. */
  deferredTimer: NodeJS.Timeout | null = null;
  deadlineUs = 0;
  phase = PHASE_HEADERS;
  /** Errno code of the socket error that ended the connection, if any. */
  errorCode: string | null = null;

  private disposition: Disposition = KEEP_ALIVE;
  private headOnly = false;
  private responded = true;
  private awaiting = false;
  private served = 0;
  /** Requests served when the headers deadline was armed (a new request re-arms it). */
  phaseServed = 0;
  private batching = false;
  private readonly out = new OutputBatch();
  private endAfterFlush = false;
  private ending = false;
  private pausedForWrite = false;
  private readPaused = false;
  private leftover: Buffer | null = null;
  private peerEnded = false;
  private closeKind: CloseKind | null = null;
  private readonly forceClose: boolean;
  /** Write callback used only when pausing for backpressure; bound once per connection, not per request. */
  private readonly onFlushed: (err?: Error | null) => void;

  constructor(
    readonly socket: Socket,
    readonly ctx: ServerContext,
  ) {
    this.parser = new RequestParser(this, ctx.config.limits);
    this.forceClose = ctx.config.mode === 'close';
    this.onFlushed = this.resumeAfterFlush.bind(this);
    this.deadlineUs = ctx.clock.nowUs() + ctx.config.headersTimeoutMs * 1000;
    (socket as ConnSocket)[kConn] = this;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    if (ctx.events.wants.connection) ctx.events.emit('connection', this);
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  onData(chunk: Buffer): void {
    const ctx = this.ctx;
    ctx.stats.bytesIn += chunk.length;
    if (ctx.events.wants.data) ctx.events.emit('data', this, chunk.length);
    if (this.ending) return; // lingering close: drain and drop what the peer still sends
    if (this.leftover !== null) {
      // Already-buffered data can still arrive after pause(); keep it in order behind the leftover.
      this.leftover = Buffer.concat([this.leftover, chunk]);
      return;
    }
    this.process(chunk);
  }

  private process(buf: Buffer): void {
    this.batching = true;
    const stop = this.parser.execute(buf);
    this.batching = false;
    if (stop < 0) {
      this.fail(this.parser.error!);
      return;
    }
    if (stop < buf.length && !this.endAfterFlush) this.leftover = stop === 0 ? buf : buf.subarray(stop);
    this.flush();
    if (!this.readPaused && (this.leftover !== null || this.awaiting || this.pausedForWrite)) {
      this.readPaused = true;
      this.socket.pause();
    }
    this.updateDeadline();
  }

  // RequestSink: called synchronously from parser.execute().
  onHeaders(req: ParsedRequest): void {
    // RFC 9110 §10.1.1: tell a waiting client to send its body; earlier pipelined answers go first.
    if (req.expectContinue && req.versionMinor >= 1 && (req.contentLength > 0 || req.chunked)) {
      this.queue(CONTINUE_100);
      this.flush();
    }
  }

  onRequest(req: ParsedRequest): void {
    const ctx = this.ctx;
    ctx.stats.requests++;
    if (ctx.events.wants.request) ctx.events.emit('request', this, req.method, req.target);
    const max = ctx.config.maxRequestsPerConnection;
    this.served++;
    this.req = req;
    this.headOnly = req.method === 'HEAD';
    this.disposition =
      this.forceClose || ctx.shuttingDown || (max > 0 && this.served >= max) || !clientWantsPersistence(req.versionMinor, req.connectionClose, req.connectionKeepAlive)
        ? CLOSE
        : req.versionMinor === 0
          ? KEEP_ALIVE_ECHO
          : KEEP_ALIVE;
    this.responded = false;
    try {
      ctx.routes.dispatch(this, req);
    } catch {
      // A route bug must not take the server down: answer 500 (counted in responsesByStatus) and close.
      this.disposition = CLOSE;
      if (!this.responded) this.send(500, 'text/plain', INTERNAL_ERROR_BODY);
      else this.endAfterFlush = true;
    }
    if (!this.responded) {
      this.awaiting = true;
      this.parser.pause();
    } else if (this.disposition === CLOSE) {
      this.parser.pause();
    } else if (this.socket.writableLength + this.out.bytes > ctx.config.writeHighWaterMark) {
      this.pausedForWrite = true;
      ctx.stats.backpressurePauses++;
      this.parser.pause();
    }
  }

  /** Answer the current request with a pre-serialized response. */
  sendStatic(response: StaticResponse): void {
    // A deferred answer may outlive the start of a graceful shutdown: it must then close the connection.
    if (this.ctx.shuttingDown) this.disposition = CLOSE;
    this.respond(response.get(this.disposition, this.headOnly), response.status);
  }

  /** Answer the current request with a response built now (Date from the per-second cache). */
  send(status: number, contentType: string, body: Buffer): void {
    if (this.responded) return;
    const ctx = this.ctx;
    if (ctx.shuttingDown) this.disposition = CLOSE;
    const date = ctx.dates.get(Date.now());
    const block = ctx.connectionHeaders.blocks[this.disposition];
    if (this.headOnly || body.length <= COPY_BODY_BYTES) {
      this.respond(serializeResponse(status, date, contentType, body, block, this.headOnly), status);
    } else {
      // Large bodies (slices of a shared buffer) are not copied: head and body go out as two writes.
      this.respondParts(Buffer.from(serializeHead(status, date, contentType, body.length, block), 'latin1'), body, status);
    }
  }

  private respond(data: Buffer, status: number): void {
    if (this.responded) return;
    this.queue(data);
    this.answered(status);
  }

  private respondParts(head: Buffer, body: Buffer, status: number): void {
    if (this.responded) return;
    this.queue(head);
    this.queue(body);
    this.answered(status);
  }

  private answered(status: number): void {
    this.responded = true;
    const ctx = this.ctx;
    ctx.stats.countStatus(status);
    if (ctx.events.wants.response) ctx.events.emit('response', this, status);
    if (this.disposition === CLOSE) this.endAfterFlush = true;
    if (!this.batching) {
      // A deferred answer: send it, then continue with any pipelined requests held back meanwhile.
      this.awaiting = false;
      this.flush();
      this.resumeProcessing();
    }
  }

  private queue(data: Buffer): void {
    this.out.push(data);
    this.ctx.stats.bytesOut += data.length;
  }

  /** Write what this read produced; FIN after it when the connection closes. */
  private flush(): void {
    if (this.endAfterFlush) {
      if (this.ending && this.out.empty) return;
      this.markClosing('server');
      this.out.writeTo(this.socket, END, null);
    } else {
      this.out.writeTo(this.socket, KEEP_OPEN, this.pausedForWrite ? this.onFlushed : null);
    }
  }

  private resumeAfterFlush(): void {
    if (this.closed) return;
    this.pausedForWrite = false;
    this.phase = PHASE_NONE; // progress was made: re-arm the stall deadline
    this.resumeProcessing();
  }

  /** Continue after a deferred answer or a drained write buffer. */
  private resumeProcessing(): void {
    if (this.ending || this.closed || this.awaiting || this.pausedForWrite) return;
    const pending = this.leftover;
    this.leftover = null;
    if (pending !== null) this.process(pending);
    else this.updateDeadline();
    if (this.leftover !== null || this.awaiting || this.pausedForWrite || this.ending) return;
    if (this.peerEnded) {
      this.endNow('client');
    } else if (this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  private markClosing(kind: CloseKind): void {
    if (this.closeKind === null) this.closeKind = kind;
    this.ending = true;
  }

  private endNow(kind: CloseKind): void {
    this.markClosing(kind);
    this.socket.end();
    this.updateDeadline();
  }

  /** Answer a protocol error: only if still writable, always `Connection: close`, then close (fastify's recipe). */
  private fail(error: ParseError): void {
    const ctx = this.ctx;
    ctx.stats.countStatus(error.status);
    if (ctx.events.wants.response) ctx.events.emit('response', this, error.status);
    this.leftover = null;
    this.disposition = CLOSE;
    const body = Buffer.from(`${error.reason}\n`, 'latin1');
    this.queue(serializeResponse(error.status, ctx.dates.get(Date.now()), 'text/plain', body, ctx.connectionHeaders.blocks[CLOSE], false));
    this.endAfterFlush = true;
    this.flush();
    if (this.readPaused) {
      // Keep reading (and dropping) so the peer's unread bytes do not turn our FIN into an RST.
      this.readPaused = false;
      this.socket.resume();
    }
    this.updateDeadline();
  }

  /** Called by the deadline sweep when deadlineUs has passed. */
  onDeadline(): void {
    switch (this.phase) {
      case PHASE_HEADERS:
        if (this.parser.inMessage) this.fail({ status: 408, reason: 'request header section not received in time' });
        else this.endNow('server');
        return;
      case PHASE_BODY:
        this.fail({ status: 408, reason: 'request body not received in time' });
        return;
      case PHASE_IDLE:
        this.endNow('server');
        return;
      case PHASE_STALLED:
      case PHASE_CLOSING:
        // The peer stopped reading our responses, or will not close its side: drop it.
        this.markClosing('server');
        this.deadlineUs = 0;
        this.socket.destroy();
        return;
      default:
        this.deadlineUs = 0;
    }
  }

  private updateDeadline(): void {
    const status = this.ending
      ? STATUS_CLOSING
      : this.awaiting
        ? STATUS_AWAITING
        : this.pausedForWrite
          ? STATUS_STALLED
          : this.parser.inBody
            ? STATUS_BODY
            : this.parser.inMessage
              ? STATUS_HEADERS
              : STATUS_IDLE;
    armDeadline(this, status, this.served, this.ctx);
  }

  /** Graceful shutdown: close now if nothing is in flight; otherwise the next answer carries `Connection: close`. */
  closeIfIdle(): void {
    if (this.ending || this.closed || this.awaiting || this.leftover !== null || this.parser.inMessage) return;
    this.endNow('server');
  }

  /** Shutdown grace expired. */
  destroy(): void {
    this.markClosing('server');
    this.socket.destroy();
  }

  onPeerEnd(): void {
    this.peerEnded = true;
    if (this.closeKind === null) this.closeKind = 'client';
    if (this.ending) return;
    // Answer what was already received (held back by a deferred answer or backpressure), then close.
    if (this.awaiting || this.pausedForWrite || this.leftover !== null) return;
    this.endNow('client');
  }

  onSocketError(err: NodeJS.ErrnoException): void {
    this.errorCode = err.code ?? 'ERR';
    if (this.closeKind === null) this.closeKind = 'reset';
  }

  onSocketClose(hadError: boolean): void {
    this.closed = true;
    const ctx = this.ctx;
    ctx.connections.delete(this);
    ctx.stats.open--;
    if (this.deferredTimer !== null) {
      clearTimeout(this.deferredTimer);
      this.deferredTimer = null;
    }
    const kind: CloseKind = this.closeKind ?? (hadError ? 'reset' : 'client');
    ctx.stats.countClose(kind);
    for (const hook of ctx.closeHooks) hook(this, kind);
    if (ctx.events.wants.closed) ctx.events.emit('closed', this, kind);
    ctx.events.afterClose(ctx.stats.open);
  }
}
