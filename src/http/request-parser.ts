// Incremental, strict HTTP/1.x request parser (RFC 9112) over Buffers: a state machine over byte indices.
//
// Lines (request line, field lines, trailers) are parsed only once complete; a line cut by the end of a read is
// stashed and completed from the next read, so every byte is scanned a bounded number of times and a request may be
// split at any byte. Chunked framing is scanned byte by byte by the rules both parsers share (rules/chunked.ts).
// Many requests in one read are parsed in one call (pipelining).

import { applyHeaderField } from './header-fields.js';
import { ParsedRequest, type ParseError } from './request.js';
import { LineStash } from './line-stash.js';
import * as E from './parse-errors.js';
import { CR, LF } from './rules/bytes.js';
import { CHUNK_NEED_MORE, ChunkFraming } from './rules/chunked.js';
import { TrailerSection } from './rules/trailers.js';
import * as framingRules from './rules/framing.js';
import { INCOMPLETE, INVALID, parseFieldLine, parseRequestLine, type LineScan } from './lines.js';
import type { ParserLimits } from '../types.js';

// Module-local copies of the framing codes compared for every request (V8 reloads an imported binding at every use).
const { BODY_CHUNKED, BODY_LENGTH, REQUEST_CL_AND_TE, REQUEST_TE_HTTP10, requestFraming } = framingRules;

export { ParsedRequest, type ParseError, type ParseErrorStatus } from './request.js';

/** Receives parser events. Set once per parser; both run synchronously inside execute(). */
export interface RequestSink {
  /** The header section is complete and valid (body, if any, follows). */
  onHeaders(req: ParsedRequest): void;
  /** The whole message (including body and trailers) is in. The sink may call parser.pause(). */
  onRequest(req: ParsedRequest): void;
}

export interface ParserOptions {
  /** Keep every field line as [name, value] strings on req.headers (tests; costs allocations). */
  readonly keepHeaders?: boolean;
  /** Keep body chunks on req.body (tests). */
  readonly keepBody?: boolean;
}

const S_REQUEST_LINE = 0;
const S_HEADER_LINE = 1;
const S_BODY = 2;
/** Between chunk data: the CRLF after a chunk, then the next chunk-size line. */
const S_CHUNK_FRAMING = 3;
const S_CHUNK_DATA = 4;
const S_TRAILER_LINE = 5;
const S_DEAD = 6;

export class RequestParser {
  /** The current request (valid between the request line and onRequest). */
  req: ParsedRequest = new ParsedRequest();
  /** Set when execute() returned -1; the parser is then dead. */
  error: ParseError | null = null;
  /** Size of the chunk being read (chunked bodies). */
  chunkSize = 0;

  private state = S_REQUEST_LINE;
  private paused = false;
  private remaining = 0;
  private headerBytes = 0;
  private leadingBytes = 0;
  /** A line cut by the end of a read (allocated on first use: most connections never need it). */
  private readonly stashed = new LineStash();
  private readonly scan: LineScan = { nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0, error: null };
  /** Strict: CRLF only, extensions per RFC 9112 §7.1.1. */
  private readonly chunks = new ChunkFraming(false);
  /** Trailer lines are parsed as field lines, within the header section's limit. */
  private readonly trailers: TrailerSection;
  private readonly keepHeaders: boolean;
  private readonly keepBody: boolean;

  constructor(
    private readonly sink: RequestSink,
    private readonly limits: ParserLimits,
    options: ParserOptions = {},
  ) {
    this.keepHeaders = options.keepHeaders === true;
    this.keepBody = options.keepBody === true;
    this.trailers = new TrailerSection(limits.maxHeaderBytes);
  }

  /** Stop after the current message; execute() returns the offset just past it. */
  pause(): void {
    this.paused = true;
  }

  /** True between the first byte of a request and its end: the peer owes us bytes. */
  get inMessage(): boolean {
    return this.state !== S_REQUEST_LINE || this.stashed.length > 0;
  }

  /** True once the header section of the current request is complete (its body is being read). */
  get inBody(): boolean {
    return this.state >= S_BODY && this.state <= S_TRAILER_LINE;
  }

  /**
   * Parse buf[start, end). Returns the offset where parsing stopped: end, or earlier when the sink paused
   * the parser (call again with the rest), or -1 on a protocol error (see `error`; the parser is then dead).
   */
  execute(buf: Buffer, start = 0, end = buf.length): number {
    this.paused = false;
    let i = start;
    if (this.stashed.length > 0) {
      i = this.completePartial(buf, i, end);
      if (i < 0) return -1;
      if (i === end || this.paused) return i;
    }
    while (i < end) {
      let next: number;
      switch (this.state) {
        case S_REQUEST_LINE:
          if (buf[i] === CR || buf[i] === LF) {
            next = this.emptyLine(buf, i, end);
            break;
          }
          next = this.requestLine(buf, i, end);
          break;
        case S_HEADER_LINE:
          next = this.fieldLine(buf, i, end);
          break;
        case S_TRAILER_LINE:
          next = this.trailerLine(buf, i, end);
          break;
        case S_BODY:
        case S_CHUNK_DATA: {
          const n = Math.min(this.remaining, end - i);
          this.body(buf, i, i + n);
          next = i + n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === S_BODY) this.complete();
            else this.state = S_CHUNK_FRAMING;
          }
          break;
        }
        case S_CHUNK_FRAMING:
          next = this.chunkFraming(buf, i, end);
          break;
        default:
          return -1;
      }
      if (next < 0) {
        if (next === INCOMPLETE) return this.stash(buf, i, end) < 0 ? -1 : end;
        return -1; // die() recorded the error
      }
      i = next;
      if (this.paused) return i;
    }
    return i;
  }

  /** Finish a stashed line with bytes from this read; returns where the caller continues. */
  private completePartial(buf: Buffer, start: number, end: number): number {
    const lf = buf.indexOf(LF, start);
    const stop = lf === -1 || lf >= end ? end : lf + 1;
    this.stashed.append(buf, start, stop);
    if (stop === end && (lf === -1 || lf >= end)) {
      const over = this.checkPartialLimit();
      return over === null ? end : this.die(over);
    }
    const line = this.stashed.buf!;
    const len = this.stashed.length;
    this.stashed.length = 0;
    // Only the request line and field lines are stashed (chunked framing is scanned byte by byte).
    let r: number;
    if (this.state === S_REQUEST_LINE) {
      r = line[0] === CR || line[0] === LF ? this.emptyLine(line, 0, len) : this.requestLine(line, 0, len);
    } else {
      r = this.state === S_HEADER_LINE ? this.fieldLine(line, 0, len) : this.trailerLine(line, 0, len);
    }
    if (r === INCOMPLETE) return this.stash(line, 0, len);
    return r < 0 ? -1 : stop;
  }

  private stash(buf: Buffer, start: number, end: number): number {
    this.stashed.reset(buf, start, end);
    const over = this.checkPartialLimit();
    return over === null ? end : this.die(over);
  }

  /** Limits apply to incomplete lines too, so a peer cannot make us buffer without bound. */
  private checkPartialLimit(): ParseError | null {
    const len = this.stashed.length;
    switch (this.state) {
      case S_REQUEST_LINE:
        return len > this.limits.maxRequestLineBytes + 2 ? E.E_URI_TOO_LONG : null;
      case S_HEADER_LINE:
        return this.headerBytes + len > this.limits.maxHeaderBytes ? E.E_HEADERS_TOO_LARGE : null;
      default:
        return this.trailers.fits(len) ? null : E.E_HEADERS_TOO_LARGE;
    }
  }

  private die(error: ParseError): number {
    this.error = error;
    this.state = S_DEAD;
    this.stashed.length = 0;
    return INVALID;
  }

  /** RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line. */
  private emptyLine(buf: Buffer, i: number, end: number): number {
    if (buf[i] !== CR) return this.die(E.E_BARE_LF);
    if (i + 1 >= end) return INCOMPLETE;
    if (buf[i + 1] !== LF) return this.die(E.E_BARE_CR);
    this.leadingBytes += 2;
    if (this.leadingBytes > this.limits.maxRequestLineBytes) return this.die(E.E_EMPTY_LINES);
    return i + 2;
  }

  private requestLine(buf: Buffer, i: number, end: number): number {
    const req = new ParsedRequest();
    if (this.keepHeaders) req.headers = [];
    if (this.keepBody) req.body = [];
    this.req = req;
    const next = parseRequestLine(buf, i, end, req, this.scan);
    if (next === INCOMPLETE) return next;
    if (next < 0) return this.die(this.scan.error!);
    if (next - i > this.limits.maxRequestLineBytes + 2) return this.die(E.E_URI_TOO_LONG);
    if (req.versionMajor !== 1) return this.die(E.E_VERSION);
    this.leadingBytes = 0;
    this.headerBytes = 0;
    this.state = S_HEADER_LINE;
    return next;
  }

  private fieldLine(buf: Buffer, i: number, end: number): number {
    const scan = this.scan;
    const next = parseFieldLine(buf, i, end, scan);
    if (next === INCOMPLETE) return next;
    if (next < 0) return this.die(scan.error!);
    this.headerBytes += next - i;
    if (this.headerBytes > this.limits.maxHeaderBytes) return this.die(E.E_HEADERS_TOO_LARGE);
    const req = this.req;
    if (scan.nameStart === scan.nameEnd) {
      // The empty line ending the section.
      this.headersDone();
      return this.state === S_DEAD ? INVALID : next;
    }
    if (++req.headerCount > this.limits.maxHeaderCount) return this.die(E.E_TOO_MANY_HEADERS);
    if (req.headers !== null) this.keepField(buf);
    const bad = applyHeaderField(req, buf, scan.nameStart, scan.nameEnd, scan.valueStart, scan.valueEnd);
    return bad === null ? next : this.die(bad);
  }

  /**
   * A trailer field line (RFC 9112 §7.1.2): checked like a header field line and counted with them, charged to the
   * trailer section's bound, never applied (framing and routing are settled by then).
   */
  private trailerLine(buf: Buffer, i: number, end: number): number {
    const scan = this.scan;
    const next = parseFieldLine(buf, i, end, scan);
    if (next === INCOMPLETE) return next;
    if (next < 0) return this.die(scan.error!);
    if (!this.trailers.charge(next - i)) return this.die(E.E_HEADERS_TOO_LARGE);
    if (scan.nameStart === scan.nameEnd) {
      this.complete();
      return next;
    }
    if (++this.req.headerCount > this.limits.maxHeaderCount) return this.die(E.E_TOO_MANY_HEADERS);
    if (this.req.headers !== null) this.keepField(buf);
    return next;
  }

  /** Keep the field line just scanned as strings on req.headers (tests only: it allocates). */
  private keepField(buf: Buffer): void {
    const scan = this.scan;
    this.req.headers!.push([buf.toString('latin1', scan.nameStart, scan.nameEnd), buf.toString('latin1', scan.valueStart, scan.valueEnd)]);
  }

  /** The header section is complete: check it, then read the body its framing gives (RFC 9112 §6.3), if any. */
  private headersDone(): void {
    const req = this.req;
    const framing = requestFraming(req.versionMinor, req.contentLength, req);
    // One test for the usual request; the checks in their order, and their errors, are kept off the hot path.
    if (req.hostCount !== 1 || framing < 0 || req.contentLength > this.limits.maxBodyBytes) {
      const error = this.headersError(framing);
      if (error !== null) {
        this.die(error);
        return;
      }
    }
    if (framing === BODY_CHUNKED) req.chunked = true;
    this.sink.onHeaders(req);
    if (framing === BODY_LENGTH) {
      this.state = S_BODY;
      this.remaining = req.contentLength;
    } else if (req.chunked) {
      this.chunks.start();
      this.trailers.start();
      this.state = S_CHUNK_FRAMING;
    } else {
      this.complete();
    }
  }

  /** What is wrong with a complete header section: Host (RFC 9112 §3.2), then framing (§6.1, §6.3), then size; or null. */
  private headersError(framing: number): ParseError | null {
    const req = this.req;
    if (req.hostCount > 1) return E.E_MANY_HOSTS;
    if (req.hostCount === 0 && req.versionMinor >= 1) return E.E_NO_HOST;
    if (framing === REQUEST_CL_AND_TE) return E.E_CL_AND_TE;
    if (framing === REQUEST_TE_HTTP10) return E.E_TE_HTTP10;
    if (framing < 0) return E.E_TE_NOT_CHUNKED;
    return framing === BODY_LENGTH && req.contentLength > this.limits.maxBodyBytes ? E.E_BODY_TOO_LARGE : null;
  }

  /** The CRLF after chunk data and the next chunk-size line; returns where to go on (end while the line is incomplete). */
  private chunkFraming(buf: Buffer, i: number, end: number): number {
    const chunks = this.chunks;
    const next = chunks.execute(buf, i, end);
    if (next < 0) return next === CHUNK_NEED_MORE ? end : this.die(E.E_CHUNK[chunks.error]!);
    const size = chunks.size;
    if (this.req.bodyBytes + size > this.limits.maxBodyBytes) return this.die(E.E_BODY_TOO_LARGE);
    this.chunkSize = size;
    if (size === 0) {
      this.state = S_TRAILER_LINE;
    } else {
      this.state = S_CHUNK_DATA;
      this.remaining = size;
    }
    return next;
  }

  private body(buf: Buffer, start: number, end: number): void {
    const req = this.req;
    req.bodyBytes += end - start;
    if (req.body !== null && end > start) req.body.push(Buffer.from(buf.subarray(start, end)));
  }

  private complete(): void {
    this.state = S_REQUEST_LINE;
    this.sink.onRequest(this.req);
  }

  /** Error state check for callers that inspect the parser after -1. */
  get dead(): boolean {
    return this.state === S_DEAD;
  }
}
