// Incremental HTTP/1.x response parser: survives a split at any byte and stops after each complete message, so
// pipelined responses are matched to their requests in order, without copying or buffering the input.

import { ResponseHead } from './response-head.js';
import { CHUNK_NEED_MORE, CHUNK_REASONS, ChunkFraming } from './rules/chunked.js';
import { TRAILERS_NEED_MORE, TrailerSection } from './rules/trailers.js';
import { clientWantsPersistence } from './rules/connection.js';
import * as framingRules from './rules/framing.js';

// Module-local copies of the framing codes compared for every response (V8 reloads an imported binding at every use).
const { BODY_CHUNKED, BODY_CHUNKED_THEN_CLOSE, BODY_LENGTH, BODY_NONE, responseFraming } = framingRules;

const M_HEAD = 0;
const M_BODY_LENGTH = 1;
const M_BODY_EOF = 2;
/** Between chunk data: the CRLF after a chunk, then the next chunk-size line. */
const M_CHUNK_FRAMING = 3;
const M_CHUNK_DATA = 4;
const M_TRAILERS = 5;
const M_ERROR = 6;

export interface ResponseParserOptions {
  /** Responses answer HEAD requests: never a body, whatever the fields say (RFC 9110 §9.3.2). */
  readonly head?: boolean;
  /** Largest status line + field section (and trailer section), in bytes. */
  readonly maxHeadBytes?: number;
}

/**
 * Feed bytes with `execute`; it returns the offset where it stopped. It stops right after a message completes
 * (`complete` is then true and `statusCode`/`keepAlive`/`bodyBytes` describe it), so the caller can attribute each
 * response to its request. It returns -1 on malformed input (`error` says why; the connection is unusable).
 * 1xx interim responses are consumed silently. A close-delimited body ends with `finish()` at EOF.
 */
export class ResponseParser {
  /** True between a message's completion and the next `execute` call. */
  complete = false;
  /** True until the first byte of the next response arrives (stays false across 1xx interim responses): TTFB hook. */
  awaitingFirstByte = true;
  statusCode = 0;
  versionMinor = 0;
  /** RFC 9112 §9.3: whether the connection stays open after this response (valid once the head is parsed). */
  keepAlive = false;
  /** The response said `Connection: keep-alive` itself (what an HTTP/1.0 client needs to keep it, RFC 9112 §9.3). */
  keepAliveAnnounced = false;
  /** Body bytes of the current message (decoded payload for chunked). */
  bodyBytes = 0;
  error: string | null = null;

  private state = M_HEAD;
  /** The error was in a head, not a body (for the phase of an error sample). */
  private failedInHead = false;
  private remaining = 0;
  private readonly skipBody: boolean;
  private readonly head: ResponseHead;
  /** Lenient: a client reads what servers send (see rules/chunked.ts). */
  private readonly chunks = new ChunkFraming(true);
  /** Skipped, within the head's limit. */
  private readonly trailers: TrailerSection;

  constructor(options: ResponseParserOptions = {}) {
    this.skipBody = options.head === true;
    const maxHeadBytes = options.maxHeadBytes ?? 80 * 1024;
    this.head = new ResponseHead(maxHeadBytes);
    this.trailers = new TrailerSection(maxHeadBytes);
  }

  /** Forget any partial message (a new connection starts). */
  reset(): void {
    this.state = M_HEAD;
    this.complete = false;
    this.awaitingFirstByte = true;
    this.error = null;
    this.head.rewind();
  }

  /** Whether the parser sits between messages (no partial response pending). */
  get idle(): boolean {
    return this.state === M_HEAD && this.awaitingFirstByte && this.head.atStart;
  }

  /** Whether the current response was in its head (status line and fields) when it completed, failed or was cut. */
  get inHead(): boolean {
    return this.state === M_HEAD || (this.state === M_ERROR && this.failedInHead);
  }

  /** Whether the current body runs until the server closes (RFC 9112 §6.3 rule 8). */
  get readingUntilClose(): boolean {
    return this.state === M_BODY_EOF;
  }

  /**
   * EOF from the server. Returns 1 if that completed a close-delimited message (`complete` is set), 0 if no message
   * was pending, -1 if a message was cut short.
   */
  finish(): number {
    if (this.state === M_BODY_EOF) {
      this.messageDone(0);
      return 1;
    }
    return this.idle ? 0 : -1;
  }

  /** Parse buf[offset, end). Returns where it stopped (end, or just past a complete message), or -1 on error. */
  execute(buf: Uint8Array, offset: number, end: number): number {
    this.complete = false;
    let i = offset;
    if (i < end && this.awaitingFirstByte) this.awaitingFirstByte = false;
    while (i < end) {
      switch (this.state) {
        case M_HEAD: {
          const next = this.head.execute(buf, i, end);
          if (next < 0) return this.fail(this.head.error ?? 'invalid response head');
          i = next;
          if (!this.head.done) return i;
          const r = this.headEnd();
          if (r < 0) return -1;
          if (r > 0) return this.messageDone(i);
          break;
        }
        case M_BODY_LENGTH:
        case M_CHUNK_DATA: {
          // Payload is counted, never copied.
          const take = Math.min(this.remaining, end - i);
          i += take;
          this.remaining -= take;
          this.bodyBytes += take;
          if (this.remaining === 0) {
            if (this.state === M_BODY_LENGTH) return this.messageDone(i);
            this.state = M_CHUNK_FRAMING;
          }
          break;
        }
        case M_BODY_EOF:
          this.bodyBytes += end - i;
          return end;
        case M_CHUNK_FRAMING: {
          const chunks = this.chunks;
          const next = chunks.execute(buf, i, end);
          if (next < 0) return next === CHUNK_NEED_MORE ? end : this.fail(CHUNK_REASONS[chunks.error]!);
          i = next;
          if (chunks.size === 0) {
            this.state = M_TRAILERS;
          } else {
            this.remaining = chunks.size;
            this.state = M_CHUNK_DATA;
          }
          break;
        }
        case M_TRAILERS: {
          const next = this.trailers.skip(buf, i, end);
          if (next < 0) return next === TRAILERS_NEED_MORE ? end : this.fail(this.trailers.error ?? 'invalid trailer section');
          return this.messageDone(next);
        }
        default:
          return -1;
      }
    }
    return i;
  }

  /** The head is complete: skip 1xx, then decide framing and persistence. Returns 1 for a body-less message. */
  private headEnd(): number {
    const head = this.head;
    const status = head.statusCode;
    this.statusCode = status;
    this.versionMinor = head.versionMinor;
    this.bodyBytes = 0;
    if (status < 100) return this.fail('status code below 100');
    if (status === 101) return this.fail('unexpected 101 Switching Protocols (no upgrade was requested)');
    if (status < 200) {
      // 1xx interim response (RFC 9110 §15.2): skip it, the final response follows on the same connection.
      head.rewind();
      return 0;
    }
    // RFC 9112 §9.3, the rule the server applies to requests; the body's framing may still end the connection.
    this.keepAlive = clientWantsPersistence(head.versionMinor, head.connectionClose, head.connectionKeepAlive);
    this.keepAliveAnnounced = head.connectionKeepAlive && !head.connectionClose;
    const framing = responseFraming(status, this.skipBody, head.contentLength, head);
    switch (framing) {
      case BODY_NONE:
        return 1;
      case BODY_LENGTH:
        this.remaining = head.contentLength;
        this.state = M_BODY_LENGTH;
        return 0;
      case BODY_CHUNKED:
      case BODY_CHUNKED_THEN_CLOSE:
        if (framing === BODY_CHUNKED_THEN_CLOSE) this.keepAlive = false;
        this.chunks.start();
        this.trailers.start();
        this.state = M_CHUNK_FRAMING;
        return 0;
      default: // BODY_UNTIL_CLOSE
        this.keepAlive = false;
        this.state = M_BODY_EOF;
        return 0;
    }
  }

  private messageDone(i: number): number {
    this.state = M_HEAD;
    this.head.rewind();
    this.complete = true;
    this.awaitingFirstByte = true;
    return i;
  }

  private fail(message: string): number {
    this.failedInHead = this.state === M_HEAD;
    this.state = M_ERROR;
    this.error = message;
    return -1;
  }
}
