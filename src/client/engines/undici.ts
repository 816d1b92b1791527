// Reference engine on undici's Pool: closed or open loop, handshakes counted exactly by a wrapping connector.

import type { Dispatcher } from 'undici';
import { monotonicClock, type Clock } from '../../clock.js';
import type { LoadResult } from '../../measurements.js';
import { LoadEngine, type LoadConfig } from '../engine.js';
import { ReferenceRun } from './reference-run.js';
import { UndiciLoad } from './undici-load.js';
import { packageVersion } from './versions.js';

const VERSION = packageVersion('undici');
/** How long the end of a run waits for in-flight requests before abandoning them. */
const DEFAULT_DRAIN_BOUND_MS = 5_000;
const CLOSE_BOUND_MS = 2_000;

function dispatchOptions(config: LoadConfig): Dispatcher.DispatchOptions {
  const headers: string[] = [];
  for (const [name, value] of config.headers) headers.push(name, value);
  return {
    origin: config.url.origin,
    path: `${config.url.pathname}${config.url.search}`,
    method: config.method as Dispatcher.HttpMethod,
    headers,
    body: config.body,
    // undici would otherwise hold back pipelining until each GET's headers arrive.
    blocking: false,
    // 1.0 mode: undici only speaks HTTP/1.1, so the nearest it gets is `Connection: close` per request.
    reset: config.mode === '1.0',
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    // undici re-derives SNI from the request's host and reconnects when it differs: --servername must be said here.
    ...(config.tls?.servername != null ? { servername: config.tls.servername } : {}),
  } as Dispatcher.DispatchOptions;
}

/** A timer that also ends on abort; `cancel()` clears it so a finished run leaves no handle behind. */
function waitOrAbort(ms: number, signal: AbortSignal): { done: Promise<void>; cancel: () => void } {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(end, ms);
    signal.addEventListener('abort', end, { once: true });
    function end(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', end);
      resolve();
    }
    finish = end;
    if (signal.aborted) end();
  });
  return { done, cancel: finish };
}

export class UndiciEngine extends LoadEngine {
  readonly name = 'undici' as const;

  constructor(private readonly clock: Clock = monotonicClock) {
    super();
  }

  protected async load(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
    const options = dispatchOptions(config);
    const drainBoundMs = config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_DRAIN_BOUND_MS;
    const recorder = new ReferenceRun(this.clock, config.rate !== null, config.durationMs, config.requests, (config.tls ?? null) !== null);
    this.current = recorder;
    recorder.counts.onFirstResponse = this.first.counted;
    const load = new UndiciLoad(recorder, config, options, config.requests ?? Number.POSITIVE_INFINITY);
    let abandoned = 0;
    if (config.rate !== null) {
      await load.ready();
      recorder.restart();
    }
    if (!signal.aborted) {
      load.start();
      // With --requests the duration is only a safety bound.
      const limitReached = config.requests === null ? new Promise<void>(() => undefined) : load.whenLimitReached();
      const deadline = waitOrAbort(config.durationMs, signal);
      await Promise.race([limitReached, deadline.done]);
      deadline.cancel();
      recorder.beginDrain();
      abandoned = signal.aborted ? 0 : await load.stop(drainBoundMs);
    }
    recorder.finish();
    await load.destroy();
    await recorder.whenAllClosed(CLOSE_BOUND_MS);

    const notes = [
      `undici ${VERSION} speaks HTTP/1.1 only${config.mode === '1.0' ? ": 1.0 mode sends HTTP/1.1 requests with 'Connection: close', one connection per request" : ''}.`,
      'Handshakes are counted and timed exactly by a connector wrapping undici.buildConnector (µs).',
      'TTFB runs to the first response byte (undici onResponseStarted); latency to the end of the response.',
    ];
    if (config.tls != null) {
      notes.push(
        `TLS through undici's connector: one SecureContext for the load, ${config.tls.resume ? "its session cache offering each new connection the latest session for the server name" : 'its session cache off (maxCachedSessions: 0): every handshake is full'}; handshakes counted and timed from each socket's 'secureConnect'.`,
      );
    }
    if (config.timeoutMs > 0) {
      notes.push("undici runs its headers/body timeouts on coarse timers: a timeout fires up to about 1 s after --timeout.");
    }
    if (abandoned > 0) notes.push(`${abandoned} requests were still in flight ${drainBoundMs} ms after the end and were abandoned.`);
    return recorder.toResult({
      engine: 'undici',
      engineVersion: VERSION,
      httpVersionOnWire: '1.1',
      interrupted: signal.aborted,
      countsConnections: true,
      // undici sends unanswered pipelined requests again after a close without telling: not countable.
      resent: null,
      abandoned: signal.aborted ? null : abandoned,
      notes,
      resolution: { latency: '1 µs', connect: '1 µs', ttfb: '1 µs' },
    });
  }
}
