// One call from capture bytes to reconstructed connections: decode every TCP segment, track flows.

import { decodeCapture, type DecodeSummary } from './decode.js';
import { TcpFlowTracker, type FlowOptions, type TcpFlowSummary } from './tcp-flows.js';

export interface CaptureAnalysis {
  readonly file: DecodeSummary;
  readonly flows: TcpFlowSummary;
}

/** Decode a pcap/pcapng file's bytes and reconstruct its TCP connections (throws H1B_PCAP_* errors). */
export function analyzeCapture(bytes: Uint8Array, options: FlowOptions = {}): CaptureAnalysis {
  const tracker = new TcpFlowTracker(options);
  const file = decodeCapture(bytes, (segment) => tracker.add(segment));
  return { file, flows: tracker.finish() };
}
