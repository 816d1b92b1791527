// pcapng reader (the format Wireshark saves): SHB, IDB, EPB, SPB and the obsolete PB; unknown blocks skipped.

import { H1Error } from '../errors.js';
import type { CaptureFileInfo, CaptureRecord } from './record.js';

// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html §4 and §11.
const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_PB = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const MIN_BLOCK_BYTES = 12;
const TWO_POW_32 = 4294967296;
/** Fixed part + both length fields of each block we read fields from. */
const MIN_LENGTH_BY_TYPE = new Map<number, number>([
  [BLOCK_SHB, 28],
  [BLOCK_IDB, 20],
  [BLOCK_PB, 32],
  [BLOCK_SPB, 16],
  [BLOCK_EPB, 32],
]);

interface Interface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per second: 10^6 unless if_tsresol says otherwise. */
  readonly unitsPerSecond: bigint;
  /** if_tsoffset: seconds to add to every timestamp. */
  readonly offsetUs: number;
}

/** True when `bytes` starts with a pcapng Section Header Block. */
export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

/**
 * Walk every packet of a pcapng file in file order. Each section (SHB) sets its own byte order
 * and interface list; each interface its link type and timestamp resolution. Throws
 * H1B_PCAP_FORMAT on malformed blocks; a file cut inside its last block is reported as truncated.
 */
export function readPcapng(bytes: Uint8Array, onRecord: (record: CaptureRecord) => void): CaptureFileInfo {
  if (!isPcapng(bytes)) throw new H1Error('H1B_PCAP_FORMAT', 'not a pcapng file (no Section Header Block at the start)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const linkTypes: number[] = [];
  let interfaces: Interface[] = [];
  let littleEndian = true;
  let offset = 0;
  let index = 0;
  let lastTsUs = 0;
  let truncated = false;

  while (offset < bytes.length) {
    if (offset + MIN_BLOCK_BYTES > bytes.length) {
      truncated = true;
      break;
    }
    const rawType = view.getUint32(offset, littleEndian);
    // The SHB type reads the same in both byte orders (0x0A0D0D0A) on purpose.
    if (rawType === BLOCK_SHB) {
      // A new section may switch byte order: read it from the byte-order magic before anything else.
      const magic = view.getUint32(offset + 8, true);
      if (magic === BYTE_ORDER_MAGIC) littleEndian = true;
      else if (view.getUint32(offset + 8, false) === BYTE_ORDER_MAGIC) littleEndian = false;
      else throw new H1Error('H1B_PCAP_FORMAT', `pcapng section at offset ${offset} has no byte-order magic`);
      interfaces = [];
    }
    const type = view.getUint32(offset, littleEndian);
    const length = view.getUint32(offset + 4, littleEndian);
    if (length < MIN_BLOCK_BYTES || length % 4 !== 0) {
      throw new H1Error('H1B_PCAP_FORMAT', `pcapng block at offset ${offset} has invalid length ${length}`);
    }
    if (offset + length > bytes.length) {
      truncated = true;
      break;
    }
    if (view.getUint32(offset + length - 4, littleEndian) !== length) {
      throw new H1Error('H1B_PCAP_FORMAT', `pcapng block at offset ${offset}: trailing length does not match ${length}`);
    }
    const minimum = MIN_LENGTH_BY_TYPE.get(type);
    if (minimum !== undefined && length < minimum) {
      throw new H1Error('H1B_PCAP_FORMAT', `pcapng block type ${type} at offset ${offset} is ${length} bytes, shorter than its fixed part`);
    }

    if (type === BLOCK_SHB) {
      const major = view.getUint16(offset + 12, littleEndian);
      if (major !== 1) throw new H1Error('H1B_PCAP_FORMAT', `pcapng section version ${major} is not 1`);
    } else if (type === BLOCK_IDB) {
      const found = readInterface(view, offset, length, littleEndian);
      interfaces.push(found);
      linkTypes.push(found.linkType);
    } else if (type === BLOCK_EPB || type === BLOCK_PB) {
      // EPB: interface u32; obsolete PB: interface u16 + drops u16. Both then carry ts high/low, lengths, data.
      const interfaceId = type === BLOCK_EPB ? view.getUint32(offset + 8, littleEndian) : view.getUint16(offset + 8, littleEndian);
      const found = interfaceFor(interfaces, interfaceId, offset);
      const high = view.getUint32(offset + 12, littleEndian);
      const low = view.getUint32(offset + 16, littleEndian);
      const capturedLength = view.getUint32(offset + 20, littleEndian);
      const originalLength = view.getUint32(offset + 24, littleEndian);
      if (28 + capturedLength > length - 4) {
        throw new H1Error('H1B_PCAP_FORMAT', `pcapng packet block at offset ${offset}: captured length ${capturedLength} overruns the block`);
      }
      lastTsUs = toMicroseconds(high, low, found);
      index++;
      onRecord({
        index,
        tsUs: lastTsUs,
        timestamped: true,
        linkType: found.linkType,
        data: bytes.subarray(offset + 28, offset + 28 + capturedLength),
        originalLength,
      });
    } else if (type === BLOCK_SPB) {
      // SPB (§4.4): always interface 0, no timestamp; captured length = min(original, snaplen, room in block).
      const found = interfaceFor(interfaces, 0, offset);
      const originalLength = view.getUint32(offset + 8, littleEndian);
      let capturedLength = Math.min(originalLength, length - 16);
      if (found.snapLength > 0) capturedLength = Math.min(capturedLength, found.snapLength);
      index++;
      onRecord({
        index,
        tsUs: lastTsUs,
        timestamped: false,
        linkType: found.linkType,
        data: bytes.subarray(offset + 12, offset + 12 + capturedLength),
        originalLength,
      });
    }
    // Any other block (NRB, ISB, DSB, custom...) carries nothing h1bench needs: skip it by its length.
    offset += length;
  }
  return { format: 'pcapng', linkTypes, truncated };
}

function interfaceFor(interfaces: Interface[], id: number, offset: number): Interface {
  const found = interfaces[id];
  if (!found) throw new H1Error('H1B_PCAP_FORMAT', `pcapng packet at offset ${offset} names interface ${id}, which no IDB defined`);
  return found;
}

function readInterface(view: DataView, offset: number, length: number, littleEndian: boolean): Interface {
  const linkType = view.getUint16(offset + 8, littleEndian);
  const snapLength = view.getUint32(offset + 12, littleEndian);
  let unitsPerSecond = 1_000_000n;
  let offsetUs = 0;
  let cursor = offset + 16;
  const end = offset + length - 4;
  while (cursor + 4 <= end) {
    const code = view.getUint16(cursor, littleEndian);
    const size = view.getUint16(cursor + 2, littleEndian);
    if (code === OPT_ENDOFOPT) break;
    if (cursor + 4 + size > end) throw new H1Error('H1B_PCAP_FORMAT', `pcapng interface block at offset ${offset}: option overruns the block`);
    if (code === OPT_IF_TSRESOL && size >= 1) {
      // MSB clear: 10^-value s; set: 2^-value s (§4.2, if_tsresol).
      const value = view.getUint8(cursor + 4);
      unitsPerSecond = value & 0x80 ? 1n << BigInt(value & 0x7f) : 10n ** BigInt(value);
    } else if (code === OPT_IF_TSOFFSET && size >= 8) {
      offsetUs = Number(view.getBigInt64(cursor + 4, littleEndian)) * 1_000_000;
    }
    cursor += 4 + size + ((4 - (size % 4)) % 4);
  }
  return { linkType, snapLength, unitsPerSecond, offsetUs };
}

function toMicroseconds(high: number, low: number, found: Interface): number {
  if (found.unitsPerSecond === 1_000_000n) return high * TWO_POW_32 + low + found.offsetUs;
  // ns (or 2^-n) epoch stamps exceed 2^53: convert exactly with BigInt, then truncate to µs.
  const units = (BigInt(high) << 32n) | BigInt(low);
  return Number((units * 1_000_000n) / found.unitsPerSecond) + found.offsetUs;
}
