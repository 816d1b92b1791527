// Counters and histograms of one measured phase; transports feed it with positional arguments, no objects per event.

import type { ConnectionCounters } from '../client/engine.js';
import type { ErrorCode } from '../errors.js';
import type { TimelinePoint } from '../report/schema.js';
import { createHistogram, recordUs, type Histogram } from './histogram.js';
import { Timeline } from './timeline.js';

/** Status codes are three digits (the parser enforces it), so a flat array indexes them without string keys. */
const STATUS_SLOTS = 1000;

/**
 * Everything measured in the counted phase. While `active` is false (warm-up) every call is a no-op, so the hot path
 * never branches on the phase itself. Open-socket bookkeeping (`open`, `maxOpen`) runs in every phase.
 */
export class LoadRecorder {
  active = false;
  sent = 0;
  completed = 0;
  non2xx = 0;
  bytesIn = 0;
  /** Requests that ended in a classified failure (timeouts, resets, refused connects, parse errors). */
  failed = 0;
  open = 0;
  readonly connections: ConnectionCounters = { opened: 0, closedByServer: 0, closedByClient: 0, reset: 0, maxOpen: 0 };
  readonly latency: Histogram = createHistogram();
  readonly connect: Histogram = createHistogram();
  readonly ttfb: Histogram = createHistogram();
  /** Open loop only: latency from the actual send, not the intended one. */
  readonly uncorrected: Histogram | null;
  readonly timeline = new Timeline();
  private readonly statusCounts = new Uint32Array(STATUS_SLOTS);
  private readonly errorCounts = new Map<ErrorCode, number>();

  constructor(openLoop: boolean) {
    this.uncorrected = openLoop ? createHistogram() : null;
  }

  /** Start counting (after warm-up): everything before is forgotten. */
  begin(nowUs: number): void {
    this.active = true;
    this.sent = 0;
    this.completed = 0;
    this.non2xx = 0;
    this.bytesIn = 0;
    this.failed = 0;
    this.connections.opened = 0;
    this.connections.closedByServer = 0;
    this.connections.closedByClient = 0;
    this.connections.reset = 0;
    this.connections.maxOpen = this.open;
    this.latency.reset();
    this.connect.reset();
    this.ttfb.reset();
    this.uncorrected?.reset();
    this.statusCounts.fill(0);
    this.errorCounts.clear();
    this.timeline.start(nowUs);
  }

  requestsSent(count: number): void {
    if (this.active) this.sent += count;
  }

  bytes(count: number): void {
    if (this.active) this.bytesIn += count;
  }

  /** A complete response: `latencyUs` from the intended send (open loop) or the send, `uncorrectedUs` from the send. */
  response(nowUs: number, status: number, latencyUs: number, uncorrectedUs: number): void {
    if (!this.active) return;
    this.completed++;
    this.statusCounts[status]!++;
    recordUs(this.latency, latencyUs);
    if (this.uncorrected !== null) recordUs(this.uncorrected, uncorrectedUs);
    this.timeline.request(nowUs, latencyUs);
    // Non-2xx answers are counted apart (requests.non2xx), not as errors: the timeline's errors
    // mean what requests.errors means, for every engine.
    if (status < 200 || status > 299) this.non2xx++;
  }

  firstByte(ttfbUs: number): void {
    if (this.active) recordUs(this.ttfb, ttfbUs);
  }

  /** `count` requests failed with `code` (one socket error can fail every request pipelined on it). */
  error(nowUs: number, code: ErrorCode, count: number): void {
    if (!this.active || count === 0) return;
    this.failed += count;
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + count);
    this.timeline.error(nowUs, count);
  }

  socketOpened(nowUs: number, connectUs: number): void {
    this.open++;
    if (!this.active) return;
    this.connections.opened++;
    if (this.open > this.connections.maxOpen) this.connections.maxOpen = this.open;
    recordUs(this.connect, connectUs);
    this.timeline.connection(nowUs);
  }

  /** A connected socket closed: who sent the first FIN, or an RST. */
  socketClosed(how: 'server' | 'client' | 'reset'): void {
    this.open--;
    if (this.active) this.countClose(how);
  }

  /**
   * A socket that opened in the measured phase closed after reading `bytesRead` bytes; counted even once the phase
   * has ended: engines that see a socket's bytes only at its close (undici, autocannon) learn of most closes after
   * the measured phase, yet they belong to it. Such engines report only measured sockets to socketOpened, so
   * `open` counts exactly the measured sockets still open.
   */
  measuredSocketClosed(how: 'server' | 'client' | 'reset', bytesRead: number): void {
    this.open--;
    this.bytesIn += bytesRead;
    this.countClose(how);
  }

  statusCodes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let s = 0; s < STATUS_SLOTS; s++) if (this.statusCounts[s]! > 0) out[String(s)] = this.statusCounts[s]!;
    return out;
  }

  /** H1B_* failures plus `HTTP_<status>` for every non-2xx response, as LoadResult.errors wants. */
  errors(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [code, count] of this.errorCounts) out[code] = count;
    for (let s = 0; s < STATUS_SLOTS; s++) {
      if ((s < 200 || s > 299) && this.statusCounts[s]! > 0) out[`HTTP_${s}`] = this.statusCounts[s]!;
    }
    return out;
  }

  timelinePoints(endUs: number): TimelinePoint[] {
    return this.timeline.finish(endUs);
  }

  private countClose(how: 'server' | 'client' | 'reset'): void {
    if (how === 'server') this.connections.closedByServer++;
    else if (how === 'client') this.connections.closedByClient++;
    else this.connections.reset++;
  }
}
