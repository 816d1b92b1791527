// The suite's headline table and its RTT what-if model, computed from measured figures (pure; stored in SuiteReport.model).
//
// On loopback a round trip costs microseconds, so 1.0 and 1.1 look closer than they are on a real network. The
// model adds round trips back: each request needs 1 round trip for request/response, plus one per TCP handshake
// (the measured handshakes per request: ~1 in 1.0, ~0 in 1.1), and a pipelined batch of d requests shares one
// round trip. It is labelled a model: it ignores TLS (1-2 more round trips per handshake), slow start, loss,
// bandwidth and any change in server behaviour.

import { median } from './stats.js';
import { runSamples } from './compare.js';
import type { SuiteCase } from './schema.js';

export const MODEL_RTTS_MS: readonly number[] = Object.freeze([1, 10, 50, 100]);

/** One suite case's headline figures: medians across its runs. */
export interface CaseHeadline {
  id: string;
  mode: string;
  connections: number;
  pipelining: number;
  runs: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  connectP50Ms: number;
  handshakesPerRequest: number;
  /** Load generator CPU per completed request (µs), over all runs. */
  clientCpuUsPerRequest: number | null;
  /** Embedded server CPU per completed request (µs); null for --url targets. */
  serverCpuUsPerRequest: number | null;
}

export interface RttPrediction {
  rttMs: number;
  requestsPerSec: number;
  p50Ms: number;
}

export interface CaseModel {
  id: string;
  mode: string;
  connections: number;
  /** Loopback time per request per connection: connections / req/s. */
  loopbackCycleMs: number;
  /** Round trips each request waits for: 1 + handshakes/req, or 1/depth + handshakes/req when pipelined. */
  roundTripsPerRequest: number;
  predictions: RttPrediction[];
}

export interface SuiteModel {
  kind: 'rtt-model';
  note: string;
  rttsMs: number[];
  headlines: CaseHeadline[];
  cases: CaseModel[];
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function caseHeadline(item: SuiteCase): CaseHeadline {
  const runs = runSamples(item.report);
  const completed = item.report.requests.completed;
  const clientCpu = item.report.cpu.userSec + item.report.cpu.systemSec;
  const serverCpu = item.report.server.cpuSec;
  return {
    id: item.id,
    mode: item.mode,
    connections: item.connections,
    pipelining: item.report.config.pipelining,
    runs: runs.length,
    requestsPerSec: round(median(runs.map((run) => run.throughput.requestsPerSec)), 3),
    p50Ms: round(median(runs.map((run) => run.latencyMs.p50)), 3),
    p99Ms: round(median(runs.map((run) => run.latencyMs.p99)), 3),
    connectP50Ms: round(median(runs.map((run) => run.connectMs.p50)), 3),
    handshakesPerRequest: round(median(runs.map((run) => run.handshakesPerRequest)), 6),
    clientCpuUsPerRequest: completed > 0 ? round((clientCpu / completed) * 1e6, 2) : null,
    serverCpuUsPerRequest: completed > 0 && serverCpu !== null ? round((serverCpu / completed) * 1e6, 2) : null,
  };
}

/** The RTT model of one case from its headline figures. */
export function caseModel(headline: CaseHeadline, rttsMs: readonly number[] = MODEL_RTTS_MS): CaseModel {
  const cycleMs = headline.requestsPerSec > 0 ? (headline.connections / headline.requestsPerSec) * 1000 : Number.POSITIVE_INFINITY;
  const depth = headline.mode === 'pipeline' ? Math.max(1, headline.pipelining) : 1;
  const roundTrips = 1 / depth + headline.handshakesPerRequest;
  // A request's own latency still waits a whole round trip (its batch's), plus its share of handshakes.
  const latencyRoundTrips = 1 + headline.handshakesPerRequest;
  return {
    id: headline.id,
    mode: headline.mode,
    connections: headline.connections,
    loopbackCycleMs: round(cycleMs, 6),
    roundTripsPerRequest: round(roundTrips, 6),
    predictions: rttsMs.map((rttMs) => ({
      rttMs,
      requestsPerSec: Number.isFinite(cycleMs) ? round((headline.connections / (cycleMs + roundTrips * rttMs)) * 1000, 1) : 0,
      p50Ms: round(headline.p50Ms + latencyRoundTrips * rttMs, 3),
    })),
  };
}

export const MODEL_NOTE =
  'Model, not a measurement: each request adds (1 + handshakes/request) round trips to the loopback time ' +
  '(1/depth + handshakes/request when pipelined); ignores TLS, slow start, loss and bandwidth.';

export function suiteModel(cases: readonly SuiteCase[], rttsMs: readonly number[] = MODEL_RTTS_MS): SuiteModel {
  const headlines = cases.map(caseHeadline);
  return {
    kind: 'rtt-model',
    note: MODEL_NOTE,
    rttsMs: [...rttsMs],
    headlines,
    cases: headlines.map((headline) => caseModel(headline, rttsMs)),
  };
}
