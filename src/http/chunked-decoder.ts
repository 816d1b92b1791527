// Incremental decoder of a chunked response body (RFC 9112 §7.1): sizes, ignored extensions, data, trailers.

import { CR, FIELD_CONTENT, HEX_VALUE, HTAB, LF, SP } from './tokens.js';

const C_SIZE = 0;
const C_EXT = 1;
const C_SIZE_LF = 2;
const C_DATA = 3;
const C_DATA_CR = 4;
const C_DATA_LF = 5;
const C_TRAILER_START = 6;
const C_TRAILER_LINE = 7;
const C_TRAILER_END_LF = 8;

/** 2^53: chunk sizes beyond exact doubles are refused. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Survives a split at any byte and never copies: data is skipped in spans, framing bytes walked one at a time.
 * `execute` returns the index just past the body when it ends (`done` is then true), `end` when it needs more input,
 * or -1 with `error` set. The payload is counted in `dataBytes`, not kept.
 */
export class ChunkedDecoder {
  done = false;
  dataBytes = 0;
  error: string | null = null;
  private state = C_SIZE;
  private remaining = 0;
  private sawDigit = false;
  private trailerBytes = 0;
  private readonly maxTrailerBytes: number;

  constructor(maxTrailerBytes: number) {
    this.maxTrailerBytes = maxTrailerBytes;
  }

  reset(): void {
    this.done = false;
    this.dataBytes = 0;
    this.error = null;
    this.state = C_SIZE;
    this.remaining = 0;
    this.sawDigit = false;
    this.trailerBytes = 0;
  }

  execute(buf: Uint8Array, offset: number, end: number): number {
    let i = offset;
    while (i < end) {
      if (this.state === C_DATA) {
        const take = Math.min(this.remaining, end - i);
        i += take;
        this.remaining -= take;
        this.dataBytes += take;
        if (this.remaining === 0) this.state = C_DATA_CR;
        continue;
      }
      const r = this.framingByte(buf[i]!);
      i++;
      if (r < 0) return -1;
      if (r > 0) {
        this.done = true;
        return i;
      }
    }
    return i;
  }

  private fail(message: string): number {
    this.error = message;
    return -1;
  }

  /** Returns 0 to go on, 1 when the body (last chunk and trailers) ended, -1 on error. */
  private framingByte(b: number): number {
    switch (this.state) {
      case C_SIZE: {
        const digit = HEX_VALUE[b]!;
        if (digit !== 255) {
          this.remaining = this.remaining * 16 + digit;
          this.sawDigit = true;
          return this.remaining > MAX_SIZE ? this.fail('chunk size too large') : 0;
        }
        if (!this.sawDigit) return this.fail('invalid chunk size');
        if (b === CR) this.state = C_SIZE_LF;
        else if (b === LF) this.sizeLineDone();
        else if (b === 0x3b || b === SP || b === HTAB) this.state = C_EXT;
        else return this.fail('invalid chunk size');
        return 0;
      }
      case C_EXT:
        // chunk-ext is ignored (RFC 9112 §7.1.1: a recipient MUST ignore unrecognized extensions); only its end matters.
        if (b === CR) this.state = C_SIZE_LF;
        else if (b === LF) this.sizeLineDone();
        else if (FIELD_CONTENT[b] === 0) return this.fail('invalid byte in chunk extension');
        return 0;
      case C_SIZE_LF:
        if (b !== LF) return this.fail('bare CR in chunk size line');
        this.sizeLineDone();
        return 0;
      case C_DATA_CR:
        if (b === CR) this.state = C_DATA_LF;
        else if (b === LF) this.nextChunk();
        else return this.fail('chunk data not followed by CRLF');
        return 0;
      case C_DATA_LF:
        if (b !== LF) return this.fail('chunk data not followed by CRLF');
        this.nextChunk();
        return 0;
      case C_TRAILER_START:
        if (b === CR) this.state = C_TRAILER_END_LF;
        else if (b === LF) return 1;
        else this.state = C_TRAILER_LINE;
        return this.countTrailer();
      case C_TRAILER_LINE:
        // Trailer fields (RFC 9112 §7.1.2) are consumed, not interpreted.
        if (b === LF) this.state = C_TRAILER_START;
        return this.countTrailer();
      default: // C_TRAILER_END_LF
        return b === LF ? 1 : this.fail('bare CR after trailers');
    }
  }

  private sizeLineDone(): void {
    this.state = this.remaining === 0 ? C_TRAILER_START : C_DATA;
  }

  private nextChunk(): void {
    this.state = C_SIZE;
    this.remaining = 0;
    this.sawDigit = false;
  }

  private countTrailer(): number {
    return ++this.trailerBytes > this.maxTrailerBytes ? this.fail('trailer section exceeds the size limit') : 0;
  }
}
