// `bench trace` core: capture a tiny exchange with a target on loopback and reconstruct its connections.

import { readFile } from 'node:fs/promises';
import { analyzeCapture, type CaptureAnalysis } from './analyze.js';
import { PacketCapture, type CaptureStats } from './capture.js';
import { tinyExchange, type ExchangeResult, type ExchangeVia } from './exchange.js';

export interface LiveTraceOptions {
  readonly url: URL;
  readonly mode: '1.0' | '1.1';
  readonly requests: number;
  /** Where tcpdump writes the capture. */
  readonly file: string;
  readonly timeoutMs?: number;
  /** The address to connect to and the TLS options (https://); default: the URL's host, plain TCP. */
  readonly via?: ExchangeVia;
  /** Interface tcpdump listens on; default `lo` (`any` inside an emulated path's client namespace). */
  readonly iface?: string;
}

export interface LiveTrace {
  /** What the exchange got; null when it failed (then `failure` says why and the capture shows how). */
  readonly exchange: ExchangeResult | null;
  /** Why the exchange failed (refused, reset, timed out); null when it completed. */
  readonly failure: Error | null;
  readonly capture: CaptureStats;
  readonly analysis: CaptureAnalysis;
}

/**
 * Start tcpdump on the target's port, run the exchange, stop tcpdump (always), and analyse the file. A failed exchange
 * is traced too: a closed port answers the SYN with an RST, and that exchange is exactly what the user asked to see.
 */
export async function traceExchange(options: LiveTraceOptions): Promise<LiveTrace> {
  const port = Number(options.url.port || (options.url.protocol === 'https:' ? 443 : 80));
  const address = options.via?.address ?? options.url.hostname.replace(/^\[(.*)\]$/, '$1');
  // Loopback traffic is on `lo`; anything else may leave by any interface (Linux "any": cooked SLL2 frames), and an
  // emulated path's client namespace says which (`any`).
  const iface = options.iface ?? (isLoopback(address) ? 'lo' : 'any');
  // 4 KiB per packet keeps small HTTP messages and TLS handshake records whole; the exchange is too small to fill the ring.
  const capture = await PacketCapture.start({ file: options.file, port, snapLength: 4096, iface });
  let exchange: ExchangeResult | null = null;
  let failure: Error | null = null;
  let stats: CaptureStats;
  try {
    exchange = await tinyExchange(options.url, options.mode, options.requests, options.timeoutMs, options.via);
  } catch (error) {
    // Kept, not thrown: the caller draws the capture first, then reports the failure.
    failure = error instanceof Error ? error : new Error(String(error));
  } finally {
    // Stop even when the exchange failed, so no tcpdump outlives the command.
    stats = await capture.stop();
  }
  const analysis = analyzeCapture(await readFile(options.file), { serverPort: port });
  return { exchange, failure, capture: stats, analysis };
}

/** 127.0.0.0/8, ::1 and the IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.') || address === 'localhost';
}
