// `--start-at`: the shards of one run wait for a shared wall-clock instant, then measure from a second shared instant.

/**
 * How long after the end of the planned warm-up the measured phase starts. The warm-up load ends at
 * start-at + warm-up, then drains, closes its sockets (bounded at 1 s by the native engine, usually one round trip)
 * and the views are read: the slack absorbs that, so every shard starts measuring at the same planned instant
 * instead of whenever its own warm-up happened to finish.
 */
export const MEASURE_SLACK_MS = 500;

/**
 * The wall-clock instant (epoch ms) the measured phase of a `--start-at` run starts: the start instant itself without
 * a warm-up, else start-at + warm-up + {@link MEASURE_SLACK_MS}.
 */
export function plannedMeasureStartMs(startAtMs: number, warmupMs: number): number {
  return warmupMs > 0 ? startAtMs + warmupMs + MEASURE_SLACK_MS : startAtMs;
}

/** Re-arms per wait at most this often: a wall clock stepped back (NTP) while waiting cannot make the wait spin. */
const MAX_REARMS = 16;

/**
 * Resolve at wall-clock `atMs` (epoch ms, Date.now()'s clock: the shards of a run agree on wall time, not on any
 * monotonic clock), at once if it has passed, or as soon as `signal` aborts. Node timers never fire early, and a
 * clock stepped while waiting is caught by re-checking (at most {@link MAX_REARMS} times).
 *
 * @param now the wall clock (injectable for tests)
 */
export function waitUntilWallClock(atMs: number, signal: AbortSignal, now: () => number = Date.now): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    let rearms = 0;
    const finish = (): void => {
      if (timer !== null) clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const check = (): void => {
      const remaining = atMs - now();
      if (remaining <= 0 || signal.aborted || rearms++ >= MAX_REARMS) return finish();
      timer = setTimeout(check, remaining);
    };
    signal.addEventListener('abort', finish, { once: true });
    check();
  });
}
