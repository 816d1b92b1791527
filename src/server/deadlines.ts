// One server-wide sweep enforces every connection's deadline (idle, headers, body, stall, close linger).
//
// Why a sweep and not a timer per connection: the hot path then only stores a number per read (no timer
// insert/refresh per request), and one interval walks the open connections, as node:http's
// connectionsCheckingInterval does for its headers timeout. A deadline fires within one tick after it passes.

import type { IntervalHandle } from '../clock.js';
import type { ServerContext } from './context.js';
import type { DeadlineSlot } from './contracts.js';

// What a connection's single deadline means right now (Connection.onDeadline acts on it).
export const PHASE_NONE = 0;
/** Between requests: keep-alive idle timeout, then a silent close. */
export const PHASE_IDLE = 1;
/** A request's header section is arriving (or the first one is awaited): headers timeout, then 408. */
export const PHASE_HEADERS = 2;
/** A body is arriving: body timeout between reads, then 408. */
export const PHASE_BODY = 3;
/** The peer does not read our answers (backpressure): idle timeout, then the connection is dropped. */
export const PHASE_STALLED = 4;
/** We sent FIN: the peer gets CLOSE_LINGER_US to close its side, then the connection is dropped. */
export const PHASE_CLOSING = 5;

// What the connection is doing, as reported by Connection.updateDeadline.
export const STATUS_IDLE = 0;
export const STATUS_HEADERS = 1;
export const STATUS_BODY = 2;
export const STATUS_STALLED = 3;
export const STATUS_AWAITING = 4;
export const STATUS_CLOSING = 5;

/** After we send FIN, how long a peer may keep its side open (we drain its input) before we drop it. */
const CLOSE_LINGER_US = 2_000_000;


/**
 * Set the deadline for the connection's current status. Deadlines that must not be extended by a trickle of
 * bytes (headers: slowloris; closing; stalled) are armed once per phase; idle and body deadlines move on every read.
 */
export function armDeadline(slot: DeadlineSlot, status: number, served: number, ctx: ServerContext): void {
  const config = ctx.config;
  switch (status) {
    case STATUS_CLOSING:
      if (slot.phase !== PHASE_CLOSING) set(slot, PHASE_CLOSING, ctx.clock.nowUs() + CLOSE_LINGER_US);
      return;
    case STATUS_AWAITING:
      set(slot, PHASE_NONE, 0);
      return;
    case STATUS_STALLED:
      if (slot.phase !== PHASE_STALLED) set(slot, PHASE_STALLED, ctx.clock.nowUs() + config.keepAliveTimeoutMs * 1000);
      return;
    case STATUS_BODY:
      set(slot, PHASE_BODY, ctx.clock.nowUs() + config.bodyTimeoutMs * 1000);
      return;
    case STATUS_HEADERS:
      // Runs from the request's first byte (for the first request: from accept); later bytes do not extend it.
      if (slot.phase !== PHASE_HEADERS || slot.phaseServed !== served) {
        set(slot, PHASE_HEADERS, ctx.clock.nowUs() + config.headersTimeoutMs * 1000);
        slot.phaseServed = served;
      }
      return;
    default:
      set(slot, PHASE_IDLE, ctx.clock.nowUs() + config.keepAliveTimeoutMs * 1000);
  }
}

function set(slot: DeadlineSlot, phase: number, deadlineUs: number): void {
  slot.phase = phase;
  slot.deadlineUs = deadlineUs;
}

/** Tick = a tenth of the shortest timeout, within [10 ms, 1 s]. */
export function sweepIntervalMs(ctx: ServerContext): number {
  const c = ctx.config;
  const shortest = Math.min(c.keepAliveTimeoutMs, c.headersTimeoutMs, c.bodyTimeoutMs);
  return Math.min(1000, Math.max(10, Math.floor(shortest / 10)));
}

function sweep(ctx: ServerContext): void {
  const now = ctx.clock.nowUs();
  ctx.dates.get(Date.now()); // keeps pre-serialized Date headers fresh even when no request refreshes them
  for (const conn of ctx.connections) {
    if (conn.deadlineUs !== 0 && conn.deadlineUs <= now) conn.onDeadline();
  }
}

/** Start the sweep on `ctx.timers` (Node's timers in production; a test's ManualTimers fire it as its clock moves). */
export function startDeadlineSweep(ctx: ServerContext): IntervalHandle {
  const timer = ctx.timers.setInterval(sweep, sweepIntervalMs(ctx), ctx);
  // The listening socket keeps the process alive while the server runs; the sweep alone must not.
  timer.unref();
  return timer;
}
