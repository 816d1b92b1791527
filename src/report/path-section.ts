// The report's `path` section: what an emulated network path was asked to add, what it measured and cost, and the run's latency and connect time beside the round-trip model (pure).
//
// The model is the issue's arithmetic, nothing more: HTTP/1.0 pays a handshake round trip before each request and
// the request's own round trip (latency ≥ 2 r, connect ≈ r); keep-alive pays only the request's (≈ r); a pipelined
// request waits for its batch's round trip (≥ r). Two yardsticks are given: the configured RTT (the model as a user
// states it) and the path's measured RTT (its own ~0.4 ms per round trip included), so the difference from the
// second is what TCP and the server add beyond round trips: server time, delayed ACKs, slow start, retransmits.

import type { LatencySummary } from '../measurements.js';
import { round3 } from '../numbers.js';
import type { ClientMode } from '../types.js';
import type { PathModelCheck, PathSection, PathTcpCounters } from './schema.js';

/** What the runner observed of the path for one measured phase; buildPathSection adds the model and the words. */
export type PathObservation = Pick<PathSection, 'impl' | 'configured' | 'priority' | 'measured' | 'relay' | 'tcp'>;

/** The run's own figures the model is checked against. */
export interface PathFigures {
  readonly mode: ClientMode;
  readonly latencyMs: LatencySummary;
  readonly connectMs: LatencySummary;
}

/** Round trips the model charges a request's latency, per mode, and why. */
const LATENCY_RULE: Record<ClientMode, { roundTrips: number; rule: string }> = {
  '1.0': { roundTrips: 2, rule: 'HTTP/1.0: ≥ 2 round trips (the handshake, then the request and its response)' },
  '1.1': { roundTrips: 1, rule: 'HTTP/1.1 keep-alive: ≈ 1 round trip (the request and its response on an open connection)' },
  pipeline: { roundTrips: 1, rule: 'pipelining: ≥ 1 round trip (a request waits for its batch’s round trip)' },
};
const CONNECT_RULE = { roundTrips: 1, rule: 'connect: ≈ 1 round trip (SYN out, SYN-ACK back)' };

function check(figure: PathModelCheck['figure'], rule: { roundTrips: number; rule: string }, measuredMs: number, observation: PathObservation): PathModelCheck {
  const modelMs = round3(rule.roundTrips * observation.configured.rttMs);
  const pathModelMs = round3(rule.roundTrips * observation.measured.p50Ms);
  const diffMs = round3(measuredMs - modelMs);
  return {
    figure,
    rule: rule.rule,
    roundTrips: rule.roundTrips,
    modelMs,
    measuredMs,
    diffMs,
    diffPct: modelMs > 0 ? round3((diffMs / modelMs) * 100) : null,
    pathModelMs,
    excessMs: round3(measuredMs - pathModelMs),
  };
}

/** The model's checks for a run: latency p50 always; connect p50 when the measured phase opened a connection. */
export function pathModelChecks(observation: PathObservation, figures: PathFigures): PathModelCheck[] {
  const checks = [check('latencyP50', LATENCY_RULE[figures.mode], figures.latencyMs.p50, observation)];
  // An all-zero summary means no connection was opened in the measured phase (keep-alive connections from before).
  if (figures.connectMs.max > 0) checks.push(check('connectP50', CONNECT_RULE, figures.connectMs.p50, observation));
  return checks;
}

const signed = (value: number, unit: string): string => `${value >= 0 ? '+' : '−'}${Math.abs(value)}${unit}`;
const FIGURE_NAMES: Record<PathModelCheck['figure'], string> = { latencyP50: 'latency p50', connectP50: 'connect p50' };

function sumTcp(a: PathTcpCounters, b: PathTcpCounters): PathTcpCounters {
  return {
    retransSegs: a.retransSegs + b.retransSegs,
    synRetrans: a.synRetrans + b.synRetrans,
    delayedAcks: a.delayedAcks + b.delayedAcks,
    timeouts: a.timeouts + b.timeouts,
  };
}

/** The section's words: what the path adds, each model check, and the TCP events that explain a departure. */
function pathNotes(observation: PathObservation, model: readonly PathModelCheck[], overheadMs: number): string[] {
  const { configured, measured, relay, tcp } = observation;
  const notes = [
    `${observation.impl} path, ${configured.rttMs} ms RTT configured: probes measured min ${measured.minMs} / p50 ${measured.p50Ms} / p99 ${measured.p99Ms} ms ` +
      `(${measured.samples} of ${measured.probes} answered), so the path itself adds ${overheadMs} ms to each round trip`,
  ];
  for (const item of model) {
    notes.push(
      `${FIGURE_NAMES[item.figure]} ${item.measuredMs} ms vs the model's ${item.roundTrips} × ${configured.rttMs} ms = ${item.modelMs} ms ` +
        `(${item.rule}): ${signed(item.diffMs, ' ms')}${item.diffPct === null ? '' : ` (${signed(item.diffPct, ' %')})`}; ` +
        `${signed(item.excessMs, ' ms')} against ${item.roundTrips} × the probe's p50 = ${item.pathModelMs} ms ` +
        '(what server time, delayed ACKs, slow start and retransmits add beyond the path’s own round trips)',
    );
  }
  const both = tcp.server ? sumTcp(tcp.client, tcp.server) : tcp.client;
  if (both.retransSegs > 0 || both.synRetrans > 0) {
    notes.push(
      `TCP sent ${both.retransSegs} segment(s) again (client ${tcp.client.retransSegs}, server ${tcp.server?.retransSegs ?? 'n/a'}), ` +
        `${both.synRetrans} of them SYN or SYN-ACK retransmits and ${both.timeouts} retransmission timeouts: a lost SYN waits 1 s ` +
        '(RFC 6298 §2.1 initial RTO), a lost segment at least 200 ms (Linux minimum RTO) unless fast retransmit repairs it',
    );
  }
  if (both.delayedAcks > 0) {
    notes.push(
      `${both.delayedAcks} delayed ACK(s) (client ${tcp.client.delayedAcks}, server ${tcp.server?.delayedAcks ?? 'n/a'}): ` +
        'an ACK with no data to ride on waits up to 40 ms on Linux: harmless after the last segment of an exchange, a stall when a message ' +
        'goes out in two writes and Nagle holds the second until that ACK comes (RFC 896, RFC 1122 §4.2.3.2)',
    );
  }
  if (relay && (relay.dropped > 0 || relay.overflow > 0 || relay.udpBufferErrors > 0)) {
    notes.push(
      `the relay dropped ${relay.dropped} packet(s) by the loss draw and ${relay.overflow} to a full queue; ` +
        `${relay.udpBufferErrors} datagram(s) were lost for want of UDP buffer (losses outside the model)`,
    );
  }
  return notes;
}

/** The `path` section of one run's report. */
export function buildPathSection(observation: PathObservation, figures: PathFigures): PathSection {
  const overheadMs = round3(observation.measured.p50Ms - observation.configured.rttMs);
  const model = pathModelChecks(observation, figures);
  return {
    impl: observation.impl,
    configured: { ...observation.configured },
    priority: observation.priority,
    measured: { ...observation.measured },
    overheadMs,
    relay: observation.relay ? { ...observation.relay, lateUsSinceOpen: { ...observation.relay.lateUsSinceOpen } } : null,
    tcp: { client: { ...observation.tcp.client }, server: observation.tcp.server ? { ...observation.tcp.server } : null },
    model,
    notes: pathNotes(observation, model, overheadMs),
  };
}

/** The relay's counters of several phases summed; per-packet CPU over the sums; the late distribution of the last. */
function sumRelay(all: ReadonlyArray<PathSection['relay']>): PathSection['relay'] {
  if (all.some((relay) => relay === null)) return null;
  const relays = all as NonNullable<PathSection['relay']>[];
  const sum = (pick: (relay: NonNullable<PathSection['relay']>) => number): number => relays.reduce((total, relay) => total + pick(relay), 0);
  const packets = sum((r) => r.packets);
  const cpuUs = sum((r) => r.cpuUs);
  const bridgeCpuUs = sum((r) => r.bridgeCpuUs);
  return {
    packets,
    forwarded: sum((r) => r.forwarded),
    dropped: sum((r) => r.dropped),
    overflow: sum((r) => r.overflow),
    bytes: sum((r) => r.bytes),
    udpBufferErrors: sum((r) => r.udpBufferErrors),
    cpuUs,
    cpuUsPerPacket: packets > 0 ? round3(cpuUs / packets) : 0,
    bridgeCpuUs,
    bridgeCpuUsPerPacket: packets > 0 ? round3(bridgeCpuUs / packets) : 0,
    lateUsSinceOpen: { ...relays[relays.length - 1]!.lateUsSinceOpen },
  };
}

/** The path section of N merged runs over one path: counters summed, the model checked against the merged figures. */
export function mergePathSections(sections: readonly PathSection[], figures: PathFigures): PathSection {
  const first = sections[0];
  if (!first) throw new Error('mergePathSections needs at least one section');
  const servers = sections.map((section) => section.tcp.server);
  const observation: PathObservation = {
    impl: first.impl,
    configured: first.configured,
    priority: first.priority,
    measured: first.measured,
    relay: sumRelay(sections.map((section) => section.relay)),
    tcp: {
      client: sections.slice(1).reduce((total, section) => sumTcp(total, section.tcp.client), first.tcp.client),
      server: servers.some((server) => server === null) ? null : (servers as PathTcpCounters[]).slice(1).reduce(sumTcp, servers[0]!),
    },
  };
  return buildPathSection(observation, figures);
}

const ms = (value: number): string => `${Number(value.toFixed(2))} ms`;

/** The summary lines of a path run, as `[name, text]` facts for the terminal summary. */
export function pathFacts(section: PathSection): Array<[string, string]> {
  const { configured, measured, relay, tcp } = section;
  const shape = [
    configured.jitterMs > 0 ? `jitter ±${configured.jitterMs} ms` : null,
    configured.lossPct > 0 ? `loss ${configured.lossPct} %` : null,
    configured.bandwidthBitsPerSec !== null ? `${configured.bandwidthBitsPerSec / 1e6} Mbit/s` : null,
  ].filter((part): part is string => part !== null);
  const facts: Array<[string, string]> = [
    [
      'path',
      `${section.impl} · RTT ${configured.rttMs} ms configured${shape.length > 0 ? ` (${shape.join(', ')})` : ''} · probe min ${ms(measured.minMs)} / ` +
        `p50 ${ms(measured.p50Ms)} / p99 ${ms(measured.p99Ms)} (${signed(section.overheadMs, ' ms')} the path's own)`,
    ],
  ];
  for (const item of section.model) {
    facts.push([
      `model ${item.figure === 'latencyP50' ? 'latency' : 'connect'}`,
      `p50 ${ms(item.measuredMs)} vs ${item.roundTrips} × RTT = ${ms(item.modelMs)}: ${signed(item.diffMs, ' ms')}` +
        `${item.diffPct === null ? '' : ` (${signed(Number(item.diffPct.toFixed(1)), ' %')})`}`,
    ]);
  }
  const server = tcp.server;
  facts.push([
    'path TCP',
    `retransmitted segments client ${tcp.client.retransSegs} · server ${server?.retransSegs ?? 'n/a'} (SYN ${tcp.client.synRetrans + (server?.synRetrans ?? 0)}) · ` +
      `delayed ACKs ${tcp.client.delayedAcks + (server?.delayedAcks ?? 0)}` +
      (relay ? ` · relay ${relay.packets} packets, dropped ${relay.dropped + relay.overflow}, CPU ${relay.cpuUsPerPacket} µs/packet` : ''),
  ]);
  return facts;
}
