// pcapng reader on hand-built files: byte orders, sections, per-interface link type and resolution, SPB, unknown blocks.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readPcapng } from '../../src/wire/pcapng.js';
import { decodeCapture } from '../../src/wire/decode.js';
import type { CaptureRecord } from '../../src/wire/record.js';
import { ethernet, frames, http10Exchange, PcapngWriter } from './builder.js';

const T0 = 1_700_000_000_123_456;
const exchange = frames(http10Exchange(40000, 1000, 5000), (ip) => ethernet(ip), T0);
const rawExchange = frames(http10Exchange(40001, 7, 9), (ip) => ip, T0);

function collect(bytes: Uint8Array): { records: CaptureRecord[]; truncated: boolean; linkTypes: number[] } {
  const records: CaptureRecord[] = [];
  const info = readPcapng(bytes, (r) => records.push(r));
  return { records, truncated: info.truncated, linkTypes: info.linkTypes };
}

describe('readPcapng', () => {
  for (const le of [true, false]) {
    test(`${le ? 'little' : 'big'}-endian section, default µs resolution`, () => {
      const writer = new PcapngWriter(le).section().iface({ linkType: 1 });
      for (const frame of exchange) writer.epb(0, BigInt(frame.tsUs), frame.data);
      const { records, linkTypes, truncated } = collect(writer.bytes());
      assert.deepEqual(linkTypes, [1]);
      assert.equal(truncated, false);
      assert.deepEqual(records.map((r) => r.tsUs), exchange.map((f) => f.tsUs));
      assert.deepEqual(Array.from(records[5]!.data), Array.from(exchange[5]!.data));
      assert.ok(records.every((r) => r.timestamped && r.linkType === 1));
    });
  }

  test('if_tsresol: nanoseconds (10^-9) and binary (2^-20) are converted to µs exactly', () => {
    const writer = new PcapngWriter().section().iface({ linkType: 1, tsresol: 9 }).iface({ linkType: 1, tsresol: 0x80 | 20 });
    writer.epb(0, BigInt(T0) * 1000n + 999n, exchange[0]!.data);
    // 2^-20 s units: T0 µs = T0 * 2^20 / 10^6 units (rounded down), which must read back within 1 µs.
    writer.epb(1, (BigInt(T0) * (1n << 20n)) / 1_000_000n, exchange[1]!.data);
    const { records } = collect(writer.bytes());
    assert.equal(records[0]!.tsUs, T0);
    assert.ok(Math.abs(records[1]!.tsUs - T0) <= 1, `binary resolution read ${records[1]!.tsUs}`);
  });

  test('each interface keeps its own link type; unknown blocks are skipped', () => {
    const writer = new PcapngWriter().section().iface({ linkType: 1 }).unknown(4).iface({ linkType: 101 });
    exchange.forEach((frame, i) => {
      writer.epb(0, BigInt(frame.tsUs), frame.data);
      writer.epb(1, BigInt(rawExchange[i]!.tsUs), rawExchange[i]!.data);
      if (i === 2) writer.unknown(5, 20).unknown(0x40000bad, 4);
    });
    const { records, linkTypes } = collect(writer.bytes());
    assert.deepEqual(linkTypes, [1, 101]);
    assert.equal(records.length, 20);
    assert.deepEqual(records.slice(0, 4).map((r) => r.linkType), [1, 101, 1, 101]);
    const decoded = decodeCapture(writer.bytes(), () => {});
    assert.equal(decoded.tcpSegments, 20);
  });

  test('Simple Packet Blocks have no time: they carry the previous timestamp and say so', () => {
    const writer = new PcapngWriter().section().iface({ linkType: 1, snapLength: 40 });
    writer.epb(0, BigInt(T0), exchange[0]!.data).spb(exchange[1]!.data);
    const { records } = collect(writer.bytes());
    assert.equal(records.length, 2);
    assert.equal(records[1]!.timestamped, false);
    assert.equal(records[1]!.tsUs, T0);
    // The interface's snap length caps what an SPB holds.
    assert.equal(records[1]!.data.length, 40);
    assert.equal(records[1]!.originalLength, exchange[1]!.data.length);
  });

  test('a second section may switch byte order and restarts the interface list', () => {
    const first = new PcapngWriter(true).section().iface({ linkType: 1 }).epb(0, BigInt(T0), exchange[0]!.data).bytes();
    const second = new PcapngWriter(false).section().iface({ linkType: 101 }).epb(0, BigInt(T0 + 5), rawExchange[1]!.data).bytes();
    const joined = new Uint8Array(first.length + second.length);
    joined.set(first);
    joined.set(second, first.length);
    const { records, linkTypes } = collect(joined);
    assert.deepEqual(linkTypes, [1, 101]);
    assert.deepEqual(records.map((r) => [r.linkType, r.tsUs, r.index]), [[1, T0, 1], [101, T0 + 5, 2]]);
  });

  test('truncated and malformed files', () => {
    const writer = new PcapngWriter().section().iface({ linkType: 1 });
    for (const frame of exchange) writer.epb(0, BigInt(frame.tsUs), frame.data);
    const whole = writer.bytes();
    const cut = collect(whole.subarray(0, whole.length - 10));
    assert.equal(cut.truncated, true);
    assert.equal(cut.records.length, 9);

    const badTrailer = Uint8Array.from(whole);
    badTrailer[whole.length - 1] = 0xff;
    assert.throws(() => collect(badTrailer), { code: 'H1B_PCAP_FORMAT' });

    const noInterface = new PcapngWriter().section().epb(0, 0n, exchange[0]!.data).bytes();
    assert.throws(() => collect(noInterface), { code: 'H1B_PCAP_FORMAT', message: /interface 0/ });

    const badMagic = Uint8Array.from(whole);
    badMagic.fill(0, 8, 12);
    assert.throws(() => collect(badMagic), { code: 'H1B_PCAP_FORMAT' });
  });

  test('decodeCapture: an unsupported interface is skipped, a file of only unsupported ones is H1B_PCAP_LINKTYPE', () => {
    const mixed = new PcapngWriter().section().iface({ linkType: 1 }).iface({ linkType: 147 });
    mixed.epb(0, BigInt(T0), exchange[0]!.data).epb(1, BigInt(T0), new Uint8Array(30));
    const summary = decodeCapture(mixed.bytes(), () => {});
    assert.equal(summary.tcpSegments, 1);
    assert.equal(summary.unsupportedLinkType, 1);

    const usbOnly = new PcapngWriter().section().iface({ linkType: 189 }).epb(0, BigInt(T0), new Uint8Array(30));
    assert.throws(() => decodeCapture(usbOnly.bytes(), () => {}), { code: 'H1B_PCAP_LINKTYPE', message: /189/ });
  });
});
