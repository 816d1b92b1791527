// The head of an HTTP/1.x response (status line and field section), parsed byte by byte across any split: it
// keeps only what decides framing and persistence (status, version, Content-Length, Transfer-Encoding, Connection),
// read with the rules the request parser uses too (rules/).

import * as bytes from './rules/bytes.js';
import { noteConnectionOptions, type ConnectionOptions } from './rules/connection.js';
import {
  CONTENT_LENGTH_ABSENT,
  CONTENT_LENGTH_CONFLICT,
  CONTENT_LENGTH_HUGE,
  REASON_CONTENT_LENGTH_CONFLICT,
  REASON_CONTENT_LENGTH_HUGE,
  REASON_CONTENT_LENGTH_INVALID,
  foldContentLength,
} from './rules/content-length.js';
import * as names from './rules/field-names.js';
import { tallyTransferCodings, type TransferCodings } from './rules/transfer-coding.js';

// Module-local copies of what is tested byte by byte: V8 reloads an imported binding, with a TDZ check, at every use.
const { CR, FIELD_CONTENT, HTAB, LF, SP, TCHAR, ascii } = bytes;
const { FIELD_CONNECTION, FIELD_CONTENT_LENGTH, FIELD_OTHER, FIELD_TRANSFER_ENCODING, fieldName } = names;

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

const PROTO = ascii('HTTP/');
const HTTP_1_DOT = ascii('HTTP/1.');

/** Longest field name we keep (the longest fieldName knows is 17 bytes); longer names are simply "other". */
const NAME_SCRATCH = 32;
/** Longest value of a field we act on; a longer Content-Length/Connection/Transfer-Encoding is refused. */
const VALUE_SCRATCH = 512;

/**
 * `execute` returns the index just past the head's final LF (`done` is then true), `end` when it needs more, or -1
 * with `error` set. `rewind()` readies it for the next head; its fields are cleared when that head's first byte
 * arrives, so they stay readable until then.
 */
export class ResponseHead implements ConnectionOptions, TransferCodings {
  done = false;
  error: string | null = null;
  statusCode = 0;
  versionMinor = 0;
  /** CONTENT_LENGTH_ABSENT (-1) when absent. */
  contentLength = CONTENT_LENGTH_ABSENT;
  /** Transfer-Encoding tally (rules/transfer-coding.ts); teElements is 0 without one. */
  teElements = 0;
  teChunkedCount = 0;
  teLastIsChunked = false;
  connectionClose = false;
  connectionKeepAlive = false;
  /** Bytes of this head so far (status line + fields). */
  headBytes = 0;
  private state = S_START;
  private readonly maxHeadBytes: number;
  private index = 0;
  /** The framing field whose value is being collected (a FIELD_ constant), or FIELD_OTHER. */
  private field = FIELD_OTHER;
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
        if (this.field === FIELD_OTHER) {
          while (i < end && FIELD_CONTENT[buf[i]!] !== 0) i++;
        } else {
          const value = this.value;
          let n = this.valueLength;
          while (i < end && n < VALUE_SCRATCH) {
            const b = buf[i]!;
            if (FIELD_CONTENT[b] === 0) break;
            value[n++] = b;
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
          if (n < NAME_SCRATCH) name[n] = b;
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
    this.contentLength = CONTENT_LENGTH_ABSENT;
    this.teElements = 0;
    this.teChunkedCount = 0;
    this.teLastIsChunked = false;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.field = FIELD_OTHER;
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
          if (this.field !== FIELD_OTHER && !this.appendValue(SP)) return -1;
          this.state = S_VALUE_OWS;
          return 0;
        }
        if (this.field !== FIELD_OTHER && !this.endField()) return -1;
        this.field = FIELD_OTHER;
        if (b === CR) {
          this.state = S_HEAD_END_LF;
          return 0;
        }
        if (b === LF) return 1;
        if (TCHAR[b] === 0) return this.fail('invalid byte in field name');
        this.name[0] = b;
        this.nameLength = 1;
        this.state = S_NAME;
        return 0;
      case S_NAME:
        if (b === 0x3a) {
          this.field = this.framingField();
          this.valueLength = 0;
          this.state = S_VALUE_OWS;
          return 0;
        }
        // RFC 9112 §5.1: no whitespace between field name and colon.
        if (TCHAR[b] === 0) return this.fail('invalid byte in field name');
        if (this.nameLength < NAME_SCRATCH) this.name[this.nameLength] = b;
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
    if (this.field !== FIELD_OTHER && !this.appendValue(b)) return -1;
    return 0;
  }

  private appendValue(b: number): boolean {
    if (this.valueLength === VALUE_SCRATCH) {
      this.fail('framing field value too long');
      return false;
    }
    this.value[this.valueLength++] = b;
    return true;
  }

  /** The field just named, if it is one the client acts on (RFC 9112 §6 framing, §9.3 persistence); else FIELD_OTHER. */
  private framingField(): number {
    const field = fieldName(this.name, 0, this.nameLength);
    return field === FIELD_CONTENT_LENGTH || field === FIELD_TRANSFER_ENCODING || field === FIELD_CONNECTION ? field : FIELD_OTHER;
  }

  /**
   * A framing field's value is complete (the next line is not an obs-fold): apply it with the shared rules, which
   * trim each list element's OWS, so trailing OWS needs no pass of its own.
   */
  private endField(): boolean {
    const value = this.value;
    const n = this.valueLength;
    if (this.field === FIELD_CONTENT_LENGTH) {
      const length = foldContentLength(this.contentLength, value, 0, n);
      if (length < 0) {
        return this.fail(length === CONTENT_LENGTH_CONFLICT ? REASON_CONTENT_LENGTH_CONFLICT : REASON_CONTENT_LENGTH_INVALID) === 0;
      }
      // Unlike a request (a 413), a response cannot be read without its exact length.
      if (length === CONTENT_LENGTH_HUGE) return this.fail(REASON_CONTENT_LENGTH_HUGE) === 0;
      this.contentLength = length;
    } else if (this.field === FIELD_CONNECTION) {
      noteConnectionOptions(this, value, 0, n);
    } else {
      // A coding list the client cannot parse is tallied as not ending in chunked: the body is then delimited by
      // close (RFC 9112 §6.3 rule 4), which needs no trust in the list.
      tallyTransferCodings(this, value, 0, n);
    }
    return true;
  }
}
