// The head of an HTTP/1.x response (status line and field section), parsed byte by byte across any split: it
// keeps only what decides framing and persistence (status, version, Content-Length, Transfer-Encoding, Connection).

import {
  CONTENT_LENGTH_CONFLICT,
  CONTENT_LENGTH_INVALID,
  OPTION_CLOSE,
  OPTION_KEEP_ALIVE,
  connectionOptions,
  finalCodingIsChunked,
  parseContentLength,
} from './response-fields.js';
import { CR, FIELD_CONTENT, HTAB, LF, SP, TCHAR, ascii } from './tokens.js';

const S_START = 0;
const S_PROTO = 1;
const S_MAJOR = 2;
const S_DOT = 3;
const S_MINOR = 4;
const S_SP_STATUS = 5;
const S_STATUS = 6;
const S_AFTER_STATUS = 7;
const S_REASON = 8;
const S_STATUS_LF = 9;
const S_FIELD_START = 10;
const S_NAME = 11;
const S_VALUE_OWS = 12;
const S_VALUE = 13;
const S_FIELD_LF = 14;
const S_HEAD_END_LF = 15;
const S_DONE = 16;
const S_ERROR = 17;

// Field names the client acts on (RFC 9112 §6 framing, §9.3 persistence); everything else is skipped.
const F_OTHER = 0;
const F_CONTENT_LENGTH = 1;
const F_TRANSFER_ENCODING = 2;
const F_CONNECTION = 3;

const NAME_CONTENT_LENGTH = ascii('content-length');
const NAME_TRANSFER_ENCODING = ascii('transfer-encoding');
const NAME_CONNECTION = ascii('connection');
const PROTO = ascii('HTTP/');
const HTTP_1_DOT = ascii('HTTP/1.');

/** Longest field name we keep (the longest we compare is 17 bytes); longer names are simply "other". */
const NAME_SCRATCH = 32;
/** Longest value of a field we act on; a longer Content-Length/Connection/Transfer-Encoding is refused. */
const VALUE_SCRATCH = 512;

/**
 * `execute` returns the index just past the head's final LF (`done` is then true), `end` when it needs more, or -1
 * with `error` set. `rewind()` readies it for the next head; its fields are cleared when that head's first byte
 * arrives, so they stay readable until then.
 */
export class ResponseHead {
  done = false;
  error: string | null = null;
  statusCode = 0;
  versionMinor = 0;
  /** -1 when absent. */
  contentLength = -1;
  hasTransferEncoding = false;
  /** Transfer-Encoding's final coding is chunked. */
  chunked = false;
  connectionClose = false;
  connectionKeepAlive = false;
  /** Bytes of this head so far (status line + fields). */
  headBytes = 0;
  private state = S_START;
  private readonly maxHeadBytes: number;
  private index = 0;
  private field = F_OTHER;
  private nameLength = 0;
  private valueLength = 0;
  private readonly name = new Uint8Array(NAME_SCRATCH);
  private readonly value = new Uint8Array(VALUE_SCRATCH);

  constructor(maxHeadBytes: number) {
    this.maxHeadBytes = maxHeadBytes;
  }

  /** Between heads (nothing of the next one seen yet). */
  get atStart(): boolean {
    return this.state === S_START;
  }

  rewind(): void {
    this.state = S_START;
    this.done = false;
    this.error = null;
  }

  execute(buf: Uint8Array, offset: number, end: number): number {
    if (this.state === S_ERROR) return -1;
    let i = offset;
    // Count bytes against the limit once per call, not per byte.
    const start = i;
    while (i < end) {
      const st = this.state;
      if (st === S_START && end - i >= 12 && buf[i] === 0x48 && this.statusLineFast(buf, i)) {
        i += 12;
        continue;
      }
      // Span fast paths: field names, values and the reason phrase run in tight loops; the byte that ends the span
      // (colon, CR, LF or an invalid byte) goes through headByte like every other structural byte.
      if (st === S_VALUE) {
        if (this.field === F_OTHER) {
          while (i < end && FIELD_CONTENT[buf[i]!] !== 0) i++;
        } else {
          const value = this.value;
          let n = this.valueLength;
          while (i < end && n < VALUE_SCRATCH) {
            const b = buf[i]!;
            if (FIELD_CONTENT[b] === 0) break;
            value[n++] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
            i++;
          }
          this.valueLength = n;
        }
        if (i === end) break;
      } else if (st === S_NAME) {
        const name = this.name;
        let n = this.nameLength;
        while (i < end) {
          const b = buf[i]!;
          if (TCHAR[b] === 0) break;
          if (n < NAME_SCRATCH) name[n] = b | 0x20;
          n++;
          i++;
        }
        this.nameLength = n;
        if (i === end) break;
      } else if (st === S_REASON) {
        while (i < end && FIELD_CONTENT[buf[i]!] !== 0) i++;
        if (i === end) break;
      }
      const r = this.headByte(buf[i]!);
      i++;
      if (r < 0) return -1;
      if (r > 0) {
        this.headBytes += i - start;
        this.state = S_DONE;
        this.done = true;
        return this.headBytes > this.maxHeadBytes ? this.fail('response head exceeds the size limit') : i;
      }
    }
    this.headBytes += i - start;
    if (this.headBytes > this.maxHeadBytes) return this.fail('response head exceeds the size limit');
    return i;
  }

  /** "HTTP/1.x NNN" whole in the buffer (the usual case): take it in one step instead of twelve. */
  private statusLineFast(buf: Uint8Array, i: number): boolean {
    for (let k = 1; k < 7; k++) if (buf[i + k] !== HTTP_1_DOT[k]) return false;
    const minor = buf[i + 7]! - 0x30;
    const d0 = buf[i + 9]! - 0x30;
    const d1 = buf[i + 10]! - 0x30;
    const d2 = buf[i + 11]! - 0x30;
    if (buf[i + 8] !== SP || (minor | d0 | d1 | d2) < 0 || minor > 9 || d0 > 9 || d1 > 9 || d2 > 9) return false;
    this.resetFields();
    this.versionMinor = minor;
    this.statusCode = d0 * 100 + d1 * 10 + d2;
    this.state = S_AFTER_STATUS;
    return true;
  }

  private resetFields(): void {
    this.statusCode = 0;
    this.versionMinor = 0;
    this.headBytes = 0;
    this.index = 0;
    this.contentLength = -1;
    this.hasTransferEncoding = false;
    this.chunked = false;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.field = F_OTHER;
    this.nameLength = 0;
    this.valueLength = 0;
  }

  private fail(message: string): number {
    this.state = S_ERROR;
    this.error = message;
    return -1;
  }

  /** One byte of the status line or field section. Returns 0 to go on, 1 at the end of the head, -1 on error. */
  private headByte(b: number): number {
    switch (this.state) {
      case S_START:
        // Tolerate stray CRLF between messages (RFC 9112 §2.2 robustness).
        if (b === CR || b === LF) return 0;
        if (b !== PROTO[0]) return this.fail('response does not start with HTTP/');
        this.resetFields();
        this.index = 1;
        this.state = S_PROTO;
        return 0;
      case S_PROTO:
        if (b !== PROTO[this.index]) return this.fail('response does not start with HTTP/');
        if (++this.index === PROTO.length) this.state = S_MAJOR;
        return 0;
      case S_MAJOR:
        if (b !== 0x31) return this.fail('unsupported HTTP major version (only HTTP/1.x)');
        this.state = S_DOT;
        return 0;
      case S_DOT:
        if (b !== 0x2e) return this.fail('malformed HTTP version');
        this.state = S_MINOR;
        return 0;
      case S_MINOR:
        if (b < 0x30 || b > 0x39) return this.fail('malformed HTTP version');
        this.versionMinor = b - 0x30;
        this.state = S_SP_STATUS;
        return 0;
      case S_SP_STATUS:
        if (b !== SP) return this.fail('malformed status line');
        this.index = 0;
        this.state = S_STATUS;
        return 0;
      case S_STATUS:
        if (b < 0x30 || b > 0x39) return this.fail('status code is not three digits');
        this.statusCode = this.statusCode * 10 + (b - 0x30);
        if (++this.index === 3) this.state = S_AFTER_STATUS;
        return 0;
      case S_AFTER_STATUS:
        // RFC 9112 §4: SP reason-phrase, but some servers omit the SP as well as the phrase.
        if (b === SP) this.state = S_REASON;
        else if (b === CR) this.state = S_STATUS_LF;
        else if (b === LF) this.state = S_FIELD_START;
        else return this.fail('malformed status line');
        return 0;
      case S_REASON:
        if (b === CR) this.state = S_STATUS_LF;
        else if (b === LF) this.state = S_FIELD_START;
        else if (FIELD_CONTENT[b] === 0) return this.fail('invalid byte in reason phrase');
        return 0;
      case S_STATUS_LF:
      case S_FIELD_LF:
        if (b !== LF) return this.fail('bare CR in response head');
        this.state = S_FIELD_START;
        return 0;
      case S_FIELD_START:
        if (b === SP || b === HTAB) {
          // obs-fold (RFC 9112 §5.2): a user agent replaces it with SP; continue the previous value.
          if (this.nameLength === 0) return this.fail('obs-fold before any field');
          if (this.field !== F_OTHER && !this.appendValue(SP)) return -1;
          this.state = S_VALUE_OWS;
          return 0;
        }
        if (this.field !== F_OTHER && !this.endField()) return -1;
        this.field = F_OTHER;
        if (b === CR) {
          this.state = S_HEAD_END_LF;
          return 0;
        }
        if (b === LF) return 1;
        if (TCHAR[b] === 0) return this.fail('invalid byte in field name');
        this.name[0] = b | 0x20;
        this.nameLength = 1;
        this.state = S_NAME;
        return 0;
      case S_NAME:
        if (b === 0x3a) {
          this.field = this.identifyField();
          this.valueLength = 0;
          this.state = S_VALUE_OWS;
          return 0;
        }
        // RFC 9112 §5.1: no whitespace between field name and colon.
        if (TCHAR[b] === 0) return this.fail('invalid byte in field name');
        if (this.nameLength < NAME_SCRATCH) this.name[this.nameLength] = b | 0x20;
        this.nameLength++;
        return 0;
      case S_VALUE_OWS:
        if (b === SP || b === HTAB) return 0;
        this.state = S_VALUE;
        return this.valueByte(b);
      case S_VALUE:
        return this.valueByte(b);
      case S_HEAD_END_LF:
        if (b !== LF) return this.fail('bare CR in response head');
        return 1;
      default:
        return this.fail('parser in an impossible state');
    }
  }

  /** A field-value byte: trailing OWS is trimmed later, framing fields are copied (lower-cased) to scratch. */
  private valueByte(b: number): number {
    if (b === CR) {
      this.state = S_FIELD_LF;
      return 0;
    }
    if (b === LF) {
      this.state = S_FIELD_START;
      return 0;
    }
    if (FIELD_CONTENT[b] === 0) return this.fail('invalid byte in field value');
    if (this.field !== F_OTHER && !this.appendValue(b)) return -1;
    return 0;
  }

  private appendValue(b: number): boolean {
    if (this.valueLength === VALUE_SCRATCH) {
      this.fail('framing field value too long');
      return false;
    }
    // Lower-case letters only; the fields we act on are case-insensitive tokens or digits.
    this.value[this.valueLength++] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
    return true;
  }

  private identifyField(): number {
    const n = this.nameLength;
    if (n === 14 && sameBytes(this.name, NAME_CONTENT_LENGTH, 0, n)) return F_CONTENT_LENGTH;
    if (n === 10 && sameBytes(this.name, NAME_CONNECTION, 0, n)) return F_CONNECTION;
    if (n === 17 && sameBytes(this.name, NAME_TRANSFER_ENCODING, 0, n)) return F_TRANSFER_ENCODING;
    return F_OTHER;
  }

  /** A framing field's value is complete (called when the next line is not an obs-fold). */
  private endField(): boolean {
    const value = this.value;
    let n = this.valueLength;
    while (n > 0 && (value[n - 1] === SP || value[n - 1] === HTAB)) n--;
    if (this.field === F_CONTENT_LENGTH) {
      const length = parseContentLength(value, n);
      if (length === CONTENT_LENGTH_INVALID) return this.fail('invalid Content-Length') === 0;
      // RFC 9110 §8.6 / RFC 9112 §6.3 rule 5: differing lengths make the framing unknowable, which is fatal.
      if (length === CONTENT_LENGTH_CONFLICT || (this.contentLength >= 0 && this.contentLength !== length)) {
        return this.fail('conflicting Content-Length values') === 0;
      }
      this.contentLength = length;
    } else if (this.field === F_CONNECTION) {
      const options = connectionOptions(value, n);
      if ((options & OPTION_CLOSE) !== 0) this.connectionClose = true;
      if ((options & OPTION_KEEP_ALIVE) !== 0) this.connectionKeepAlive = true;
    } else {
      // Several Transfer-Encoding fields form one list: the last coding seen is the final one.
      const chunked = finalCodingIsChunked(value, n);
      if (chunked !== null) {
        this.hasTransferEncoding = true;
        this.chunked = chunked;
      }
    }
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[start + i] !== b[i]) return false;
  return true;
}
