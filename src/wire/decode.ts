// Capture bytes → TCP segments: picks the file reader by magic, then link layer, IP and TCP decoding.

import { H1Error } from '../errors.js';
import { decodeIp, PROTO_TCP } from './ip.js';
import { ipOffset, NOT_IP, SUPPORTED_LINKTYPES } from './link.js';
import { isPcap, readPcap } from './pcap.js';
import { isPcapng, readPcapng } from './pcapng.js';
import type { CaptureFileInfo, CaptureRecord } from './record.js';
import { decodeTcp, type TcpSegment } from './tcp.js';

export interface DecodeSummary extends CaptureFileInfo {
  /** Records in the file. */
  records: number;
  /** Records that decoded to a TCP segment (passed to the callback). */
  tcpSegments: number;
  /** Records that were not IP/TCP, were non-first fragments, duplicates or cut too short to read. */
  skipped: number;
  /** Records from interfaces whose link type we do not decode (e.g. a USB interface in a Wireshark file). */
  unsupportedLinkType: number;
}

/** Walk a capture's records in file order, whatever the container format. */
export function readCaptureRecords(bytes: Uint8Array, onRecord: (record: CaptureRecord) => void): CaptureFileInfo {
  if (isPcapng(bytes)) return readPcapng(bytes, onRecord);
  if (isPcap(bytes)) return readPcap(bytes, onRecord);
  throw new H1Error('H1B_PCAP_FORMAT', 'the file is neither classic pcap nor pcapng (no known magic number at its start)');
}

/**
 * Decode every TCP segment of a capture, in file order. Throws H1B_PCAP_FORMAT for a file that
 * is not a capture, H1B_PCAP_LINKTYPE when no interface in it has a link type we decode.
 */
export function decodeCapture(bytes: Uint8Array, onSegment: (segment: TcpSegment) => void): DecodeSummary {
  let records = 0;
  let tcpSegments = 0;
  let skipped = 0;
  let unsupportedLinkType = 0;
  const info = readCaptureRecords(bytes, (record) => {
    records++;
    if (!SUPPORTED_LINKTYPES.has(record.linkType)) {
      unsupportedLinkType++;
      return;
    }
    const offset = ipOffset(record.linkType, record.data);
    const ip = offset === NOT_IP ? null : decodeIp(record.data, offset);
    const segment = ip && ip.protocol === PROTO_TCP ? decodeTcp(record.data, ip, record.index, record.tsUs, record.timestamped) : null;
    if (!segment) {
      skipped++;
      return;
    }
    tcpSegments++;
    onSegment(segment);
  });
  if (info.linkTypes.length > 0 && info.linkTypes.every((linkType) => !SUPPORTED_LINKTYPES.has(linkType))) {
    throw new H1Error(
      'H1B_PCAP_LINKTYPE',
      `the capture's link type${info.linkTypes.length > 1 ? 's' : ''} ${[...new Set(info.linkTypes)].join(', ')} ` +
        'cannot be decoded (supported: Ethernet 1, Linux SLL 113, SLL2 276, raw IP 101/228/229, BSD loopback 0/108); capture with tcpdump -i lo',
    );
  }
  return { ...info, records, tcpSegments, skipped, unsupportedLinkType };
}
