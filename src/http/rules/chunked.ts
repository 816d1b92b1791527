// Chunked transfer coding framing (RFC 9112 §7.1): chunk-size lines with their extensions and bounds, and the CRLF
// after chunk data, scanned byte by byte across any split. Chunk data and the trailer section (trailers.ts) are the
// caller's.

import * as bytes from './bytes.js';

// Module-local copies for the byte loops: V8 reloads an imported binding, with a TDZ check, at every use.
const { BACKSLASH, CR, DQUOTE, EQUALS, FIELD_CONTENT, HEX_VALUE, HTAB, LF, QDTEXT, SEMI, SP, TCHAR } = bytes;

/** Largest chunk size kept exactly (2^53 - 1); a larger one is CHUNK_TOO_LARGE, over every body limit anyway. */
export const CHUNK_SIZE_MAX = Number.MAX_SAFE_INTEGER;
/**
 * Longest chunk-size line, extensions and CRLF included. No sender needs more, and leading zeros or extensions would
 * otherwise let a peer make us scan without end for nothing.
 */
export const CHUNK_LINE_MAX_BYTES = 4096;

/** Returned when the input ran out first: every byte was consumed; call again with the next read. */
export const CHUNK_NEED_MORE = -1;
/** Returned on malformed framing: `error` says why, and the scanner stays failed until `start()`. */
export const CHUNK_FAILED = -2;

// Error codes (`error`), each with its reason in CHUNK_REASONS.
export const CHUNK_OK = 0;
export const CHUNK_BAD_SIZE = 1;
export const CHUNK_TOO_LARGE = 2;
export const CHUNK_BAD_EXTENSION = 3;
export const CHUNK_BARE_CR = 4;
export const CHUNK_BARE_LF = 5;
export const CHUNK_LINE_TOO_LONG = 6;
export const CHUNK_DATA_NOT_CRLF = 7;

/** Why, indexed by error code. */
export const CHUNK_REASONS: readonly string[] = Object.freeze([
  '',
  'invalid chunk size',
  'chunk size too large',
  'invalid chunk extension',
  'bare CR in a chunk-size line',
  'bare LF ending a chunk-size line',
  'chunk-size line too long',
  'chunk data not followed by CRLF',
]);

// States. Those from S_SIZE_FIRST on are inside a chunk-size line, whose bytes count against CHUNK_LINE_MAX_BYTES.
const S_DATA_CR = 0; // a chunk's data was read: its CR, or (lenient) a bare LF
const S_DATA_LF = 1;
const S_LAST = 2; // the last chunk's size line ended: the trailer section follows, not for this scanner
const S_FAILED = 3;
const S_SIZE_FIRST = 4; // chunk-size = 1*HEXDIG
const S_SIZE = 5;
const S_LINE_LF = 6; // CR seen; LF ends the line
const S_EXT_ANY = 7; // lenient: the rest of the line is extensions, only checked for field-content bytes
// Strict: chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string (§7.1.1).
const S_BWS_SEMI = 8; // BWS, then ";"
const S_BWS_NAME = 9; // after ";": BWS, then ext-name
const S_NAME = 10;
const S_BWS_EQUALS = 11; // after ext-name and BWS: "=" or the next ";"
const S_BWS_VALUE = 12; // after "=": BWS, then token or quoted-string
const S_TOKEN = 13;
const S_QUOTED = 14;
const S_QUOTED_PAIR = 15;
const S_AFTER_VALUE = 16; // after a quoted-string: CRLF, BWS or ";"

/**
 * The framing of one chunked body, for either parser. A body goes: `start()`, then `execute` over the bytes up to a
 * chunk-size line's end (the CRLF after the previous chunk's data first), `size` bytes of data read by the caller,
 * `execute` again, ... until a size of 0, after which the trailer section follows (trailers.ts). Nothing is copied and
 * nothing allocated.
 *
 * Strict (the server; request smuggling defence): CRLF only, and extensions must match the §7.1.1 grammar.
 * Lenient (the client): a bare LF ends a line as RFC 9112 §2.2 lets a recipient accept, and extensions are only
 * checked for field-content bytes, since a recipient MUST ignore extensions it does not recognise (§7.1.1) and the
 * client recognises none. Both refuse a bare CR, sizes over CHUNK_SIZE_MAX and lines over CHUNK_LINE_MAX_BYTES.
 */
export class ChunkFraming {
  /** Size in bytes of the chunk whose size line ended last; 0 for the last chunk (the trailer section follows). */
  size = 0;
  /** Why scanning failed: a CHUNK_ error code; CHUNK_OK until then. */
  error = CHUNK_OK;
  private state = S_SIZE_FIRST;
  private lineBytes = 0;

  /** @param lenient the client's reading (see the class comment); false for the server's. */
  constructor(private readonly lenient: boolean) {}

  /** A chunked body begins: its first chunk-size line comes next. */
  start(): void {
    this.state = S_SIZE_FIRST;
    this.size = 0;
    this.error = CHUNK_OK;
    this.lineBytes = 0;
  }

  /**
   * Scan buf[offset, end) up to the end of the next chunk-size line, after the CRLF that ends the previous chunk's
   * data (call it only once that data is read). Returns the index just past the line's LF, with `size` set;
   * CHUNK_NEED_MORE when the input ran out first; or CHUNK_FAILED.
   */
  execute(buf: Uint8Array, offset: number, end: number): number {
    const state = this.state;
    if (state === S_FAILED) return CHUNK_FAILED;
    if (state === S_DATA_CR || state === S_SIZE_FIRST) return this.lineStart(buf, offset, end, state === S_DATA_CR);
    return this.scan(buf, offset, end);
  }

  /**
   * A chunk-size line from its start (after the CRLF that ends the previous chunk's data, when `afterData`), in one
   * pass for the usual case: 1*HEXDIG CRLF whole in buf, at most 13 digits (below 2^52, so neither bound is reached).
   * Anything else (an extension, a line cut by the end of the read, an error) goes on in `scan` from the byte where
   * this pass stopped, with what it read, so no byte is read twice. Same returns as `execute`.
   */
  private lineStart(buf: Uint8Array, offset: number, end: number, afterData: boolean): number {
    let i = offset;
    if (afterData) {
      if (end - i < 2 || buf[i] !== CR || buf[i + 1] !== LF) return this.scan(buf, offset, end);
      i += 2;
    }
    const start = i;
    let size = 0;
    for (; i < end; i++) {
      const digit = HEX_VALUE[buf[i]!]!;
      if (digit === 255) break;
      size = size * 16 + digit;
    }
    const digits = i - start;
    if (digits > 0 && digits <= 13 && end - i >= 2 && buf[i] === CR && buf[i + 1] === LF) {
      this.size = size;
      this.lineDone();
      return i + 2;
    }
    // Hand over: the size so far (scan applies the bound), and the line's bytes so far (scan applies that bound too).
    this.size = size;
    this.state = digits > 0 ? S_SIZE : S_SIZE_FIRST;
    this.lineBytes = digits;
    return this.scan(buf, i, end);
  }

  private fail(error: number): number {
    this.error = error;
    this.state = S_FAILED;
    return CHUNK_FAILED;
  }

  /** A chunk-size line ended: the chunk's data comes next, or, after the last chunk, nothing more for this scanner. */
  private lineDone(): void {
    this.state = this.size === 0 ? S_LAST : S_DATA_CR;
  }

  /**
   * The scan for every other case (extensions, a line cut by the end of a read, errors), resumable at any byte: one
   * loop over locals stored back on exit, with runs of digits, token and quoted-string bytes taken in inner loops.
   * The line's length is added up on exit. Same returns as `execute`.
   */
  private scan(buf: Uint8Array, offset: number, end: number): number {
    const lenient = this.lenient;
    let state = this.state;
    let size = this.size;
    let error = CHUNK_OK;
    let done = false;
    let i = offset;
    // Where this call's share of the current chunk-size line began (-1 while still in the CRLF after data), and
    // what earlier calls saw of it.
    let lineStart = state >= S_SIZE_FIRST ? i : -1;
    const carried = state >= S_SIZE_FIRST ? this.lineBytes : 0;
    line: while (i < end) {
      switch (state) {
        case S_SIZE: {
          for (; i < end; i++) {
            const digit = HEX_VALUE[buf[i]!]!;
            if (digit === 255) break;
            size = size * 16 + digit;
          }
          // Leading zeros never overflow; once past the bound the double only grows, so one test per run suffices.
          if (size > CHUNK_SIZE_MAX) error = CHUNK_TOO_LARGE;
          if (i === end || error !== CHUNK_OK) break line;
          const b = buf[i++]!;
          if (b === CR) state = S_LINE_LF;
          else if (b === LF) {
            if (lenient) done = true;
            else error = CHUNK_BARE_LF;
          } else if (b === SEMI) state = lenient ? S_EXT_ANY : S_BWS_NAME;
          else if (b === SP || b === HTAB) state = lenient ? S_EXT_ANY : S_BWS_SEMI;
          else error = CHUNK_BAD_SIZE;
          break;
        }
        case S_LINE_LF:
          if (buf[i++] === LF) done = true;
          else error = CHUNK_BARE_CR;
          break;
        case S_DATA_CR: {
          const b = buf[i++];
          if (b === CR) state = S_DATA_LF;
          else if (b === LF && lenient) {
            state = S_SIZE_FIRST;
            lineStart = i;
          } else error = CHUNK_DATA_NOT_CRLF;
          break;
        }
        case S_DATA_LF:
          if (buf[i++] !== LF) error = CHUNK_DATA_NOT_CRLF;
          state = S_SIZE_FIRST;
          lineStart = i;
          break;
        case S_SIZE_FIRST:
          size = HEX_VALUE[buf[i++]!]!;
          if (size === 255) error = CHUNK_BAD_SIZE;
          state = S_SIZE;
          break;
        case S_EXT_ANY: {
          // Lenient only: extension bytes are field-content; a LF alone ends the line too (RFC 9112 §2.2).
          while (i < end && FIELD_CONTENT[buf[i]!] !== 0) i++;
          if (i === end) break line;
          const b = buf[i++];
          if (b === CR) state = S_LINE_LF;
          else if (b === LF) done = true;
          else error = CHUNK_BAD_EXTENSION;
          break;
        }
        case S_NAME:
        case S_TOKEN: {
          while (i < end && TCHAR[buf[i]!] === 1) i++;
          if (i === end) break line;
          const b = buf[i++]!;
          if (state === S_NAME && b === EQUALS) state = S_BWS_VALUE;
          else if (state === S_NAME && (b === SP || b === HTAB)) state = S_BWS_EQUALS;
          else state = afterExtension(b);
          break;
        }
        case S_QUOTED: {
          // quoted-string (RFC 9110 §5.6.4): qdtext or a quoted-pair; a CR or LF inside is an error, not a line end.
          while (i < end && QDTEXT[buf[i]!] === 1) i++;
          if (i === end) break line;
          const b = buf[i++];
          if (b === DQUOTE) state = S_AFTER_VALUE;
          else if (b === BACKSLASH) state = S_QUOTED_PAIR;
          else error = CHUNK_BAD_EXTENSION;
          break;
        }
        case S_QUOTED_PAIR: {
          const b = buf[i++]!;
          if (b !== HTAB && (b < 0x20 || b === 0x7f)) error = CHUNK_BAD_EXTENSION;
          state = S_QUOTED;
          break;
        }
        case S_AFTER_VALUE:
          state = afterExtension(buf[i++]!);
          break;
        case S_BWS_SEMI: {
          const b = buf[i++];
          if (b === SEMI) state = S_BWS_NAME;
          else if (b !== SP && b !== HTAB) error = CHUNK_BAD_EXTENSION;
          break;
        }
        case S_BWS_NAME: {
          const b = buf[i++]!;
          if (TCHAR[b] === 1) state = S_NAME;
          else if (b !== SP && b !== HTAB) error = CHUNK_BAD_EXTENSION;
          break;
        }
        case S_BWS_EQUALS: {
          // BWS after a name leads to "=" or the next ";", never to the line's end.
          const b = buf[i++];
          if (b === EQUALS) state = S_BWS_VALUE;
          else if (b === SEMI) state = S_BWS_NAME;
          else if (b !== SP && b !== HTAB) error = CHUNK_BAD_EXTENSION;
          break;
        }
        case S_BWS_VALUE: {
          const b = buf[i++]!;
          if (b === DQUOTE) state = S_QUOTED;
          else if (TCHAR[b] === 1) state = S_TOKEN;
          else if (b !== SP && b !== HTAB) error = CHUNK_BAD_EXTENSION;
          break;
        }
        default:
          // S_LAST: called again after the last chunk (a caller's mistake), refused rather than guessed.
          error = CHUNK_BAD_SIZE;
      }
      if (state < 0) error = -state;
      if (error !== CHUNK_OK || done) break;
    }
    this.size = size;
    if (lineStart >= 0) {
      // Limits apply to an incomplete line too, so a peer cannot keep us scanning one line without end.
      this.lineBytes = carried + (i - lineStart);
      if (error === CHUNK_OK && this.lineBytes > CHUNK_LINE_MAX_BYTES) error = CHUNK_LINE_TOO_LONG;
    }
    if (error !== CHUNK_OK) return this.fail(error);
    if (!done) {
      this.state = state;
      return CHUNK_NEED_MORE;
    }
    this.lineDone();
    return i;
  }
}

/**
 * Strict chunk-ext: the byte after an ext-name or ext-val. CRLF ends the line, ";" starts the next extension, BWS
 * leads to ";". Returns the next state, or a CHUNK_ error code negated.
 */
function afterExtension(b: number): number {
  if (b === CR) return S_LINE_LF;
  if (b === SEMI) return S_BWS_NAME;
  if (b === SP || b === HTAB) return S_BWS_SEMI;
  return b === LF ? -CHUNK_BARE_LF : -CHUNK_BAD_EXTENSION;
}
