// The trailer section of a chunked body (RFC 9112 §7.1.2): the bound both parsers put on it, and the client's skip.

import * as bytes from './bytes.js';

// Module-local copies for the byte loops: V8 reloads an imported binding, with a TDZ check, at every use.
const { CR, LF } = bytes;

/** `skip` ran out of input first: every byte was consumed; call again with the next read. */
export const TRAILERS_NEED_MORE = -1;
/** `skip` failed: `error` says why. */
export const TRAILERS_FAILED = -2;

export const REASON_TRAILERS_TOO_LARGE = 'trailer section exceeds the size limit';
export const REASON_TRAILERS_BARE_CR = 'bare CR ending the trailer section';

const T_LINE_START = 0; // first byte of a trailer field line, or of the empty line ending the section
const T_LINE = 1;
const T_END_LF = 2;
const T_FAILED = 3;

/**
 * One trailer section at a time: `start()` when a chunked body begins, then either `charge` each field line the
 * caller parsed itself (the server, which checks trailer fields like header fields) or `skip` the whole section (the
 * client). Either way the section, its final empty line included, is held to `maxBytes`: the header section's limit,
 * since §7.1.2 gives trailer fields the syntax and use of header fields, and so a peer the same room.
 */
export class TrailerSection {
  /** Why `skip` failed, or null. */
  error: string | null = null;
  private state = T_LINE_START;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  start(): void {
    this.state = T_LINE_START;
    this.bytes = 0;
    this.error = null;
  }

  /** Add `lineBytes` (a complete field line, CRLF included) to the section; false once it is over the limit. */
  charge(lineBytes: number): boolean {
    this.bytes += lineBytes;
    return this.bytes <= this.maxBytes;
  }

  /** Whether `lineBytes` more (a line still incomplete) would keep the section within the limit. */
  fits(lineBytes: number): boolean {
    return this.bytes + lineBytes <= this.maxBytes;
  }

  /**
   * Skip the section in buf[offset, end) without interpreting it: §7.1.2 lets a recipient discard trailer fields, so
   * only line ends are looked at (a bare LF ends a line, RFC 9112 §2.2; the final empty line's CR must have its LF).
   * Returns the index just past the empty line that ends the section, TRAILERS_NEED_MORE, or TRAILERS_FAILED.
   */
  skip(buf: Uint8Array, offset: number, end: number): number {
    let i = offset;
    let done = false;
    while (i < end && !done) {
      switch (this.state) {
        case T_LINE_START: {
          const b = buf[i++];
          if (b === CR) this.state = T_END_LF;
          else if (b === LF) done = true;
          else this.state = T_LINE;
          break;
        }
        case T_LINE:
          while (i < end && buf[i] !== LF) i++;
          if (i < end) {
            i++;
            this.state = T_LINE_START;
          }
          break;
        case T_END_LF:
          if (buf[i] !== LF) return this.fail(REASON_TRAILERS_BARE_CR);
          i++;
          done = true;
          break;
        default:
          return TRAILERS_FAILED;
      }
    }
    if (!this.charge(i - offset)) return this.fail(REASON_TRAILERS_TOO_LARGE);
    return done ? i : TRAILERS_NEED_MORE;
  }

  private fail(reason: string): number {
    this.error = reason;
    this.state = T_FAILED;
    return TRAILERS_FAILED;
  }
}
