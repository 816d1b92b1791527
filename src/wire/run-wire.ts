// The wire view of `bench run --capture`: tcpdump the measured phase, then count handshakes and teardowns in it.

import { readFile } from 'node:fs/promises';
import type { WireCounts } from '../measurements.js';
import { analyzeCapture } from './analyze.js';
import { PacketCapture } from './capture.js';

export interface RunCapture {
  /** Flush and stop tcpdump, then count the file. */
  finish(): Promise<WireCounts>;
  /** Stop tcpdump without counting (the run failed). */
  abort(): Promise<void>;
}

/** `cap.pcap` → `cap-run2.pcap` for the second of several --runs, so each run keeps its own file. */
export function captureFileFor(file: string, run: number): string {
  if (run <= 1) return file;
  const dot = file.lastIndexOf('.');
  const slash = file.lastIndexOf('/');
  return dot > slash + 1 ? `${file.slice(0, dot)}-run${run}${file.slice(dot)}` : `${file}-run${run}`;
}

/**
 * Start tcpdump on `port` (headers only) for the measured phase of run number `run`, on `iface` (`lo`; `any` in an
 * emulated path's client namespace, where the traffic crosses the path device and the flush marker goes over lo).
 */
export async function startRunCapture(file: string, port: number, run: number, iface = 'lo'): Promise<RunCapture> {
  const path = captureFileFor(file, run);
  const capture = await PacketCapture.start({ file: path, port, iface });
  return {
    async finish(): Promise<WireCounts> {
      const stats = await capture.stop();
      // Counts only: a long run holds millions of segments, so no per-packet ladder data is kept.
      const { flows } = analyzeCapture(await readFile(path), { serverPort: port, keepPackets: false });
      return {
        handshakes: flows.handshakes,
        teardowns: { ...flows.teardowns },
        section: {
          files: [path],
          connections: flows.connections.length,
          segments: flows.segments,
          syn: flows.syn,
          synAck: flows.synAck,
          fin: flows.fin,
          rst: flows.rst,
          dataSegments: flows.dataSegments,
          retransmissions: flows.retransmissions,
          failedHandshakes: flows.failedHandshakes,
          stillOpen: flows.open,
          preexisting: flows.preexisting,
          droppedByKernel: stats.droppedByKernel,
          flushed: stats.flushed,
        },
      };
    },
    async abort(): Promise<void> {
      await capture.stop();
    },
  };
}
