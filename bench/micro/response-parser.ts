// Micro-benchmarks: the response parser on an nginx-style keep-alive response, chunked ones (plain; with extension,
// trailer and field lists), and a pipelined batch.

import type { Bench } from 'tinybench';
import { ResponseParser } from '../../src/http/response-parser.js';

const NGINX = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 04:22:45 GMT\r\nContent-Type: text/plain\r\n' +
    'Content-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, World!',
  'latin1',
);
const CHUNKED = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '1b\r\n{"hello":"world","n":12345}\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n',
  'latin1',
);
const CHUNKED_EXT = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\nConnection: keep-alive, Upgrade\r\n\r\n' +
    '1b;sig="a b"\r\n{"hello":"world","n":12345}\r\n10\r\n0123456789abcdef\r\n0\r\nX-Checksum: 42\r\n\r\n',
  'latin1',
);
const PIPELINED = Buffer.concat(Array.from({ length: 16 }, () => NGINX));

/** Parse every message in buf; the count keeps the work observable. */
function parseAll(parser: ResponseParser, buf: Buffer): number {
  let offset = 0;
  let messages = 0;
  while (offset < buf.length) {
    offset = parser.execute(buf, offset, buf.length);
    if (offset < 0) throw new Error(parser.error ?? 'parse error');
    if (parser.complete) messages++;
  }
  return messages;
}

export function register(bench: Bench): void {
  let sink = 0;
  const parser = new ResponseParser();
  bench.add(`response-parser: nginx keep-alive response (${NGINX.length} B)`, () => {
    sink += parseAll(parser, NGINX);
  });
  bench.add(`response-parser: chunked response (${CHUNKED.length} B)`, () => {
    sink += parseAll(parser, CHUNKED);
  });
  bench.add(`response-parser: chunked with extension, trailer, field lists (${CHUNKED_EXT.length} B)`, () => {
    sink += parseAll(parser, CHUNKED_EXT);
  });
  bench.add('response-parser: 16 pipelined nginx responses (per batch)', () => {
    sink += parseAll(parser, PIPELINED);
  });
  bench.add('response-parser: nginx response split in 3 reads', () => {
    sink += parseAll(parser, NGINX.subarray(0, 40)) + parseAll(parser, NGINX.subarray(40, 120)) + parseAll(parser, NGINX.subarray(120));
  });
  if (sink < 0) throw new Error('unreachable');
}
