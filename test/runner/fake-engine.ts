// A test Engine: records the configs it was given and, when asked, sends real requests (one connection each) with node:http.

import http from 'node:http';
import { FirstResponseSignal, type Engine, type LoadConfig, type LoadProgress } from '../../src/client/engine.js';
import type { LoadResult } from '../../src/measurements.js';
import { createHistogram, recordUs } from '../../src/metrics/histogram.js';

export interface FakeLog {
  configs: LoadConfig[];
}

/** One GET with `Connection: close` on a fresh connection; resolves with the status. */
function getOnce(url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('error', reject);
  });
}

/**
 * `requests` real requests per run when `real` is set (else none); with `untilAbort` the measured
 * run waits for the signal. Progress reports 'measure' once run() has started.
 */
export function fakeEngineFactory(log: FakeLog, options: { real?: number; untilAbort?: boolean } = {}): () => Engine {
  return () => {
    let phase: LoadProgress['phase'] = 'idle';
    const first = new FirstResponseSignal();
    return {
      name: 'native',
      progress: () => ({ phase, elapsedMs: 0, totalMs: null, completed: 0, targetRequests: null, errors: 0, live: null }),
      firstResponse: () => first.promise,
      async run(config: LoadConfig, signal: AbortSignal): Promise<LoadResult> {
        log.configs.push(config);
        phase = 'measure';
        const latency = createHistogram();
        let completed = 0;
        // The runner's tests use a 123 ms warm-up: that load sends nothing.
        const measured = config.durationMs !== 123;
        if (options.real && measured) {
          for (let i = 0; i < options.real; i++) {
            await getOnce(config.url);
            recordUs(latency, 100);
            if (completed++ === 0) first.counted();
          }
        }
        if (options.untilAbort && !signal.aborted) {
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        }
        first.ended();
        return {
          engine: 'native',
          engineVersion: 'fake',
          httpVersionOnWire: '1.1',
          startedAtMs: Date.now(),
          measuredUs: 1000,
          interrupted: signal.aborted,
          sent: completed,
          completed,
          non2xx: 0,
          statusCodes: completed > 0 ? { '200': completed } : {},
          bytesIn: 0,
          errors: {},
          errorSamples: {},
          connections: { opened: completed, closedByServer: completed, closedByClient: 0, reset: 0, maxOpen: 1, serverCloseLate: 0 },
          resent: 0,
          abandoned: 0,
          latency,
          connect: createHistogram(),
          ttfb: createHistogram(),
          uncorrectedLatency: null,
          sendLag: null,
          tls: null,
          timeline: [],
          notes: [],
          resolution: { latency: '1 µs', connect: '1 µs', ttfb: '1 µs' },
        };
      },
    };
  };
}
