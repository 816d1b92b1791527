// The heartbeat clients of one process: one timer drives every beat and every answer deadline.

import type { Clock } from '../../clock.js';
import { createHistogram, encodeHistogram, recordUs } from '../../metrics/histogram.js';
import { BeatPacer, DeadlineQueue, spreadPhaseUs } from './pacer.js';
import type { FleetResult } from '../../measurements.js';
import type { HeartbeatMode } from '../../types.js';
import { HeartbeatClient, heartbeatRequest, type ClientFailure, type FleetCounters } from './client.js';

/** What one process runs: its share of the clients, in global phase order. Plain data (sent over IPC). */
export interface FleetPlan {
  readonly url: string;
  /** The address the runner resolved and probed for the URL's host; absent = the URL's host is an IP literal. */
  readonly address?: string;
  readonly mode: HeartbeatMode;
  readonly intervalMs: number;
  /** Answer timeout after which a client marks the server down. */
  readonly timeoutMs: number;
  /** Clients of all processes together: phases are spread over the whole fleet. */
  readonly totalClients: number;
  /** This process's clients: id and global index (ascending). */
  readonly clients: ReadonlyArray<{ readonly id: string; readonly index: number }>;
  /** Ids that a freeze/close/reset injection takes offline. */
  readonly victims: readonly string[];
}

/**
 * Fewest milliseconds between two wake-ups: beats due within it go out together. 2,500 clients at
 * 1 s are a beat every 0.4 ms; waking for each would cost more than the beats. 4 ms keeps the
 * spread even at any interval this tool accepts (≥ 10 ms) and shows up honestly in `sendLagMs`.
 */
const MIN_WAKE_MS = 4;

export class HeartbeatFleet {
  private readonly clients: HeartbeatClient[] = [];
  private readonly victims: HeartbeatClient[] = [];
  private readonly counters: FleetCounters;
  private readonly sendLag = createHistogram();
  private readonly deadlines = new DeadlineQueue();
  private readonly timeoutUs: number;
  private pacer: BeatPacer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;
  private expiryQueued = false;
  /** Connections opened by connectAll, before the run. */
  private preopened = 0;

  constructor(
    private readonly plan: FleetPlan,
    private readonly clock: Clock,
  ) {
    this.timeoutUs = plan.timeoutMs * 1000;
    this.counters = {
      sent: 0,
      answered: 0,
      skipped: 0,
      timeouts: 0,
      opened: 0,
      bytesOut: 0,
      bytesIn: 0,
      non2xx: 0,
      statusCodes: {},
      errors: {},
      closedByServer: 0,
      closedByClient: 0,
      reset: 0,
      open: 0,
      maxOpen: 0,
      rttUs: createHistogram(),
      connectUs: createHistogram(),
    };
    const url = new URL(plan.url);
    const ctx = {
      mode: plan.mode,
      host: plan.address ?? url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      counters: this.counters,
      nowUs: () => clock.nowUs(),
    };
    const victimIds = new Set(plan.victims);
    for (const { id } of plan.clients) {
      const client = new HeartbeatClient(id, heartbeatRequest(url, id, plan.intervalMs, plan.mode), ctx);
      this.clients.push(client);
      if (victimIds.has(id)) this.victims.push(client);
    }
  }

  /**
   * Before the run, one heartbeat per client, a bounded number at a time (a burst of thousands of
   * SYNs overflows the listen backlog and costs 1 s retransmits): every client is then known to the
   * server and, in 1.1, holds an accepted keep-alive connection. The run measures steady state;
   * setup connections are reported apart (`preopened`).
   */
  async warmUp(concurrency = 128): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < this.clients.length) await (this.clients[next++] as HeartbeatClient).warmUp(this.clock.nowUs());
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.clients.length) }, lane));
  }

  /** Beats that got no answer in time so far (live; for progress and tests). */
  get timeouts(): number {
    return this.counters.timeouts;
  }

  /** Begin beating at the shared `startUs` (monotonic µs, the same clock in every process). */
  start(startUs: number): void {
    this.resetCounters();
    const intervalUs = this.plan.intervalMs * 1000;
    const phases = this.plan.clients.map((c) => spreadPhaseUs(c.index, this.plan.totalClients, intervalUs));
    this.pacer = new BeatPacer(startUs, intervalUs, phases);
    this.schedule();
  }

  /** Take the victims offline now; returns the moment (µs) it happened. */
  inject(failure: ClientFailure): number {
    const atUs = this.clock.nowUs();
    for (const client of this.victims) client.fail(failure);
    return atUs;
  }

  /** Stop, close every socket, and report. `serverStoppedAtUs` splits client timeouts into detections and false alarms. */
  finish(serverStoppedAtUs: number | null): FleetResult {
    this.finished = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const noticed: Array<{ id: string; atUs: number }> = [];
    let falseAlarms = 0;
    for (const client of this.clients) {
      const times = client.timeoutTimesUs ?? [];
      const since = serverStoppedAtUs ?? Infinity;
      for (const t of times) if (t < since) falseAlarms++;
      if (serverStoppedAtUs !== null && client.state === 'alive') {
        noticed.push({ id: client.id, atUs: times.find((t) => t >= serverStoppedAtUs) ?? -1 });
      }
      client.drop();
    }
    const c = this.counters;
    const cpu = process.cpuUsage();
    const result: FleetResult = {
      clients: this.clients.length,
      sent: c.sent,
      answered: c.answered,
      skipped: c.skipped,
      timeouts: c.timeouts,
      opened: c.opened - this.preopened,
      preopened: this.preopened,
      bytesOut: c.bytesOut,
      bytesIn: c.bytesIn,
      non2xx: c.non2xx,
      statusCodes: { ...c.statusCodes },
      errors: { ...c.errors },
      closedByServer: c.closedByServer,
      closedByClient: c.closedByClient,
      reset: c.reset,
      maxOpen: c.maxOpen,
      cpuUserSec: cpu.user / 1e6,
      cpuSystemSec: cpu.system / 1e6,
      rttUs: encodeHistogram(c.rttUs),
      connectUs: encodeHistogram(c.connectUs),
      sendLagUs: encodeHistogram(this.sendLag),
      serverDownNoticedUs: noticed,
      falseAlarms,
    };
    c.rttUs.destroy();
    c.connectUs.destroy();
    this.sendLag.destroy();
    return result;
  }

  /** Forget the warm-up: the measured run starts from zero (connections already open stay counted as `preopened`). */
  private resetCounters(): void {
    const c = this.counters;
    this.preopened = c.opened;
    c.sent = c.answered = c.skipped = c.timeouts = c.bytesOut = c.bytesIn = c.non2xx = 0;
    c.closedByServer = c.closedByClient = c.reset = 0;
    c.statusCodes = {};
    c.errors = {};
    c.rttUs.reset();
    // A warm-up beat whose connection died unanswered must not block the client's first measured beat.
    for (const client of this.clients) client.sentUs = 0;
  }

  /**
   * One wake-up: send due beats, and judge overdue answers in setImmediate, i.e. after the event
   * loop's poll phase has read whatever arrived while this process was not running: a stalled
   * client must not blame the server for answers sitting unread in its own socket buffer.
   */
  private readonly tick = (): void => {
    this.timer = null;
    if (this.finished) return;
    const now = this.clock.nowUs();
    if (this.deadlines.headSentUs() + this.timeoutUs <= now && !this.expiryQueued) {
      this.expiryQueued = true;
      setImmediate(this.expire);
    }
    const pacer = this.pacer as BeatPacer;
    for (;;) {
      const dueUs = pacer.nextDueUs();
      const index = pacer.poll(now);
      if (index < 0) break;
      recordUs(this.sendLag, now - dueUs);
      const client = this.clients[index] as HeartbeatClient;
      if (client.beat(now)) this.deadlines.push(index, now);
    }
    this.schedule();
  };

  private readonly expire = (): void => {
    this.expiryQueued = false;
    if (this.finished) return;
    const now = this.clock.nowUs();
    const deadlines = this.deadlines;
    while (deadlines.headSentUs() + this.timeoutUs <= now) {
      const client = this.clients[deadlines.headClient()] as HeartbeatClient;
      const sentUs = deadlines.headSentUs();
      deadlines.shift();
      // Stale entries (answered, or a later beat) no longer match the client's in-flight send time.
      if (client.sentUs === sentUs) client.timedOut(now);
    }
  };

  private schedule(): void {
    const pacer = this.pacer as BeatPacer;
    const next = Math.min(pacer.nextDueUs(), this.deadlines.headSentUs() + this.timeoutUs);
    if (next === Infinity) return;
    const delayMs = Math.max(MIN_WAKE_MS, Math.ceil((next - this.clock.nowUs()) / 1000));
    this.timer = setTimeout(this.tick, delayMs);
  }
}
