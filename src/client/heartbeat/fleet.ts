// The heartbeat clients of one process: one timer drives every beat and every answer deadline.

import type { Clock } from '../../clock.js';
import { createHistogram, encodeHistogram, recordUs } from '../../metrics/histogram.js';
import { LoadRecorder } from '../../metrics/recorder.js';
import type { FleetResult } from '../../measurements.js';
import type { HeartbeatMode } from '../../types.js';
import type { ClientConnection, Transport } from '../transports/connection.js';
import { createTransport } from '../transports/factory.js';
import { dialPlain } from '../transports/socket-events.js';
import { HeartbeatClient, heartbeatRequest, type ClientFailure, type HeartbeatOwner } from './client.js';
import { BeatPacer, DeadlineQueue, spreadPhaseUs } from './pacer.js';

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

/**
 * The owner of one process's heartbeat clients: their connections report to it (ConnectionOwner), it paces their
 * beats and judges their deadlines. What happens on the wire is counted by the shared LoadRecorder, exactly as for
 * the load generator; the fleet adds the heartbeat's own figures (skipped beats, timeouts, send lag, preopened).
 */
export class HeartbeatFleet implements HeartbeatOwner {
  readonly clock: Clock;
  /** Counting only from `start`: the warm-up is setup (its handshakes are `preopened`). */
  readonly recorder = new LoadRecorder(false);
  readonly transport: Transport;
  /** Heartbeat clients speak plain HTTP: one reused socket per client. */
  readonly dial = dialPlain;
  readonly host: string;
  readonly port: number;
  /**
   * 0: no per-connection timer. Every beat's deadline is in the fleet's DeadlineQueue (one timer per process), judged
   * after the poll phase has read what arrived (see tick); a second timer per connection would count the same late
   * beat twice and cost thousands of timers.
   */
  readonly timeoutMs = 0;
  /** Set by finish: no more beats, and closes no longer resume a client. */
  stopping = false;
  inflight = 0;
  liveSockets = 0;
  resent = 0;
  abandoned = 0;
  /** Beats are GETs: one the server closed its connection on unanswered is sent again (RFC 9112 §9.3.1). */
  readonly retryUnanswered = true;
  skipped = 0;
  private readonly plan: FleetPlan;
  private readonly clients: HeartbeatClient[] = [];
  private readonly victims: HeartbeatClient[] = [];
  private readonly sendLag = createHistogram();
  private readonly deadlines = new DeadlineQueue();
  private readonly timeoutUs: number;
  private timeoutCount = 0;
  private changed: (() => void) | null = null;
  private pacer: BeatPacer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private expiryQueued = false;
  /** Connections opened by the warm-up, before the run. */
  private preopened = 0;

  constructor(plan: FleetPlan, clock: Clock) {
    this.plan = plan;
    this.clock = clock;
    this.timeoutUs = plan.timeoutMs * 1000;
    this.transport = createTransport(plan.mode, 1);
    const url = new URL(plan.url);
    this.host = plan.address ?? url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
    const victimIds = new Set(plan.victims);
    for (const { id } of plan.clients) {
      const client = new HeartbeatClient(this, id, heartbeatRequest(url, id, plan.intervalMs, plan.mode));
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
    return this.timeoutCount;
  }

  /** Begin beating at the shared `startUs` (monotonic µs, the same clock in every process). */
  start(startUs: number): void {
    this.recorder.begin(this.clock.nowUs());
    this.skipped = 0;
    this.timeoutCount = 0;
    // A warm-up beat whose connection died unanswered must not block the client's first measured beat.
    for (const client of this.clients) client.sentUs = 0;
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
    this.stopping = true;
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
    const r = this.recorder;
    const cpu = process.cpuUsage();
    // rttUs is the recorder's latency: a beat's runs from its due time (its intended start) to its answer.
    const result: FleetResult = {
      clients: this.clients.length,
      sent: r.sent,
      answered: r.completed,
      skipped: this.skipped,
      timeouts: this.timeoutCount,
      opened: r.opened,
      preopened: this.preopened,
      bytesOut: r.bytesOut,
      bytesIn: r.bytesIn,
      non2xx: r.non2xx,
      statusCodes: r.statusCodes(),
      errors: r.errors(),
      closedByServer: r.closes.closedByServer,
      closedByClient: r.closes.closedByClient,
      reset: r.closes.reset,
      maxOpen: r.maxOpen,
      serverCloseLate: r.serverCloseLate,
      resent: this.resent,
      cpuUserSec: cpu.user / 1e6,
      cpuSystemSec: cpu.system / 1e6,
      rttUs: encodeHistogram(r.latency),
      connectUs: encodeHistogram(r.connect),
      sendLagUs: encodeHistogram(this.sendLag),
      serverDownNoticedUs: noticed,
      falseAlarms,
    };
    this.sendLag.destroy();
    return result;
  }

  // ConnectionOwner: beats are paced by the fleet, not by a connection's readiness, so only a beat that waited for
  // its slot's previous socket to close (and a warm-up waiting for its beat's end) acts on these.

  ready(conn: ClientConnection, nowUs: number): void {
    (conn as HeartbeatClient).resume(nowUs);
  }

  /** Answered or failed, a beat changes nothing here: answers are seen by the client, failures wait for their deadline. */
  finished(): void {}

  /**
   * Warm-up handshakes are counted apart (`preopened`) but stay in the connect distribution: in 1.1 they are the
   * only ones, and the report shows what the clients paid to connect.
   */
  connected(conn: ClientConnection, nowUs: number): void {
    if (this.recorder.active) return;
    this.preopened++;
    recordUs(this.recorder.connect, nowUs - conn.connectStartUs);
  }

  /** The beat on it is counted failed by the connection; the client waits for its deadline, no reconnect backoff. */
  connectFailed(conn: ClientConnection, nowUs: number): void {
    (conn as HeartbeatClient).resume(nowUs);
  }

  socketGone(): void {
    this.liveSockets--;
    this.changed?.();
  }

  /**
   * Call `listener` after each client timeout and each closed socket (the moments a test waits for), instead of a
   * poll; null removes it. One listener: the fleet's own driver never needs one.
   */
  watch(listener: (() => void) | null): void {
    this.changed = listener;
  }

  /**
   * One wake-up: send due beats, and judge overdue answers in setImmediate, i.e. after the event
   * loop's poll phase has read whatever arrived while this process was not running: a stalled
   * client must not blame the server for answers sitting unread in its own socket buffer.
   */
  private readonly tick = (): void => {
    this.timer = null;
    if (this.stopping) return;
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
    if (this.stopping) return;
    const now = this.clock.nowUs();
    const deadlines = this.deadlines;
    while (deadlines.headSentUs() + this.timeoutUs <= now) {
      const client = this.clients[deadlines.headClient()] as HeartbeatClient;
      const sentUs = deadlines.headSentUs();
      deadlines.shift();
      // Stale entries (answered, or a later beat) no longer match the client's in-flight send time.
      if (client.sentUs === sentUs) {
        this.timeoutCount++;
        client.deadlineMissed(now);
        this.changed?.();
      }
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
