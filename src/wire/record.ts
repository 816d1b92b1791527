// The one shape both capture-file readers (pcap, pcapng) yield, and link-type numbers we know by name.

/** One captured frame as stored in the file, before link-layer decoding. */
export interface CaptureRecord {
  /** 1-based position in the file (the number Wireshark shows). */
  readonly index: number;
  /** Capture time in integer µs since the Unix epoch (ns files are truncated to µs). */
  readonly tsUs: number;
  /** False for pcapng Simple Packet Blocks, which carry no time: tsUs then repeats the previous record's. */
  readonly timestamped: boolean;
  /** LINKTYPE_* value of the interface the frame came from. */
  readonly linkType: number;
  /** Captured bytes (may be shorter than the frame when a snap length cut it). */
  readonly data: Uint8Array;
  /** Length of the frame on the wire. */
  readonly originalLength: number;
}

/** What a reader learned about the file besides its records. */
export interface CaptureFileInfo {
  format: 'pcap' | 'pcapng';
  /** Link type of every interface in the file, in order (classic pcap has exactly one). */
  linkTypes: number[];
  /** True when the file ends inside a record (tcpdump killed mid-write); records before it are kept. */
  truncated: boolean;
}

/** https://www.tcpdump.org/linktypes.html — the ones h1bench decodes. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW as some BSDs number it in files written by old libpcap. */
  RAW_BSD12: 12,
  RAW_BSD14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;
