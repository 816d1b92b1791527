// Message framing cases run against both parsers (framing.test.ts): one field section and body, the outcome as a
// request and as a response. Where the RFC's rule is the same in both directions one expectation serves both.

/** The message completes with `body` payload bytes and the connection may carry another (`persist`, RFC 9112 §9.3). */
export interface Completes {
  readonly body: number;
  readonly persist: boolean;
}

/** Responses only: the body runs until the server closes (RFC 9112 §6.3 rules 4 and 8); `untilClose` bytes by EOF. */
export interface UntilClose {
  readonly untilClose: number;
}

/** The message is refused: the request with `status`, both parsers with a reason matching `reason`. */
export interface Refused {
  readonly status: 400 | 413 | 431;
  readonly reason: RegExp;
}

export type RequestOutcome = Completes | Refused;
export type ResponseOutcome = Completes | UntilClose | Refused;

export interface FramingCase {
  readonly name: string;
  /** HTTP/1.x minor version of the start line (default 1). */
  readonly minor?: 0 | 1;
  /** Field lines, each with its line ending; the request gets `Host: t` before them. */
  readonly fields: string;
  /** What follows the empty line that ends the header section. */
  readonly body?: string;
  readonly request: RequestOutcome;
  readonly response: ResponseOutcome;
}

/** Header section limit for both parsers (request maxHeaderBytes, response maxHeadBytes), so trailer bounds compare. */
export const HEAD_LIMIT = 1024;
/** The longest chunk-size line, CRLF included (RFC 9112 §7.1 sets none; both parsers share this one). */
const CHUNK_LINE_LIMIT = 4096;

const ok = (body: number, persist = true): Completes => ({ body, persist });
const refused = (status: Refused['status'], reason: RegExp): Refused => ({ status, reason });
/** The same outcome in both directions. */
const both = (outcome: Completes | Refused): Pick<FramingCase, 'request' | 'response'> => ({ request: outcome, response: outcome });

const CHUNKED = 'Transfer-Encoding: chunked\r\n';
const HELLO_CHUNKED = '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';

export const FRAMING_CASES: readonly FramingCase[] = [
  // Content-Length (RFC 9110 §8.6; RFC 9112 §6.3 rules 5 and 6).
  { name: 'Content-Length', fields: 'Content-Length: 5\r\n', body: 'hello', ...both(ok(5)) },
  { name: 'Content-Length zero', fields: 'Content-Length: 0\r\n', ...both(ok(0)) },
  { name: 'Content-Length with leading zeros', fields: 'Content-Length: 005\r\n', body: 'hello', ...both(ok(5)) },
  { name: 'Content-Length with OWS around the value', fields: 'Content-Length: \t 5 \t\r\n', body: 'hello', ...both(ok(5)) },
  { name: 'Content-Length list of identical values', fields: 'Content-Length: 5,5 , 5\r\n', body: 'hello', ...both(ok(5)) },
  {
    name: 'identical Content-Length lines, any case',
    fields: 'Content-Length: 5\r\ncontent-LENGTH: 05\r\n',
    body: 'hello',
    ...both(ok(5)),
  },
  { name: 'differing Content-Length lines', fields: 'Content-Length: 5\r\nContent-Length: 6\r\n', body: 'hello!', ...both(refused(400, /Content-Length/)) },
  { name: 'differing Content-Length list', fields: 'Content-Length: 5, 6\r\n', body: 'hello!', ...both(refused(400, /Content-Length/)) },
  { name: 'non-numeric Content-Length', fields: 'Content-Length: 5a\r\n', body: 'hello', ...both(refused(400, /Content-Length/)) },
  { name: 'signed Content-Length', fields: 'Content-Length: +5\r\n', body: 'hello', ...both(refused(400, /Content-Length/)) },
  { name: 'negative Content-Length', fields: 'Content-Length: -1\r\n', ...both(refused(400, /Content-Length/)) },
  { name: 'Content-Length with inner whitespace', fields: 'Content-Length: 1 2\r\n', ...both(refused(400, /Content-Length/)) },
  { name: 'empty Content-Length', fields: 'Content-Length:\r\n', ...both(refused(400, /Content-Length/)) },
  { name: 'empty element in a Content-Length list', fields: 'Content-Length: 5,\r\n', body: 'hello', ...both(refused(400, /Content-Length/)) },
  {
    // Beyond 2^53 - 1 a length is not exact: over every body limit for a request, unusable framing for a response.
    name: 'Content-Length over 2^53',
    fields: 'Content-Length: 99999999999999999999\r\n',
    request: refused(413, /limit/),
    response: refused(400, /Content-Length/),
  },

  // Transfer-Encoding (RFC 9112 §6.1; §6.3 rules 3 and 4).
  { name: 'chunked', fields: CHUNKED, body: HELLO_CHUNKED, ...both(ok(11)) },
  { name: 'chunked in any case', fields: 'Transfer-Encoding: CHUNKED\r\n', body: HELLO_CHUNKED, ...both(ok(11)) },
  { name: 'codings ending in chunked', fields: 'Transfer-Encoding: gzip, chunked\r\n', body: HELLO_CHUNKED, ...both(ok(11)) },
  {
    name: 'codings over two lines, empty elements',
    fields: 'Transfer-Encoding: gzip,\r\nTransfer-Encoding: , chunked\r\n',
    body: HELLO_CHUNKED,
    ...both(ok(11)),
  },
  {
    name: 'chunked not the final coding',
    fields: 'Transfer-Encoding: chunked, gzip\r\n',
    body: 'xyz',
    request: refused(400, /chunked/),
    response: { untilClose: 3 },
  },
  {
    name: 'only a coding other than chunked',
    fields: 'Transfer-Encoding: gzip\r\n',
    body: 'xyz',
    request: refused(400, /chunked/),
    response: { untilClose: 3 },
  },
  {
    // §6.1: a sender MUST NOT apply chunked twice; a response still ends with one chunked layer (rule 4 reads the final coding).
    name: 'chunked twice',
    fields: 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n',
    body: HELLO_CHUNKED,
    request: refused(400, /chunked/),
    response: ok(11),
  },
  {
    name: 'chunked with a parameter is not chunked',
    fields: 'Transfer-Encoding: chunked;q=1\r\n',
    body: 'xyz',
    request: refused(400, /chunked/),
    response: { untilClose: 3 },
  },
  {
    name: 'coding that is not a token',
    fields: 'Transfer-Encoding: gzip x, chunked\r\n',
    body: HELLO_CHUNKED,
    request: refused(400, /Transfer-Encoding/),
    response: ok(11),
  },
  {
    name: 'Transfer-Encoding listing no coding',
    fields: 'Transfer-Encoding: ,\r\nContent-Length: 3\r\n',
    body: 'abc',
    request: refused(400, /Transfer-Encoding/),
    response: ok(3),
  },
  {
    // Rule 3: Transfer-Encoding overrides Content-Length; a server may refuse, and a client must not reuse the connection.
    name: 'Transfer-Encoding and Content-Length',
    fields: 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n',
    body: HELLO_CHUNKED,
    request: refused(400, /Content-Length and Transfer-Encoding/),
    response: ok(11, false),
  },
  {
    name: 'Transfer-Encoding in HTTP/1.0',
    minor: 0,
    fields: CHUNKED,
    body: HELLO_CHUNKED,
    request: refused(400, /HTTP\/1\.0/),
    response: ok(11, false),
  },
  { name: 'no framing fields', fields: 'X: 1\r\n', request: ok(0), response: { untilClose: 0 } },

  // Chunk sizes and extensions (RFC 9112 §7.1, §7.1.1).
  { name: 'upper-case hex size', fields: CHUNKED, body: 'A\r\n0123456789\r\n0\r\n\r\n', ...both(ok(10)) },
  { name: 'size with many leading zeros', fields: CHUNKED, body: '0000000000000000000005\r\nhello\r\n0\r\n\r\n', ...both(ok(5)) },
  {
    name: 'extensions: token, quoted string with escapes, name only',
    fields: CHUNKED,
    body: '5;a=b;c="d \\"e\\" ;f";g\r\nhello\r\n0;last\r\n\r\n',
    ...both(ok(5)),
  },
  { name: 'extension with BWS around ; and =', fields: CHUNKED, body: '5 ; a = "b" \t;c\r\nhello\r\n0\r\n\r\n', ...both(ok(5)) },
  {
    // §7.1.1: a recipient must ignore extensions it does not know; the client only needs the line's end.
    name: 'extension without a name',
    fields: CHUNKED,
    body: '5;=x\r\nhello\r\n0\r\n\r\n',
    request: refused(400, /chunk/),
    response: ok(5),
  },
  {
    name: 'extension with an unterminated quoted string',
    fields: CHUNKED,
    body: '5;a="b\r\nhello\r\n0\r\n\r\n',
    request: refused(400, /chunk/),
    response: ok(5),
  },
  {
    name: 'extension value with a space',
    fields: CHUNKED,
    body: '5;a=b c\r\nhello\r\n0\r\n\r\n',
    request: refused(400, /chunk/),
    response: ok(5),
  },
  { name: 'whitespace after the size', fields: CHUNKED, body: '5 \r\nhello\r\n0\r\n\r\n', request: refused(400, /chunk/), response: ok(5) },
  { name: 'NUL in an extension', fields: CHUNKED, body: '5;a=\x00\r\nhello\r\n0\r\n\r\n', ...both(refused(400, /chunk/)) },
  { name: 'size that is not hex', fields: CHUNKED, body: 'z\r\nhello\r\n0\r\n\r\n', ...both(refused(400, /chunk.size/)) },
  { name: 'size with a 0x prefix', fields: CHUNKED, body: '0x5\r\nhello\r\n0\r\n\r\n', ...both(refused(400, /chunk/)) },
  { name: 'empty size', fields: CHUNKED, body: '\r\nhello\r\n0\r\n\r\n', ...both(refused(400, /chunk.size/)) },
  {
    name: 'size over 2^53',
    fields: CHUNKED,
    body: 'fffffffffffffffff\r\nhello\r\n0\r\n\r\n',
    request: refused(413, /limit/),
    response: refused(400, /too large/),
  },

  {
    name: 'chunk-size line of 4096 bytes',
    fields: CHUNKED,
    body: `5;${'a'.repeat(CHUNK_LINE_LIMIT - 4)}\r\nhello\r\n0\r\n\r\n`,
    ...both(ok(5)),
  },
  {
    name: 'chunk-size line over 4096 bytes',
    fields: CHUNKED,
    body: `5;${'a'.repeat(CHUNK_LINE_LIMIT - 3)}\r\nhello\r\n0\r\n\r\n`,
    ...both(refused(400, /too long/)),
  },

  // CRLF in chunked framing (RFC 9112 §2.2: a recipient MAY accept a bare LF; a bare CR is never a line end).
  { name: 'bare LF ending a chunk-size line', fields: CHUNKED, body: '5\nhello\r\n0\r\n\r\n', request: refused(400, /bare LF/), response: ok(5) },
  { name: 'bare CR in a chunk-size line', fields: CHUNKED, body: '5\rhello\r\n0\r\n\r\n', ...both(refused(400, /bare CR/)) },
  { name: 'bare LF after chunk data', fields: CHUNKED, body: '5\r\nhello\n0\r\n\r\n', request: refused(400, /CRLF/), response: ok(5) },
  { name: 'bare CR after chunk data', fields: CHUNKED, body: '5\r\nhello\rX0\r\n\r\n', ...both(refused(400, /CRLF/)) },
  { name: 'chunk data longer than its size', fields: CHUNKED, body: '5\r\nhelloX\r\n0\r\n\r\n', ...both(refused(400, /CRLF/)) },

  // Trailers (RFC 9112 §7.1.2): bounded like the header section; the client consumes them without interpreting them.
  { name: 'trailer fields', fields: CHUNKED, body: '5\r\nhello\r\n0\r\nX-A: 1\r\nx-b:2\r\n\r\n', ...both(ok(5)) },
  {
    name: 'trailer section under the limit',
    fields: CHUNKED,
    body: `5\r\nhello\r\n0\r\nX-Pad: ${'p'.repeat(HEAD_LIMIT - 100)}\r\n\r\n`,
    ...both(ok(5)),
  },
  {
    name: 'trailer section over the limit',
    fields: CHUNKED,
    body: `5\r\nhello\r\n0\r\nX-Pad: ${'p'.repeat(HEAD_LIMIT)}\r\n\r\n`,
    request: refused(431, /limit/),
    response: refused(400, /limit/),
  },
  {
    name: 'malformed trailer line',
    fields: CHUNKED,
    body: '5\r\nhello\r\n0\r\nBad Trailer: 1\r\n\r\n',
    request: refused(400, /field name/),
    response: ok(5),
  },
  { name: 'bare LF ending the trailer section', fields: CHUNKED, body: '5\r\nhello\r\n0\r\n\n', request: refused(400, /bare LF/), response: ok(5) },
  {
    // A LF follows: the request parser judges a stashed line when its LF arrives, so every split then agrees.
    name: 'bare CR ending the trailer section',
    fields: CHUNKED,
    body: '5\r\nhello\r\n0\r\n\rX\r\n',
    ...both(refused(400, /bare CR/)),
  },

  // Field syntax (RFC 9110 §5.5, §5.6.1; RFC 9112 §5.1, §5.2).
  {
    // §5.2: a server must reject obs-fold (or replace it); a user agent replaces it with SP.
    name: 'obs-fold',
    fields: 'X: a\r\n b\r\nContent-Length: 0\r\n',
    request: refused(400, /obs-fold/),
    response: ok(0),
  },
  {
    name: 'obs-fold continuing a Connection value',
    fields: 'Connection: keep-alive,\r\n close\r\nContent-Length: 0\r\n',
    request: refused(400, /obs-fold/),
    response: ok(0, false),
  },
  { name: 'whitespace before the colon', fields: 'Content-Length : 5\r\n', body: 'hello', ...both(refused(400, /field name/)) },
  { name: 'bare LF ending a field line', fields: 'Content-Length: 0\n', request: refused(400, /bare LF/), response: ok(0) },
  { name: 'bare CR in a field value', fields: 'X: a\rb\r\nContent-Length: 0\r\n', ...both(refused(400, /bare CR/)) },
  { name: 'NUL in a field value', fields: 'X: a\x00b\r\nContent-Length: 0\r\n', ...both(refused(400, /field value/)) },

  // Connection options (RFC 9110 §7.6.1) and persistence (RFC 9112 §9.3).
  { name: 'HTTP/1.1 persists by default', fields: 'Content-Length: 0\r\n', ...both(ok(0)) },
  { name: 'Connection: close', fields: 'Connection: close\r\nContent-Length: 0\r\n', ...both(ok(0, false)) },
  { name: 'close among other options, any case', fields: 'Connection: Upgrade, CLOSE\r\nContent-Length: 0\r\n', ...both(ok(0, false)) },
  { name: 'options that merely contain close', fields: 'Connection: closed, xclose, close-x\r\nContent-Length: 0\r\n', ...both(ok(0)) },
  { name: 'HTTP/1.0 does not persist by default', minor: 0, fields: 'Content-Length: 0\r\n', ...both(ok(0, false)) },
  { name: 'HTTP/1.0 with keep-alive', minor: 0, fields: 'Connection: Keep-Alive\r\nContent-Length: 0\r\n', ...both(ok(0)) },
  {
    name: 'keep-alive among empty elements and OWS',
    minor: 0,
    fields: 'Connection: , \tkeep-alive ,\r\nContent-Length: 0\r\n',
    ...both(ok(0)),
  },
  {
    name: 'keep-alive and close on two lines',
    minor: 0,
    fields: 'Connection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n',
    ...both(ok(0, false)),
  },
];
