// The TLS record scanner: records across and within segments, handshake messages in clear, encrypted after
// ChangeCipherSpec, plain HTTP and gaps recognised.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactLabels, TlsRecordScanner } from '../../src/wire/tls-records.js';

/** One record: type, TLS 1.2 version on the wire, body. */
function record(type: number, body: Uint8Array): Uint8Array {
  return Uint8Array.from([type, 3, 3, body.length >> 8, body.length & 0xff, ...body]);
}

/** One handshake message: type, 24-bit length, body. */
function message(type: number, length: number): number[] {
  return [type, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff, ...new Array<number>(length).fill(7)];
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

test('a ClientHello split over two segments is named in the segment where it starts', () => {
  const hello = record(22, Uint8Array.from(message(1, 300)));
  const scanner = new TlsRecordScanner();
  assert.deepEqual(scanner.feed(hello.subarray(0, 3), 3), []);
  assert.deepEqual(scanner.feed(hello.subarray(3, 100), 97), []);
  assert.deepEqual(scanner.feed(hello.subarray(100), hello.length - 100), ['ClientHello']);
  assert.ok(scanner.isTls);
});

test('a TLS 1.2 server flight: several messages in one record, then ChangeCipherSpec and an encrypted Finished', () => {
  const flight = record(22, Uint8Array.from([...message(2, 70), ...message(11, 500), ...message(12, 100), ...message(14, 0)]));
  const ccs = record(20, Uint8Array.from([1]));
  const finished = record(22, new Uint8Array(40).fill(0xaa));
  const scanner = new TlsRecordScanner();
  const all = concat(flight, ccs, finished);
  assert.deepEqual(scanner.feed(all, all.length), ['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ChangeCipherSpec', 'Handshake (encrypted)']);
  const data = concat(record(23, new Uint8Array(100)), record(23, new Uint8Array(30)));
  assert.deepEqual(compactLabels(scanner.feed(data, data.length)!), ['Application Data (encrypted) ×2']);
});

test('a TLS 1.3 server flight: ServerHello in clear, the rest as application_data records; alerts in clear are named', () => {
  const scanner = new TlsRecordScanner();
  const flight = concat(record(22, Uint8Array.from(message(2, 118))), record(20, Uint8Array.from([1])), record(23, new Uint8Array(30)), record(23, new Uint8Array(600)));
  assert.deepEqual(compactLabels(scanner.feed(flight, flight.length)!), ['ServerHello', 'ChangeCipherSpec', 'Application Data (encrypted) ×2']);
  const refusal = new TlsRecordScanner();
  const alert = record(21, Uint8Array.from([2, 48]));
  assert.deepEqual(refusal.feed(alert, alert.length), ['Alert fatal unknown_ca']);
});

test('a body cut by the snap length is skipped by count; a header that was not captured ends the scan', () => {
  const scanner = new TlsRecordScanner();
  const big = record(23, new Uint8Array(3000));
  const next = record(23, new Uint8Array(10));
  const both = concat(big, next);
  // Only the first 100 bytes were captured, but the segment carried both records: the second header is lost.
  assert.equal(scanner.feed(both.subarray(0, 100), both.length), null);
  assert.equal(scanner.feed(next, next.length), null, 'stays lost');
  const skipping = new TlsRecordScanner();
  assert.deepEqual(skipping.feed(big.subarray(0, 100), big.length), ['Application Data (encrypted)']);
});

test('plain HTTP is not TLS; a gap ends the scan', () => {
  const http = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const scanner = new TlsRecordScanner();
  assert.equal(scanner.feed(http, http.length), null);
  assert.equal(scanner.isTls, false);
  const gapped = new TlsRecordScanner();
  assert.deepEqual(gapped.feed(record(23, new Uint8Array(5)), 10), ['Application Data (encrypted)']);
  assert.equal(gapped.gap(), null);
  assert.equal(gapped.feed(record(23, new Uint8Array(5)), 10), null);
});
