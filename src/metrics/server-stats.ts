// Arithmetic on the embedded server's /stats counters: deltas between snapshots and sums over runs.

import type { ServerStats } from '../measurements.js';

/**
 * Field-wise a − b over every numeric counter and every map of counters (responsesByStatus), so
 * counters the server adds later are carried without touching this code.
 */
export function subtract(a: ServerStats, b: ServerStats): ServerStats {
  return combineStats(a, b, -1);
}

/** Count objects with a fixed set of keys: every key stays, zeros included (the report schema requires them). */
const FIXED_SHAPE = new Set(['tlsHandshakes']);

/** a + sign × b, field by field; zero entries of open count maps (by status, by code) are dropped. */
export function combineStats(a: ServerStats, b: ServerStats, sign: 1 | -1): ServerStats {
  const out: Record<string, unknown> = {};
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const x = left[key];
    const y = right[key];
    if (typeof x === 'number' || typeof y === 'number') {
      out[key] = (typeof x === 'number' ? x : 0) + sign * (typeof y === 'number' ? y : 0);
    } else if (isCounts(x) || isCounts(y)) {
      const mx = isCounts(x) ? x : {};
      const my = isCounts(y) ? y : {};
      const counts: Record<string, number> = {};
      for (const name of new Set([...Object.keys(mx), ...Object.keys(my)])) {
        const value = (mx[name] ?? 0) + sign * (my[name] ?? 0);
        if (value !== 0 || FIXED_SHAPE.has(key)) counts[name] = value;
      }
      out[key] = counts;
    } else {
      out[key] = x ?? y;
    }
  }
  return out as unknown as ServerStats;
}

function isCounts(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'number');
}
