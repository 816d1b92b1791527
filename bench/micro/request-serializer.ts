// Micro-benchmarks: building the request bytes (done once per run) and slicing pipelined batches (done per write).

import type { Bench } from 'tinybench';
import { repeatRequest, serializeRequest } from '../../src/http/request-serializer.js';

const URL_TARGET = new URL('http://127.0.0.1:8080/api/items?page=2');
const HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Accept', 'application/json'],
  ['User-Agent', 'h1bench'],
  ['X-Request-Source', 'bench'],
];

export function register(bench: Bench): void {
  let bytes = 0;
  bench.add('request-serializer: serialize GET with 3 fields (once per run)', () => {
    bytes += serializeRequest({ method: 'GET', url: URL_TARGET, httpVersion: '1.1', headers: HEADERS, body: null }).length;
  });
  bench.add('request-serializer: serialize POST with a 1 KiB body (once per run)', () => {
    bytes += serializeRequest({ method: 'POST', url: URL_TARGET, httpVersion: '1.1', headers: HEADERS, body: 'x'.repeat(1024) }).length;
  });
  const batch = repeatRequest(serializeRequest({ method: 'GET', url: URL_TARGET, httpVersion: '1.1', headers: [], body: null }), 10);
  bench.add('request-serializer: slice a 7-request pipelined batch (per write)', () => {
    bytes += batch.subarray(0, 7 * (batch.length / 10)).length;
  });
  if (bytes < 0) throw new Error('unreachable');
}
