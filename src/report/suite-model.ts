// The suite's headline table and its RTT what-if model, computed from measured figures (pure; stored in SuiteReport.model).
//
// On loopback a round trip costs microseconds, so 1.0 and 1.1 look closer than they are on a real network. The
// model adds round trips back: each request needs 1 round trip for request/response, plus one per TCP handshake
// (the measured handshakes per request: ~1 in 1.0, ~0 in 1.1), and a pipelined batch of d requests shares one
// round trip. It is labelled a model: it ignores TLS (1-2 more round trips per handshake), slow start, loss,
// bandwidth and any change in server behaviour.

import { median } from './stats.js';
import { runSamples } from './compare.js';
import type { CaseHeadline, CaseModel, MeasuredPoint, SuiteCase, SuiteModel } from './schema.js';
import { roundTo } from '../numbers.js';

export const MODEL_RTTS_MS: readonly number[] = Object.freeze([1, 10, 50, 100]);

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
    requestsPerSec: roundTo(median(runs.map((run) => run.throughput.requestsPerSec)), 3),
    p50Ms: roundTo(median(runs.map((run) => run.latencyMs.p50)), 3),
    p99Ms: roundTo(median(runs.map((run) => run.latencyMs.p99)), 3),
    connectP50Ms: roundTo(median(runs.map((run) => run.connectMs.p50)), 3),
    handshakesPerRequest: roundTo(median(runs.map((run) => run.handshakesPerRequest)), 6),
    clientCpuUsPerRequest: completed > 0 ? roundTo((clientCpu / completed) * 1e6, 2) : null,
    serverCpuUsPerRequest: completed > 0 && serverCpu !== null ? roundTo((serverCpu / completed) * 1e6, 2) : null,
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
    loopbackCycleMs: roundTo(cycleMs, 6),
    roundTripsPerRequest: roundTo(roundTrips, 6),
    predictions: rttsMs.map((rttMs) => ({
      rttMs,
      requestsPerSec: Number.isFinite(cycleMs) ? roundTo((headline.connections / (cycleMs + roundTrips * rttMs)) * 1000, 1) : 0,
      p50Ms: roundTo(headline.p50Ms + latencyRoundTrips * rttMs, 3),
    })),
  };
}

export const MODEL_NOTE =
  'Model, not a measurement: each request adds (1 + handshakes/request) round trips to the loopback time ' +
  '(1/depth + handshakes/request when pipelined); ignores TLS, slow start, loss and bandwidth.';

const pct = (value: number, of: number): number | null => (of > 0 ? roundTo(((value - of) / of) * 100, 1) : null);

/**
 * A case measured across an emulated path beside the model's prediction for its RTT from `base`, the loopback
 * case of the same mode and connections (null without one).
 */
export function measuredPoint(item: SuiteCase, base: CaseModel | null): MeasuredPoint | null {
  const path = item.report.path;
  if (!path) return null;
  const headline = caseHeadline(item);
  const prediction = base?.predictions.find((entry) => entry.rttMs === path.configured.rttMs) ?? null;
  return {
    id: item.id,
    baseId: base?.id ?? null,
    mode: item.mode,
    connections: item.connections,
    rttMs: path.configured.rttMs,
    pathRttP50Ms: path.measured.p50Ms,
    impl: path.impl,
    measured: {
      requestsPerSec: headline.requestsPerSec,
      p50Ms: headline.p50Ms,
      p99Ms: headline.p99Ms,
      connectP50Ms: headline.connectP50Ms,
      handshakesPerRequest: headline.handshakesPerRequest,
    },
    model: prediction ? { requestsPerSec: prediction.requestsPerSec, p50Ms: prediction.p50Ms } : null,
    diff: prediction
      ? {
          requestsPerSecPct: pct(headline.requestsPerSec, prediction.requestsPerSec),
          p50Ms: roundTo(headline.p50Ms - prediction.p50Ms, 3),
          p50Pct: pct(headline.p50Ms, prediction.p50Ms),
        }
      : null,
  };
}

/**
 * The model from the loopback cases, predicted at `rttsMs` and at every RTT a path case ran at; the path cases
 * (`bench suite --rtt`) as measured points beside those predictions.
 */
export function suiteModel(cases: readonly SuiteCase[], rttsMs: readonly number[] = MODEL_RTTS_MS): SuiteModel {
  const loopback = cases.filter((item) => !item.report.config.path);
  const onPath = cases.filter((item) => item.report.config.path);
  const rtts = [...new Set([...rttsMs, ...onPath.map((item) => item.report.config.path!.rttMs)])].sort((a, b) => a - b);
  const headlines = loopback.map(caseHeadline);
  const models = headlines.map((headline) => caseModel(headline, rtts));
  const model: SuiteModel = { kind: 'rtt-model', note: MODEL_NOTE, rttsMs: rtts, headlines, cases: models };
  if (onPath.length > 0) {
    const baseOf = (item: SuiteCase): CaseModel | null => models.find((entry) => entry.mode === item.mode && entry.connections === item.connections) ?? null;
    model.measured = onPath.map((item) => measuredPoint(item, baseOf(item))).filter((point): point is MeasuredPoint => point !== null);
  }
  return model;
}
