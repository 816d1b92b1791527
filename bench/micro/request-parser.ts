// Micro-benchmarks: the request parser on a typical ~500-byte browser request, a minimal one, POST bodies (length and
// chunked), and a pipelined batch.

import type { Bench } from 'tinybench';
import { RequestParser, type ParsedRequest, type RequestSink } from '../../src/http/request-parser.js';
import { DEFAULT_PARSER_LIMITS } from '../../src/types.js';

const BROWSER = Buffer.from(
  'GET /assets/app.js?v=3f2a9c HTTP/1.1\r\nHost: www.example.com\r\nConnection: keep-alive\r\n' +
    'sec-ch-ua: "Chromium";v="120", "Not?A_Brand";v="24"\r\nsec-ch-ua-mobile: ?0\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n' +
    'sec-ch-ua-platform: "Linux"\r\nAccept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\n' +
    'Sec-Fetch-Dest: script\r\nReferer: https://www.example.com/\r\nAccept-Encoding: gzip, deflate, br\r\n' +
    'Accept-Language: en-US,en;q=0.9\r\nCookie: session=4f1c2e; theme=dark\r\n\r\n',
  'latin1',
);
const MINIMAL = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n', 'latin1');
const PIPELINED = Buffer.concat(Array.from({ length: 16 }, () => MINIMAL));
const POST_LENGTH = Buffer.from(
  'POST /api/items HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nContent-Length: 27\r\n' +
    'Connection: keep-alive\r\n\r\n{"hello":"world","n":12345}',
  'latin1',
);
const POST_CHUNKED = Buffer.from(
  'POST /api/items HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '1b;sig="a b"\r\n{"hello":"world","n":12345}\r\n10\r\n0123456789abcdef\r\n0\r\nX-Checksum: 42\r\n\r\n',
  'latin1',
);

/** Counts requests so the work cannot be optimised away. */
class CountingSink implements RequestSink {
  requests = 0;
  onHeaders(): void {}
  onRequest(req: ParsedRequest): void {
    this.requests += req.method.length > 0 ? 1 : 0;
  }
}

export function register(bench: Bench): void {
  const sink = new CountingSink();
  const parser = new RequestParser(sink, DEFAULT_PARSER_LIMITS);
  bench.add(`request-parser: browser request (${BROWSER.length} B)`, () => {
    parser.execute(BROWSER);
  });
  bench.add(`request-parser: minimal request (${MINIMAL.length} B)`, () => {
    parser.execute(MINIMAL);
  });
  bench.add(`request-parser: POST with Content-Length (${POST_LENGTH.length} B)`, () => {
    parser.execute(POST_LENGTH);
  });
  bench.add(`request-parser: chunked POST with extension and trailer (${POST_CHUNKED.length} B)`, () => {
    parser.execute(POST_CHUNKED);
  });
  bench.add('request-parser: 16 pipelined minimal requests (per batch)', () => {
    parser.execute(PIPELINED);
  });
}
