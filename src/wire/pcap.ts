// Classic libpcap file reader: both byte orders, µs and ns timestamp magics, and the "modified" (Kuznetzov) variant.

import { H1Error } from '../errors.js';
import type { CaptureFileInfo, CaptureRecord } from './record.js';

// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html §4: the magic, read in the writer's byte order.
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
// Alexey Kuznetzov's patched libpcap: µs times, 8 extra bytes (ifindex, protocol, pkt_type, pad) per record.
const MAGIC_MODIFIED = 0xa1b2cd34;

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const MODIFIED_EXTRA_BYTES = 8;
/** LinkType field: the upper bits carry FCS length flags (draft §4, "LinkType and additional information"). */
const LINKTYPE_MASK = 0x0fffffff;
/** Records longer than this are corrupt rather than big (libpcap's own ceiling is 256 KiB). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** True when `bytes` starts with a classic pcap magic in either byte order. */
export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return isPcapMagic(view.getUint32(0, false)) || isPcapMagic(view.getUint32(0, true));
}

function isPcapMagic(magic: number): boolean {
  return magic === MAGIC_US || magic === MAGIC_NS || magic === MAGIC_MODIFIED;
}

/**
 * Walk every record of a classic pcap file, calling `onRecord` in file order.
 * Throws H1B_PCAP_FORMAT when the header is not pcap; a file cut inside its last record is
 * reported as `truncated` (tcpdump killed mid-write) instead of failing.
 */
export function readPcap(bytes: Uint8Array, onRecord: (record: CaptureRecord) => void): CaptureFileInfo {
  if (bytes.length < FILE_HEADER_BYTES) {
    throw new H1Error('H1B_PCAP_FORMAT', `pcap file header needs ${FILE_HEADER_BYTES} bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian: boolean;
  if (isPcapMagic(view.getUint32(0, false))) littleEndian = false;
  else if (isPcapMagic(view.getUint32(0, true))) littleEndian = true;
  else throw new H1Error('H1B_PCAP_FORMAT', 'not a classic pcap file (unknown magic number)');

  const magic = view.getUint32(0, littleEndian);
  const nanoseconds = magic === MAGIC_NS;
  const extra = magic === MAGIC_MODIFIED ? MODIFIED_EXTRA_BYTES : 0;
  const major = view.getUint16(4, littleEndian);
  if (major !== 2) throw new H1Error('H1B_PCAP_FORMAT', `pcap major version ${major} is not 2`);
  const linkType = view.getUint32(20, littleEndian) & LINKTYPE_MASK;

  let offset = FILE_HEADER_BYTES;
  let index = 0;
  let truncated = false;
  while (offset < bytes.length) {
    if (offset + RECORD_HEADER_BYTES + extra > bytes.length) {
      truncated = true;
      break;
    }
    const seconds = view.getUint32(offset, littleEndian);
    const fraction = view.getUint32(offset + 4, littleEndian);
    const capturedLength = view.getUint32(offset + 8, littleEndian);
    const originalLength = view.getUint32(offset + 12, littleEndian);
    if (capturedLength > MAX_RECORD_BYTES) {
      throw new H1Error('H1B_PCAP_FORMAT', `pcap record ${index + 1} claims ${capturedLength} bytes at offset ${offset}: corrupt file`);
    }
    const start = offset + RECORD_HEADER_BYTES + extra;
    if (start + capturedLength > bytes.length) {
      truncated = true;
      break;
    }
    index++;
    onRecord({
      index,
      // seconds * 1e6 stays below 2^53 until the year 2255, so plain numbers are exact.
      tsUs: seconds * 1_000_000 + (nanoseconds ? Math.floor(fraction / 1000) : fraction),
      timestamped: true,
      linkType,
      data: bytes.subarray(start, start + capturedLength),
      originalLength,
    });
    offset = start + capturedLength;
  }
  return { format: 'pcap', linkTypes: [linkType], truncated };
}
