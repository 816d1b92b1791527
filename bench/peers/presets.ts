// bench:peers presets: how long each pair runs and which servers, generators and modes take part.

import type { ClientMode } from '../../src/types.js';
import type { GeneratorName, LoadShape } from './generators.js';
import type { ServerName } from './servers.js';

export interface PeersPreset extends LoadShape {
  readonly name: string;
  readonly servers: readonly ServerName[];
  readonly generators: readonly GeneratorName[];
  readonly modes: readonly ClientMode[];
}

const ALL_MODES: readonly ClientMode[] = ['1.0', '1.1', 'pipeline'];

export const PRESETS: Record<string, PeersPreset> = {
  // 36 pairs × (0.5 s warm-up + 3 s + process start) ≈ 3 minutes.
  quick: {
    name: 'quick', connections: 50, pipelining: 10, durationMs: 3_000, warmupMs: 500,
    servers: ['h1bench', 'node:http', 'nginx'], generators: ['native', 'undici', 'autocannon', 'wrk'], modes: ALL_MODES,
  },
  // The figures for the README: 10 s per pair, about 8 minutes.
  full: {
    name: 'full', connections: 50, pipelining: 10, durationMs: 10_000, warmupMs: 1_000,
    servers: ['h1bench', 'node:http', 'nginx'], generators: ['native', 'undici', 'autocannon', 'wrk'], modes: ALL_MODES,
  },
  // For the test suite: seconds, just enough pairs to fill every ratio table (wrk runs its minimum, 1 s).
  tiny: {
    name: 'tiny', connections: 4, pipelining: 4, durationMs: 300, warmupMs: 0,
    servers: ['h1bench', 'node:http'], generators: ['native', 'autocannon', 'wrk'], modes: ['1.1', '1.0'],
  },
};
