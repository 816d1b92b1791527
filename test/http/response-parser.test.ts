// Response parser: framing (Content-Length, chunked, close), HEAD, 204/304, 1xx, persistence, errors, every split.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser, type ResponseParserOptions } from '../../src/http/response-parser.js';

interface Parsed {
  status: number;
  keepAlive: boolean;
  body: number;
}

interface Outcome {
  messages: Parsed[];
  error: string | null;
  /** finish() result at EOF (only when no error). */
  eof: number | null;
}

/** Feed `input` in pieces cut at `cuts`, then signal EOF when `eof` is set. */
function parse(input: Buffer, cuts: number[], options: ResponseParserOptions = {}, eof = false): Outcome {
  const parser = new ResponseParser(options);
  const messages: Parsed[] = [];
  const bounds = [0, ...cuts, input.length];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const piece = input.subarray(bounds[p]!, bounds[p + 1]!);
    let offset = 0;
    while (offset < piece.length) {
      offset = parser.execute(piece, offset, piece.length);
      if (offset < 0) return { messages, error: parser.error, eof: null };
      if (parser.complete) messages.push({ status: parser.statusCode, keepAlive: parser.keepAlive, body: parser.bodyBytes });
    }
  }
  let end: number | null = null;
  if (eof) {
    end = parser.finish();
    if (end === 1) messages.push({ status: parser.statusCode, keepAlive: parser.keepAlive, body: parser.bodyBytes });
  }
  return { messages, error: null, eof: end };
}

/** The same outcome whole, at every single split position, and byte by byte. */
function parseEverySplit(text: string, options: ResponseParserOptions = {}, eof = false): Outcome {
  const input = Buffer.from(text, 'latin1');
  const whole = parse(input, [], options, eof);
  for (let i = 1; i < input.length; i++) {
    assert.deepEqual(parse(input, [i], options, eof), whole, `split at byte ${i}`);
  }
  const bytes = Array.from({ length: Math.max(0, input.length - 1) }, (_, i) => i + 1);
  assert.deepEqual(parse(input, bytes, options, eof), whole, 'byte by byte');
  return whole;
}

const ok = (status: number, keepAlive: boolean, body: number): Parsed => ({ status, keepAlive, body });

describe('response parser framing', () => {
  test('Content-Length body, keep-alive by default in HTTP/1.1', () => {
    const out = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello');
    assert.deepEqual(out.messages, [ok(200, true, 5)]);
  });

  test('many responses in one read are returned one at a time, in order', () => {
    const one = (status: number, body: string): string => `HTTP/1.1 ${status} X\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const out = parseEverySplit(one(200, 'a') + one(404, 'bb') + one(500, ''));
    assert.deepEqual(out.messages, [ok(200, true, 1), ok(404, true, 2), ok(500, true, 0)]);
  });

  test('chunked with extensions and trailers', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n6 ; q="a;b"\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n';
    const out = parseEverySplit(text);
    assert.deepEqual(out.messages, [ok(200, true, 21), ok(204, true, 0)]);
  });

  test('close-delimited body ends at EOF and is never keep-alive', () => {
    const out = parseEverySplit('HTTP/1.1 200 OK\r\nServer: x\r\n\r\nthe body runs to the end', {}, true);
    assert.deepEqual(out.messages, [ok(200, false, 24)]);
    assert.equal(out.eof, 1);
  });

  test('Transfer-Encoding whose final coding is not chunked is close-delimited', () => {
    const out = parseEverySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxyz', {}, true);
    assert.deepEqual(out.messages, [ok(200, false, 3)]);
  });

  test('Transfer-Encoding overrides Content-Length and ends the connection', () => {
    const out = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n');
    assert.deepEqual(out.messages, [ok(200, false, 1)]);
  });

  test('HEAD responses have no body whatever Content-Length says', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const out = parseEverySplit(text, { head: true });
    assert.deepEqual(out.messages, [ok(200, true, 0), ok(200, true, 0)]);
  });

  test('204 and 304 have no body', () => {
    const out = parseEverySplit('HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n');
    assert.deepEqual(out.messages, [ok(204, true, 0), ok(304, true, 0)]);
  });

  test('1xx interim responses are skipped', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok';
    const out = parseEverySplit(text);
    assert.deepEqual(out.messages, [ok(201, true, 2)]);
  });

  test('bare LF line endings and a missing reason phrase are accepted', () => {
    const out = parseEverySplit('HTTP/1.1 200\nContent-Length: 1\n\nxHTTP/1.1 202 \r\ncontent-length:0\r\n\r\n');
    assert.deepEqual(out.messages, [ok(200, true, 1), ok(202, true, 0)]);
  });

  test('identical Content-Length values in a list are one length', () => {
    const out = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nCONTENT-LENGTH: 3\r\n\r\nabc');
    assert.deepEqual(out.messages, [ok(200, true, 3)]);
  });
});

describe('response parser persistence (RFC 9112 §9.3)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['1.1 default', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', true],
    ['1.1 close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false],
    ['1.1 close among tokens, any case', 'HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n', false],
    ['1.0 default', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false],
    ['1.0 keep-alive', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n', true],
    ['1.0 keep-alive and close', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false],
    ['obs-fold continues a Connection value', 'HTTP/1.1 200 OK\r\nConnection: keep-alive,\r\n close\r\nContent-Length: 0\r\n\r\n', false],
  ];
  for (const [name, text, keepAlive] of cases) {
    test(name, () => {
      const out = parseEverySplit(text);
      assert.equal(out.error, null);
      assert.equal(out.messages.length, 1);
      assert.equal(out.messages[0]!.keepAlive, keepAlive);
    });
  }
});

describe('response parser errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['not HTTP', 'XTTP/1.1 200 OK\r\n\r\n', /HTTP\//],
    ['HTTP/2 on an HTTP/1 connection', 'HTTP/2.0 200 OK\r\n\r\n', /major version/],
    ['two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', /three digits/],
    ['bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', /Content-Length/],
    ['conflicting Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', /conflicting/],
    ['conflicting list', 'HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n', /conflicting/],
    ['space before colon', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n', /field name/],
    ['bare CR', 'HTTP/1.1 200 OK\r\nServer: a\rb\r\n\r\n', /field value|bare CR/],
    ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size/],
    ['chunk data without CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /CRLF/],
    ['101 without upgrade', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', /101/],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      const out = parseEverySplit(text);
      assert.match(out.error ?? '', message);
    });
  }

  test('a head larger than the limit is refused', () => {
    const text = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(300)}\r\n\r\n`;
    assert.match(parse(Buffer.from(text), [], { maxHeadBytes: 200 }).error ?? '', /size limit/);
    assert.match(parse(Buffer.from(text), [50, 100, 150, 200, 250], { maxHeadBytes: 200 }).error ?? '', /size limit/);
  });

  test('EOF inside a Content-Length body or a head is a truncated message', () => {
    assert.equal(parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc'), [], {}, true).eof, -1);
    assert.equal(parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'), [], {}, true).eof, -1);
    assert.equal(parse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), [], {}, true).eof, 0);
  });

  test('after an error every execute fails until reset', () => {
    const parser = new ResponseParser();
    const bad = Buffer.from('nope');
    assert.equal(parser.execute(bad, 0, bad.length), -1);
    const good = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal(parser.execute(good, 0, good.length), -1);
    parser.reset();
    assert.equal(parser.execute(good, 0, good.length), good.length);
    assert.equal(parser.complete, true);
  });
});

describe('response parser first-byte hook', () => {
  test('awaitingFirstByte is true between messages and stays false across 1xx', () => {
    const parser = new ResponseParser();
    assert.equal(parser.awaitingFirstByte, true);
    const interim = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
    assert.equal(parser.execute(interim, 0, interim.length), interim.length);
    assert.equal(parser.complete, false);
    assert.equal(parser.awaitingFirstByte, false);
    assert.equal(parser.idle, false);
    const final = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal(parser.execute(final, 0, final.length), final.length);
    assert.equal(parser.complete, true);
    assert.equal(parser.awaitingFirstByte, true);
    assert.equal(parser.idle, true);
  });
});
