// Classic pcap reader on hand-built files: both byte orders, µs/ns magics, the modified format, truncation, garbage.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readPcap } from '../../src/wire/pcap.js';
import { readCaptureRecords } from '../../src/wire/decode.js';
import type { CaptureRecord } from '../../src/wire/record.js';
import { ethernet, frames, http10Exchange, pcap } from './builder.js';

const T0 = 1_700_000_000_123_456;

function collect(bytes: Uint8Array): { records: CaptureRecord[]; truncated: boolean; linkTypes: number[] } {
  const records: CaptureRecord[] = [];
  const info = readPcap(bytes, (r) => records.push(r));
  return { records, truncated: info.truncated, linkTypes: info.linkTypes };
}

describe('readPcap', () => {
  const exchange = frames(http10Exchange(40000, 1000, 5000), (ip) => ethernet(ip), T0);

  for (const littleEndian of [true, false]) {
    for (const nanos of [false, true]) {
      test(`${littleEndian ? 'little' : 'big'}-endian, ${nanos ? 'ns' : 'µs'} timestamps`, () => {
        const { records, truncated, linkTypes } = collect(pcap(exchange, 1, { littleEndian, nanos }));
        assert.equal(truncated, false);
        assert.deepEqual(linkTypes, [1]);
        assert.equal(records.length, 10);
        // ns files are truncated to µs: the builder writes 999 extra ns that must not round up.
        assert.deepEqual(records.map((r) => r.tsUs), exchange.map((f) => f.tsUs));
        assert.deepEqual(records.map((r) => r.index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(Array.from(records[3]!.data), Array.from(exchange[3]!.data));
        assert.equal(records[3]!.originalLength, exchange[3]!.data.length);
      });
    }
  }

  test('modified (Kuznetzov) pcap skips the 8 extra record bytes', () => {
    const { records } = collect(pcap(exchange, 1, { modified: true }));
    assert.equal(records.length, 10);
    assert.deepEqual(Array.from(records[9]!.data), Array.from(exchange[9]!.data));
  });

  test('link type upper bits (FCS flags) are masked off', () => {
    const bytes = pcap(exchange.slice(0, 1), 1);
    new DataView(bytes.buffer).setUint32(20, 0x1000_0001, true);
    assert.deepEqual(collect(bytes).linkTypes, [1]);
  });

  test('a file cut inside its last record keeps the complete ones and says truncated', () => {
    const whole = pcap(exchange, 1);
    const cut = collect(whole.subarray(0, whole.length - 5));
    assert.equal(cut.truncated, true);
    assert.equal(cut.records.length, 9);
    const cutInHeader = collect(whole.subarray(0, 24 + 8));
    assert.equal(cutInHeader.truncated, true);
    assert.equal(cutInHeader.records.length, 0);
  });

  test('an empty capture (header only) has no records and is not truncated', () => {
    const { records, truncated } = collect(pcap([], 1));
    assert.equal(records.length, 0);
    assert.equal(truncated, false);
  });

  test('garbage, short files and wrong versions are H1B_PCAP_FORMAT', () => {
    assert.throws(() => readCaptureRecords(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n........'), () => {}), { code: 'H1B_PCAP_FORMAT' });
    assert.throws(() => readPcap(pcap([], 1).subarray(0, 10), () => {}), { code: 'H1B_PCAP_FORMAT' });
    const badVersion = pcap([], 1);
    new DataView(badVersion.buffer).setUint16(4, 3, true);
    assert.throws(() => readPcap(badVersion, () => {}), { code: 'H1B_PCAP_FORMAT' });
    const huge = pcap(exchange.slice(0, 1), 1);
    new DataView(huge.buffer).setUint32(24 + 8, 0x7fff_ffff, true);
    assert.throws(() => readPcap(huge, () => {}), { code: 'H1B_PCAP_FORMAT' });
  });
});
