// Wire and namespace views for `bench run`: capture the measured phase, count it, and add the results to a report.

import { readFile } from 'node:fs/promises';
import type { RunReport } from '../report/schema.js';
import { analyzeCapture } from './analyze.js';
import { PacketCapture, type CaptureStats } from './capture.js';
import type { Teardowns, TcpFlowSummary } from './tcp-flows.js';

/** What one run's capture showed; `applyWireCounts` copies it into the report. */
export interface WireCounts {
  readonly file: string;
  readonly handshakes: number;
  readonly teardowns: Teardowns;
  readonly flows: Omit<TcpFlowSummary, 'connections'> & { connections: number };
  readonly capture: CaptureStats;
}

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

/** Start tcpdump on `port` (headers only) for the measured phase of run number `run`. */
export async function startRunCapture(file: string, port: number, run: number): Promise<RunCapture> {
  const path = captureFileFor(file, run);
  const capture = await PacketCapture.start({ file: path, port });
  return {
    async finish(): Promise<WireCounts> {
      const stats = await capture.stop();
      // Counts only: a long run holds millions of segments, so no per-packet ladder data is kept.
      const { flows } = analyzeCapture(await readFile(path), { serverPort: port, keepPackets: false });
      const { connections, ...rest } = flows;
      return { file: path, handshakes: flows.handshakes, teardowns: flows.teardowns, flows: { ...rest, connections: connections.length }, capture: stats };
    },
    async abort(): Promise<void> {
      await capture.stop();
    },
  };
}

/** Add handshakes.wire, teardowns.wire, a `wire` section, their sources and any caveat to a run report. */
export function applyWireCounts(report: RunReport, counts: WireCounts): RunReport {
  report.handshakes.wire = counts.handshakes;
  report.teardowns = { wire: { ...counts.teardowns } };
  report['wire'] = {
    file: counts.file,
    connections: counts.flows.connections,
    segments: counts.flows.segments,
    syn: counts.flows.syn,
    synAck: counts.flows.synAck,
    fin: counts.flows.fin,
    rst: counts.flows.rst,
    dataSegments: counts.flows.dataSegments,
    retransmissions: counts.flows.retransmissions,
    failedHandshakes: counts.flows.failedHandshakes,
    stillOpen: counts.flows.open,
    preexisting: counts.flows.preexisting,
    droppedByKernel: counts.capture.droppedByKernel,
  };
  report.sources['handshakes.wire'] = {
    source: 'wire',
    resolution: 'count',
    note: `tcpdump -i lo capture of the measured phase (${counts.file}): connections whose SYN, SYN-ACK and ACK were all seen`,
  };
  report.sources['teardowns.wire'] = {
    source: 'wire',
    resolution: 'count',
    note: 'per connection opened in the capture: whose FIN came first, or reset when an RST came before any FIN',
  };
  for (const note of wireNotes(counts)) report.notes.push(note);
  return report;
}

function wireNotes(counts: WireCounts): string[] {
  const notes: string[] = [];
  if (counts.capture.droppedByKernel) {
    notes.push(`tcpdump dropped ${counts.capture.droppedByKernel} packet(s) (capture ring full): wire counts are a lower bound`);
  }
  if (!counts.capture.flushed) notes.push('tcpdump did not confirm its flush: the last packets of the capture may be missing');
  if (counts.flows.open > 0) {
    notes.push(`${counts.flows.open} captured connection(s) had not closed when the capture stopped: not in teardowns.wire`);
  }
  if (counts.flows.preexisting > 0) {
    notes.push(`${counts.flows.preexisting} connection(s) were already open when the capture started (warm-up or probes): not counted on the wire`);
  }
  return notes;
}

/** For --runs N: sum each run's wire counts into the merged report (mergeRunReports does not know them). */
export function mergeWireCounts(merged: RunReport, reports: readonly RunReport[]): RunReport {
  if (reports.length < 2 || reports.some((report) => report.handshakes.wire === undefined || !report.teardowns)) return merged;
  merged.handshakes.wire = reports.reduce((sum, report) => sum + (report.handshakes.wire ?? 0), 0);
  const teardowns: Teardowns = { serverFirst: 0, clientFirst: 0, reset: 0 };
  for (const report of reports) {
    teardowns.serverFirst += report.teardowns!.wire.serverFirst;
    teardowns.clientFirst += report.teardowns!.wire.clientFirst;
    teardowns.reset += report.teardowns!.wire.reset;
  }
  merged.teardowns = { wire: teardowns };
  merged['wire'] = reports.map((report) => report['wire']);
  return merged;
}

/** --netns could not be honoured (not root, no iproute2): say why the kernel count is approximate. */
export function applyNetnsFallback(report: RunReport, reason: string): RunReport {
  const text = `--netns was requested but not possible (${reason}); the run used the host namespace, so kernel counts include other processes`;
  report.notes.push(text);
  if (report.handshakes.kernel) report.handshakes.kernel.note = `${text}. ${report.handshakes.kernel.note}`;
  return report;
}
