// Child process for bench:peers: runs one engine so its CPU can be read by PID; ready/go lines bracket the measurement.
//
// Protocol (stdin/stdout, one line each): child prints "ready" after loading and warming up; the parent
// reads /proc/<pid>/stat and writes "go"; the child runs, prints its figures as JSON and waits; the
// parent reads /proc/<pid>/stat again and closes stdin, and the child exits.

import { createInterface } from 'node:readline';
import type { LoadConfig } from '../../src/client/engine.js';
import { loadEngine } from '../../src/client/engines/index.js';
import type { ClientMode, EngineName } from '../../src/types.js';

export interface LoadChildRequest {
  engine: EngineName;
  mode: ClientMode;
  url: string;
  connections: number;
  pipelining: number;
  durationMs: number;
  warmupMs: number;
  /** https://: the CA (PEM) that signed the server's certificate, and whether to resume sessions. */
  tls?: { ca: string; resume: boolean };
}

export interface LoadChildResult {
  completed: number;
  measuredUs: number;
  p50Us: number;
  p99Us: number;
  errors: number;
  handshakes: number | null;
  notes: string[];
}

const request = JSON.parse(process.argv[2] ?? '{}') as LoadChildRequest;
const factory = await loadEngine(request.engine);

function config(durationMs: number): LoadConfig {
  return {
    mode: request.mode,
    url: new URL(request.url),
    connections: request.connections,
    durationMs,
    requests: null,
    rate: null,
    timeoutMs: 0,
    method: 'GET',
    headers: [],
    body: null,
    pipelining: request.pipelining,
    tls:
      request.tls === undefined
        ? null
        : {
            extraCa: [request.tls.ca],
            cert: null,
            key: null,
            rejectUnauthorized: true,
            servername: null,
            verifyName: new URL(request.url).hostname,
            resume: request.tls.resume,
            maxVersion: 'TLSv1.3',
          },
  };
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const never = new AbortController().signal;
// The warm-up is its own run so its CPU (JIT, first connections) falls outside the measured window.
if (request.warmupMs > 0) await factory().run(config(request.warmupMs), never);
process.stdout.write('ready\n');
await lines.next();
const result = await factory().run(config(request.durationMs), never);
const errors = Object.entries(result.errors)
  .filter(([code]) => !code.startsWith('HTTP_'))
  .reduce((sum, [, count]) => sum + count, 0);
const figures: LoadChildResult = {
  completed: result.completed,
  measuredUs: result.measuredUs,
  p50Us: result.latency.getValueAtPercentile(50),
  p99Us: result.latency.getValueAtPercentile(99),
  errors: errors + result.non2xx,
  handshakes: result.connections?.opened ?? null,
  notes: result.notes,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
await lines.next();
process.exit(0);
