// The --log-liveness JSON-lines format: one line per liveness event, written by `bench serve`, read by `bench heartbeat`.

import type { ConnectionEndKind, LivenessEvent, LivenessState, TransitionCause } from './liveness.js';

/**
 * Times are monotonic µs (CLOCK_MONOTONIC via process.hrtime), which every process on one Linux
 * host shares, so the generator can subtract its own injection time from the server's verdict
 * time without the pipe's delay. `wallMs` is for humans reading the log.
 */
export function formatLivenessEvent(event: LivenessEvent, wallMs: number): string {
  if (event.type === 'connection-end') {
    return `{"liveness":"connection-end","id":${JSON.stringify(event.id)},"kind":"${event.kind}","atUs":${event.atUs},"wallMs":${wallMs}}\n`;
  }
  return (
    `{"liveness":"transition","id":${JSON.stringify(event.id)},"from":"${event.from}","to":"${event.to}",` +
    `"cause":"${event.cause}","atUs":${event.atUs},"lastSeenUs":${event.lastSeenUs},"timeoutMs":${event.timeoutUs / 1000},"wallMs":${wallMs}}\n`
  );
}

const STATES = new Set(['online', 'offline']);
const CAUSES = new Set(['beat', 'silent', 'close', 'reset', 'timeout']);
const ENDS = new Set(['close', 'reset', 'timeout']);

/** Parse one line of the log; null for any other line (the server's stderr carries other text too). */
export function parseLivenessLine(line: string): LivenessEvent | null {
  if (!line.startsWith('{"liveness":')) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null; // a truncated line at shutdown is not an event
  }
  const id = value['id'];
  const atUs = value['atUs'];
  if (typeof id !== 'string' || typeof atUs !== 'number') return null;
  if (value['liveness'] === 'connection-end') {
    const kind = value['kind'];
    if (typeof kind !== 'string' || !ENDS.has(kind)) return null;
    return { type: 'connection-end', id, kind: kind as ConnectionEndKind, atUs };
  }
  const from = value['from'];
  const to = value['to'];
  const cause = value['cause'];
  const lastSeenUs = value['lastSeenUs'];
  const timeoutMs = value['timeoutMs'];
  if (typeof to !== 'string' || !STATES.has(to) || typeof cause !== 'string' || !CAUSES.has(cause)) return null;
  if (typeof from !== 'string' || (from !== 'new' && !STATES.has(from))) return null;
  if (typeof lastSeenUs !== 'number' || typeof timeoutMs !== 'number') return null;
  return {
    type: 'transition',
    id,
    from: from as LivenessState | 'new',
    to: to as LivenessState,
    atUs,
    lastSeenUs,
    timeoutUs: Math.round(timeoutMs * 1000),
    cause: cause as TransitionCause,
  };
}
