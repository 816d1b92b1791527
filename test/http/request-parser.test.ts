// Request parser: valid and invalid messages (RFC 9112), every byte-split position, pipelined batches, limits.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestParser, type ParsedRequest, type ParseError, type RequestSink } from '../../src/http/request-parser.js';
import { DEFAULT_PARSER_LIMITS, type ParserLimits } from '../../src/types.js';

class Collect implements RequestSink {
  requests: ParsedRequest[] = [];
  headers = 0;
  onHeaders(): void {
    this.headers++;
  }
  onRequest(req: ParsedRequest): void {
    this.requests.push(req);
  }
}

interface Outcome {
  requests: ParsedRequest[];
  error: ParseError | null;
}

/** Feed `input` in pieces cut at `cuts` (ascending offsets). */
function parse(input: string | Buffer, cuts: number[] = [], limits: ParserLimits = DEFAULT_PARSER_LIMITS): Outcome {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const sink = new Collect();
  const parser = new RequestParser(sink, limits, { keepHeaders: true, keepBody: true });
  let start = 0;
  for (const cut of [...cuts, buf.length]) {
    // Copy each piece, as a socket delivers fresh buffers.
    const piece = Buffer.from(buf.subarray(start, cut));
    start = cut;
    if (piece.length === 0) continue;
    const r = parser.execute(piece);
    if (r < 0) return { requests: sink.requests, error: parser.error };
    assert.equal(r, piece.length);
  }
  return { requests: sink.requests, error: null };
}

const bodyOf = (req: ParsedRequest): string => Buffer.concat(req.body ?? []).toString('latin1');

const SIMPLE = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
const BROWSER =
  'GET /search?q=h1bench&lang=en HTTP/1.1\r\nHost: www.example.com\r\nConnection: keep-alive\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n' +
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Encoding: gzip, deflate, br\r\n' +
  'Accept-Language: en-US,en;q=0.9\r\nCookie: session=abc123; theme=dark\r\nX-Client-Id: probe-7\r\n\r\n';
const POST_CL = 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world';
const POST_CHUNKED =
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n' +
  '5;ext=1;q="a \\"b\\""\r\nhello\r\n6 ; x\r\n world\r\n0\r\nTrailer-One: t\r\n\r\n';

describe('valid requests', () => {
  test('minimal request', () => {
    const { requests, error } = parse(SIMPLE);
    assert.equal(error, null);
    assert.equal(requests.length, 1);
    const r = requests[0]!;
    assert.equal(r.method, 'GET');
    assert.equal(r.target, '/');
    assert.equal(r.versionMinor, 1);
    assert.deepEqual(r.headers, [['Host', 'a']]);
    assert.equal(r.contentLength, -1);
  });

  test('browser request: fields materialised, raw pairs kept, OWS trimmed', () => {
    const r = parse(BROWSER).requests[0]!;
    assert.equal(r.target, '/search?q=h1bench&lang=en');
    assert.equal(r.connectionKeepAlive, true);
    assert.equal(r.connectionClose, false);
    assert.equal(r.xClientId, 'probe-7');
    assert.equal(r.headerCount, 8);
    assert.deepEqual(r.headers![4], ['Accept-Encoding', 'gzip, deflate, br']);
  });

  test('case-insensitive names, Connection token lists, HTTP/1.0 without Host', () => {
    const r = parse('HEAD /x HTTP/1.0\r\nCONNECTION:  Upgrade ,  Keep-Alive \r\ncontent-LENGTH: 0\r\n\r\n').requests[0]!;
    assert.equal(r.method, 'HEAD');
    assert.equal(r.versionMinor, 0);
    assert.equal(r.connectionKeepAlive, true);
    assert.equal(r.contentLength, 0);
    assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nconnection: close\r\n\r\n').requests[0]!.connectionClose, true);
  });

  test('Content-Length body, identical repeated values accepted', () => {
    const r = parse(POST_CL).requests[0]!;
    assert.equal(bodyOf(r), 'hello world');
    assert.equal(r.bodyBytes, 11);
    const twice = parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nabc');
    assert.equal(twice.error, null);
    assert.equal(bodyOf(twice.requests[0]!), 'abc');
  });

  test('chunked body with extensions (token and quoted) and trailers', () => {
    const { requests, error } = parse(POST_CHUNKED);
    assert.equal(error, null);
    const r = requests[0]!;
    assert.equal(r.chunked, true);
    assert.equal(bodyOf(r), 'hello world');
    assert.deepEqual(r.headers!.at(-1), ['Trailer-One', 't']);
  });

  test('leading empty lines are ignored; HTTP/1.2 is treated as 1.1; other methods and target forms', () => {
    const r = parse('\r\n\r\nGET / HTTP/1.2\r\nHost: a\r\n\r\n').requests[0]!;
    assert.equal(r.versionMinor, 1);
    assert.equal(parse('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n').requests[0]!.target, '*');
    assert.equal(parse('GET http://a/b?c HTTP/1.1\r\nHost: a\r\n\r\n').requests[0]!.target, 'http://a/b?c');
    assert.equal(parse('PROPFIND /d HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n').requests[0]!.method, 'PROPFIND');
    assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Obs: caf\xe9\r\n\r\n').requests[0]!.headers![2]![1], 'caf\xe9');
  });

  test('pipelined batch in one read, mixed framing', () => {
    const batch = SIMPLE + POST_CL + POST_CHUNKED + BROWSER + SIMPLE;
    const { requests, error } = parse(batch);
    assert.equal(error, null);
    assert.deepEqual(
      requests.map((r) => [r.method, r.target, r.bodyBytes]),
      [['GET', '/', 0], ['POST', '/upload', 11], ['POST', '/c', 11], ['GET', '/search?q=h1bench&lang=en', 0], ['GET', '/', 0]],
    );
  });

  test('every byte-split position of several requests gives the same result', () => {
    const batch = SIMPLE + POST_CL + POST_CHUNKED + BROWSER;
    const whole = parse(batch).requests.map((r) => JSON.stringify({ ...r, body: bodyOf(r) }));
    for (let cut = 1; cut < batch.length; cut++) {
      const split = parse(batch, [cut]);
      assert.equal(split.error, null, `cut at ${cut}`);
      assert.deepEqual(split.requests.map((r) => JSON.stringify({ ...r, body: bodyOf(r) })), whole, `cut at ${cut}`);
    }
  });

  test('one byte per read', () => {
    const batch = POST_CHUNKED + BROWSER + POST_CL;
    const cuts = Array.from({ length: batch.length - 1 }, (_, i) => i + 1);
    const { requests, error } = parse(batch, cuts);
    assert.equal(error, null);
    assert.deepEqual(requests.map(bodyOf), ['hello world', '', 'hello world']);
    assert.equal(requests[1]!.xClientId, 'probe-7');
  });

  test('pause() stops after the current message and returns its end offset', () => {
    const buf = Buffer.from(SIMPLE + SIMPLE + SIMPLE, 'latin1');
    let parser: RequestParser | null = null;
    const seen: number[] = [];
    const sink: RequestSink = {
      onHeaders() {},
      onRequest() {
        seen.push(1);
        parser!.pause();
      },
    };
    parser = new RequestParser(sink, DEFAULT_PARSER_LIMITS);
    assert.equal(parser.execute(buf), SIMPLE.length);
    assert.equal(parser.execute(buf, SIMPLE.length), 2 * SIMPLE.length);
    assert.equal(parser.execute(buf, 2 * SIMPLE.length), buf.length);
    assert.equal(seen.length, 3);
  });
});

const INVALID: Array<[string, string, number]> = [
  ['lower-case HTTP name', 'GET / http/1.1\r\nHost: a\r\n\r\n', 400],
  ['invalid method token', 'G(T / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['two spaces in request line', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['HTTP/0.9 request line', 'GET /\r\n\r\n', 400],
  ['non-ASCII in target', 'GET /\xff HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['asterisk target for GET', 'GET * HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['bare LF after request line', 'GET / HTTP/1.1\nHost: a\r\n\r\n', 400],
  ['bare CR in request line', 'GET / HTTP/1.1\rHost: a\r\n\r\n', 400],
  ['bare CR in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n', 400],
  ['NUL in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n', 400],
  ['invalid header name', 'GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n', 400],
  ['space before colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400],
  ['empty header name', 'GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n', 400],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  2\r\n\r\n', 400],
  ['missing Host on 1.1', 'GET / HTTP/1.1\r\nX: 1\r\n\r\n', 400],
  ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
  ['invalid Host', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 400],
  ['Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['differing Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', 400],
  ['differing Content-Length list', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd', 400],
  ['non-numeric Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3a\r\n\r\nabc', 400],
  ['negative Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n', 400],
  ['empty Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n', 400],
  ['coding list not ending in chunked', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400],
  ['chunked twice', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
  ['unknown coding only', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n', 400],
  ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['bad chunk size', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n', 400],
  ['chunk size with trailing space', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n', 400],
  ['bad chunk extension', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;=x\r\nhello\r\n0\r\n\r\n', 400],
  ['chunk data without CRLF', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n', 400],
  ['bad trailer', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: 1\r\n\r\n', 400],
  ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505],
  ['HTTP/0.9 version', 'GET / HTTP/0.9\r\nHost: a\r\n\r\n', 505],
];

describe('invalid requests map to the right status', () => {
  for (const [name, input, status] of INVALID) {
    test(name, () => {
      const whole = parse(input);
      assert.equal(whole.error?.status, status, `whole: ${JSON.stringify(whole.error)}`);
      assert.equal(whole.requests.length, 0);
      // The same verdict whatever the read boundaries.
      for (let cut = 1; cut < input.length; cut++) assert.equal(parse(input, [cut]).error?.status, status, `cut at ${cut}`);
    });
  }

  test('a valid request before the bad one is still delivered', () => {
    const { requests, error } = parse(SIMPLE + 'GET / HTTP/1.1\r\nHost : a\r\n\r\n');
    assert.equal(requests.length, 1);
    assert.equal(error?.status, 400);
  });
});

describe('limits', () => {
  const small: ParserLimits = { maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 4, maxBodyBytes: 16 };
  test('request line over the limit → 414, also while incomplete', () => {
    assert.equal(parse(`GET /${'a'.repeat(80)} HTTP/1.1\r\nHost: a\r\n\r\n`, [], small).error?.status, 414);
    assert.equal(parse(`GET /${'a'.repeat(80)}`, [], small).error?.status, 414);
    assert.equal(parse(`GET /${'a'.repeat(80)}`, [10, 40, 70], small).error?.status, 414);
    assert.equal(parse(`GET /${'a'.repeat(40)} HTTP/1.1\r\nHost: a\r\n\r\n`, [], small).error, null);
  });
  test('header section over the limit or too many fields → 431', () => {
    assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'v'.repeat(200)}\r\n\r\n`, [], small).error?.status, 431);
    assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'v'.repeat(200)}`, [30], small).error?.status, 431);
    assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n', [], small).error?.status, 431);
    assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n', [], small).error, null);
  });
  test('body over the limit → 413 (Content-Length, chunked total, huge sizes)', () => {
    assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n', [], small).error?.status, 413);
    assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n', [], small).error?.status, 413);
    const chunked = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n';
    assert.equal(parse(`${chunked}a\r\n0123456789\r\n7\r\n0123456\r\n0\r\n\r\n`, [], small).error?.status, 413);
    assert.equal(parse(`${chunked}fffffffffffffffffff\r\n`, [], small).error?.status, 413);
    assert.equal(parse(`${chunked}a\r\n0123456789\r\n6\r\n012345\r\n0\r\n\r\n`, [], small).error, null);
  });
});

test('never throws on random bytes and mutated requests', () => {
  // Deterministic xorshift so a failure reproduces.
  let seed = 0x9e3779b9;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const base = Buffer.from(SIMPLE + POST_CL + POST_CHUNKED + BROWSER, 'latin1');
  for (let round = 0; round < 2000; round++) {
    const buf = Buffer.from(base);
    const flips = 1 + rand(4);
    for (let k = 0; k < flips; k++) buf[rand(buf.length)] = rand(256);
    const cuts = [rand(buf.length), rand(buf.length)].sort((a, b) => a - b);
    const out = parse(buf, cuts);
    if (out.error) assert.ok([400, 413, 414, 431, 505].includes(out.error.status));
  }
  for (let round = 0; round < 500; round++) {
    const buf = Buffer.alloc(1 + rand(300));
    for (let k = 0; k < buf.length; k++) buf[k] = rand(256);
    parse(buf, [rand(buf.length)]);
  }
});
