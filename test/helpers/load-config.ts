// A complete LoadConfig for engine tests: sane defaults, each test overrides only what it is about.

import type { LoadConfig } from '../../src/client/engine.js';

export function loadConfig(url: URL | string, over: Partial<LoadConfig> = {}): LoadConfig {
  return {
    mode: '1.1',
    url: typeof url === 'string' ? new URL(url) : url,
    connections: 4,
    // A safety bound only: tests end on a request count or an abort.
    durationMs: 60_000,
    requests: null,
    rate: null,
    timeoutMs: 10_000,
    method: 'GET',
    headers: [],
    body: null,
    pipelining: 10,
    ...over,
  };
}
