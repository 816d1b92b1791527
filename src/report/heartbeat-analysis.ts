// Turns a heartbeat run's raw outcome into the report's `heartbeat` section: detection, false positives, cost.

import type { FleetResult, HeartbeatOutcome } from '../measurements.js';
import { mergeEncoded, summarizeMs } from '../metrics/histogram.js';
import { round3 } from '../numbers.js';
import type { HeartbeatRunConfig } from '../types.js';
import type { DistributionMs, HeartbeatSection } from './schema.js';
import { percentileNearestRank } from '../metrics/percentile.js';

/** Nearest-rank p50, p99 and max of exact event times (µs in, ms out); null when nothing happened. */
export function distributionMs(samplesUs: readonly number[]): DistributionMs | null {
  if (samplesUs.length === 0) return null;
  const at = (p: number): number => round3(percentileNearestRank(samplesUs, p) / 1000);
  return { p50: at(50), p99: at(99), max: at(100) };
}

/** The kernel's keepalive probe schedule (net.ipv4.tcp_keepalive_intvl, tcp_keepalive_probes). */
export interface KeepAliveSysctls {
  intervalSec: number;
  probes: number;
}

/**
 * The `heartbeat` section from a run's outcome: detection times (injection → the server's verdict, server clock),
 * false positives, what a stopped server's clients noticed, and the cost (handshakes, bytes, server CPU and RSS).
 */
export function analyzeHeartbeat(
  config: HeartbeatRunConfig,
  tcpKeepAliveMs: number,
  outcome: HeartbeatOutcome,
  keepAlive: KeepAliveSysctls | null,
): HeartbeatSection {
  const durationSec = (outcome.endUs - outcome.startUs) / 1e6;
  const perSec = (n: number): number => (durationSec > 0 ? round3(n / durationSec) : 0);
  const fleets: FleetResult[] = outcome.stopFleet ? [...outcome.fleets, outcome.stopFleet] : outcome.fleets;
  const sum = (pick: (f: FleetResult) => number): number => fleets.reduce((acc, f) => acc + pick(f), 0);
  const notes: string[] = [];
  // Verdicts after the server was stopped (or after the run) are not judgements of the clients.
  const verdictUntilUs = Math.min(outcome.endUs, outcome.serverStoppedAtUs ?? Infinity);

  const detections: number[] = [];
  const ends: number[] = [];
  const budgetUs = (config.timeoutMs + config.intervalMs) * 1000;
  let falsePositives = 0;
  // Verdicts are judged from the first /clients reading (taken once every client's first beat was due);
  // the transition counter covers the same span. Earlier ones are warm-up flaps, not verdicts.
  const countedFromUs = outcome.countsStart?.nowUs ?? outcome.startUs;
  let observed = 0;
  for (const [id, entries] of outcome.verdicts) {
    const injectedUs = outcome.victims.get(id);
    for (const e of entries) {
      if (e.sinceUs < countedFromUs || e.sinceUs > verdictUntilUs) continue;
      observed++;
      if (injectedUs === undefined || e.sinceUs < injectedUs) falsePositives++;
    }
    if (injectedUs === undefined) continue;
    const verdict = entries.find((e) => e.sinceUs >= injectedUs && e.sinceUs <= verdictUntilUs);
    if (verdict !== undefined) detections.push(verdict.sinceUs - injectedUs);
    const end = entries.find((e) => e.lastEnd !== null && e.lastEndUs >= injectedUs);
    if (end !== undefined && (end.lastEnd === 'close' || end.lastEnd === 'reset')) ends.push(end.lastEndUs - injectedUs);
  }
  const missed = outcome.victims.size - detections.length;

  // A client that went offline and back between two polls is invisible in the list but not in the count.
  const start = outcome.countsStart;
  const last = outcome.countsEnd;
  if (start !== null && last !== null && outcome.serverStoppedAtUs === null) {
    const unexplained = last.transitions.offline - start.transitions.offline - observed;
    if (unexplained > 0) {
      falsePositives += unexplained;
      notes.push(`${unexplained} offline verdict(s) flipped back online between two polls of /clients; counted as false positives`);
    }
  }

  let serverDown: HeartbeatSection['serverDownDetectedMs'] = null;
  let serverDownMissed = 0;
  if (outcome.serverStoppedAtUs !== null) {
    const stoppedUs = outcome.serverStoppedAtUs;
    const noticed: number[] = [];
    for (const f of outcome.fleets) {
      for (const n of f.serverDownNoticedUs) {
        if (n.atUs >= 0) noticed.push(n.atUs - stoppedUs);
        else serverDownMissed++;
      }
    }
    const d = distributionMs(noticed);
    serverDown = d === null ? { p50: 0, p99: 0, max: 0, noticedBy: 0 } : { ...d, noticedBy: noticed.length };
  }

  const rtt = mergeEncoded(fleets.map((f) => f.rttUs));
  const connect = mergeEncoded(fleets.map((f) => f.connectUs));
  // The SIGSTOPped process releases every overdue beat at SIGCONT: its lag and skips describe the stop, not the generator.
  const lag = mergeEncoded(outcome.fleets.map((f) => f.sendLagUs));
  const rttMs = summarizeMs(rtt);
  const connectMs = summarizeMs(connect);
  const sendLagMs = summarizeMs(lag);
  rtt.destroy();
  connect.destroy();
  lag.destroy();

  const errors: Record<string, number> = {};
  for (const f of fleets) for (const [code, n] of Object.entries(f.errors)) errors[code] = (errors[code] ?? 0) + n;
  const opened = sum((f) => f.opened);
  const usage = outcome.serverUsage;
  const thousands = config.clients / 1000;
  const rssGrowth = usage?.maxRssBytes != null && usage.baselineRssBytes != null ? usage.maxRssBytes - usage.baselineRssBytes : null;

  let tcpKeepAlive: HeartbeatSection['tcpKeepAlive'] = null;
  if (tcpKeepAliveMs > 0) {
    const detected = start !== null && last !== null ? last.connectionEnds.timeout - start.connectionEnds.timeout : 0;
    tcpKeepAlive = { delayMs: tcpKeepAliveMs, detected };
    const sysctl = keepAlive ? ` then ${keepAlive.probes} probes ${keepAlive.intervalSec} s apart (net.ipv4.tcp_keepalive_probes/intvl)` : '';
    notes.push(
      `TCP keepalive (SO_KEEPALIVE after ${tcpKeepAliveMs} ms idle${sysctl}) ended ${detected} connection(s). A frozen or SIGSTOPped ` +
        'peer still has a live kernel that ACKs every probe, so keepalive cannot see it; only a vanished host (no ACK at all) trips it, ' +
        'and only after all probes fail. Heartbeats judge the application, not the kernel.',
    );
  }
  const slackMs = config.timeoutMs - config.intervalMs;
  if (sendLagMs.max > slackMs / 2) {
    notes.push(
      `client processes sent beats up to ${Math.round(sendLagMs.max)} ms late (send lag p99 ${Math.round(sendLagMs.p99)} ms) against ` +
        `${slackMs} ms of slack (timeout − interval): the generator was starved of CPU, so false positives may be its own, not the detector's`,
    );
  }
  if (outcome.pollFailures > 0) notes.push(`${outcome.pollFailures} poll(s) of /clients failed; verdict times are the server's own, so only their discovery was late`);

  return {
    clients: config.clients,
    intervalMs: config.intervalMs,
    timeoutMs: config.timeoutMs,
    mode: config.mode,
    settings: {
      offline: config.offline,
      offlineMode: config.offlineMode,
      serverFailure: config.serverFailure,
      tcpKeepAliveMs,
      clientsPerProcess: config.clientsPerProcess,
    },
    offlineMode: outcome.victims.size > 0 ? config.offlineMode : null,
    offlineInjected: outcome.victims.size,
    detected: detections.length,
    missed,
    falsePositives,
    detectionMs: distributionMs(detections),
    serverDownDetectedMs: serverDown,
    heartbeatRttMs: rttMs,
    handshakes: { total: opened, perSecond: perSec(opened) },
    bytesPerSec: perSec(sum((f) => f.bytesIn + f.bytesOut)),
    server: {
      cpuSec: usage?.cpuSec ?? null,
      maxRssBytes: usage?.maxRssBytes ?? null,
      cpuSecPerThousandClients: usage && thousands > 0 ? round3(usage.cpuSec / thousands) : null,
      rssBytesPerThousandClients: rssGrowth !== null && thousands > 0 ? Math.round(rssGrowth / thousands) : null,
    },
    tcpKeepAlive,
    durationSec: round3(durationSec),
    processes: outcome.processes,
    preopenedConnections: sum((f) => f.preopened),
    beats: {
      sent: sum((f) => f.sent),
      answered: sum((f) => f.answered),
      skipped: outcome.fleets.reduce((acc, f) => acc + f.skipped, 0),
      timeouts: outcome.fleets.reduce((acc, f) => acc + f.timeouts, 0),
      non2xx: sum((f) => f.non2xx),
    },
    errors,
    detectedWithinBudget: detections.filter((d) => d <= budgetUs).length,
    detectionBudgetMs: config.timeoutMs + config.intervalMs,
    connectionEndSeenMs: distributionMs(ends),
    serverDownMissed,
    clientFalseAlarms: outcome.fleets.reduce((acc, f) => acc + f.falseAlarms, 0),
    connectMs,
    sendLagMs,
    serverCpuCoreShare: usage && durationSec > 0 ? round3(usage.cpuSec / durationSec) : null,
    serverBaselineRssBytes: usage?.baselineRssBytes ?? null,
    pollFailures: outcome.pollFailures,
    notes,
  };
}
