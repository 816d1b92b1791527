// Heartbeat liveness registry: last-seen per client id, online → offline after a timeout, on one timer wheel.

import type { Clock } from '../clock.js';

export type LivenessState = 'online' | 'offline';
/** How a client's connection ended, as the server saw it: FIN from the client, RST, or a TCP keepalive failure. */
export type ConnectionEndKind = 'close' | 'reset' | 'timeout';
/** Why a client changed state: a heartbeat arrived, or the timeout ran out (after silence or a connection end). */
export type TransitionCause = 'beat' | 'silent' | ConnectionEndKind;

export interface LivenessTransition {
  readonly type: 'transition';
  readonly id: string;
  readonly from: LivenessState | 'new';
  readonly to: LivenessState;
  /** Clock µs of the verdict (the sweep that noticed, or the beat). */
  readonly atUs: number;
  readonly lastSeenUs: number;
  readonly timeoutUs: number;
  readonly cause: TransitionCause;
}

export interface ConnectionEndEvent {
  readonly type: 'connection-end';
  readonly id: string;
  readonly kind: ConnectionEndKind;
  readonly atUs: number;
}

export type LivenessEvent = LivenessTransition | ConnectionEndEvent;

export interface LivenessOptions {
  readonly clock: Clock;
  /** Fixed timeout for every client; 0 = 3 × the interval each client announces, else `defaultTimeoutMs`. */
  readonly timeoutMs: number;
  /** Timeout for a client that announced no interval (when `timeoutMs` is 0). Default 3000. */
  readonly defaultTimeoutMs?: number;
  /** Wheel granularity: a verdict comes at most one tick after the deadline. Default 10 ms. */
  readonly tickMs?: number;
  /** Called synchronously for each transition and connection end (the CLI turns them into JSON lines). */
  readonly onEvent?: (event: LivenessEvent) => void;
}

export interface LivenessCounts {
  clients: number;
  online: number;
  offline: number;
  /** Configured fixed timeout in ms; 0 when derived per client from the announced interval. */
  timeoutMs: number;
  transitions: { online: number; offline: number };
  connectionEnds: Record<ConnectionEndKind, number>;
}

export interface ClientLiveness {
  id: string;
  state: LivenessState;
  lastSeenUs: number;
  /** Clock µs of the last state change. */
  sinceUs: number;
  timeoutMs: number;
  beats: number;
  /** How its last connection ended (client FIN, RST, keepalive failure), if one did; with the time. */
  lastEnd: ConnectionEndKind | null;
  lastEndUs: number;
}

/** Per-client state; `slot` is the wheel slot holding this client's live entry, -1 when none. */
interface ClientRecord {
  readonly id: string;
  state: LivenessState;
  lastSeenUs: number;
  deadlineUs: number;
  timeoutUs: number;
  sinceUs: number;
  beats: number;
  slot: number;
  lastEndKind: ConnectionEndKind | null;
  lastEndUs: number;
}

/** Announced intervals multiply into the timeout: miss three beats, then offline (the default). */
const MISSED_BEATS = 3;
const WHEEL_SLOTS = 1024; // power of two; 1024 × 10 ms covers a 10 s timeout in one revolution

/**
 * One hashed timer wheel for all clients, never a timer per client. A beat moves the client's
 * deadline and pushes it into the slot of the new deadline only when the slot changes; entries
 * left in old slots are recognised as stale (`record.slot` differs) and dropped when their slot
 * is swept. Deadlines beyond one revolution stay in their slot until they are due, so any timeout
 * works. Cost per tick is the entries of the slots swept, not the number of clients.
 */
export class LivenessRegistry {
  private readonly clock: Clock;
  private readonly fixedTimeoutUs: number;
  private readonly defaultTimeoutUs: number;
  private readonly tickUs: number;
  private readonly onEvent: ((event: LivenessEvent) => void) | undefined;
  private readonly clients = new Map<string, ClientRecord>();
  private readonly wheel: ClientRecord[][] = [];
  private sweptTick: number;
  private onlineCount = 0;
  private readonly transitions = { online: 0, offline: 0 };
  private readonly connectionEnds: Record<ConnectionEndKind, number> = { close: 0, reset: 0, timeout: 0 };
  private readonly configuredTimeoutMs: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: LivenessOptions) {
    this.clock = options.clock;
    this.fixedTimeoutUs = Math.round(options.timeoutMs * 1000);
    this.defaultTimeoutUs = Math.round((options.defaultTimeoutMs ?? 3000) * 1000);
    this.tickUs = Math.max(1, Math.round((options.tickMs ?? 10) * 1000));
    this.onEvent = options.onEvent;
    for (let i = 0; i < WHEEL_SLOTS; i++) this.wheel.push([]);
    this.sweptTick = Math.floor(this.clock.nowUs() / this.tickUs);
    this.configuredTimeoutMs = options.timeoutMs;
  }

  /** Record a heartbeat from `id`; `announcedIntervalMs` (0 = none) sets its timeout when none is fixed. */
  beat(id: string, announcedIntervalMs = 0): void {
    const nowUs = this.clock.nowUs();
    let record = this.clients.get(id);
    if (record === undefined) {
      record = {
        id,
        state: 'online',
        lastSeenUs: nowUs,
        deadlineUs: 0,
        timeoutUs: 0,
        sinceUs: nowUs,
        beats: 0,
        slot: -1,
        lastEndKind: null,
        lastEndUs: 0,
      };
      this.clients.set(id, record);
      this.onlineCount++;
      this.transitions.online++;
      record.timeoutUs = this.timeoutFor(announcedIntervalMs);
      this.emitTransition(record, 'new', 'online', nowUs, 'beat');
    } else if (record.state === 'offline') {
      record.state = 'online';
      record.sinceUs = nowUs;
      this.onlineCount++;
      this.transitions.online++;
      record.timeoutUs = this.timeoutFor(announcedIntervalMs);
      this.emitTransition(record, 'offline', 'online', nowUs, 'beat');
    } else if (announcedIntervalMs > 0 && this.fixedTimeoutUs === 0) {
      record.timeoutUs = this.timeoutFor(announcedIntervalMs);
    }
    record.beats++;
    record.lastSeenUs = nowUs;
    record.deadlineUs = nowUs + record.timeoutUs;
    this.schedule(record);
  }

  /**
   * A connection that carried `id`'s heartbeats ended from the client side or by the kernel. It is
   * recorded and logged; the verdict still waits for the timeout, because in HTTP/1.0 mode every
   * heartbeat ends its connection and a client may reconnect.
   */
  connectionEnded(id: string, kind: ConnectionEndKind): void {
    const nowUs = this.clock.nowUs();
    this.connectionEnds[kind]++;
    const record = this.clients.get(id);
    if (record !== undefined) {
      record.lastEndKind = kind;
      record.lastEndUs = nowUs;
    }
    this.onEvent?.({ type: 'connection-end', id, kind, atUs: nowUs });
  }

  /** Move every client whose deadline has passed to offline. Call once per tick (or let `start` do it). */
  sweep(): void {
    const nowUs = this.clock.nowUs();
    const nowTick = Math.floor(nowUs / this.tickUs);
    // After a long pause (a stopped process, a blocked loop) one revolution visits every slot.
    const steps = Math.min(nowTick - this.sweptTick, WHEEL_SLOTS);
    for (let step = 1; step <= steps; step++) this.sweepSlot((this.sweptTick + step) & (WHEEL_SLOTS - 1), nowUs);
    if (nowTick > this.sweptTick) this.sweptTick = nowTick;
  }

  /**
   * Sweep on an unref'd interval of one tick. Idempotent. The sweep itself runs in setImmediate,
   * i.e. after the event loop's poll phase: when this process was stalled (GC, a busy CPU), the
   * heartbeats that arrived meanwhile are read before anyone is judged, so our own stall never
   * turns into an offline verdict.
   */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(deferSweep, this.tickUs / 1000, this);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Counts for `/clients` (a fresh object; safe to serialise). */
  snapshot(): LivenessCounts {
    return {
      clients: this.clients.size,
      online: this.onlineCount,
      offline: this.clients.size - this.onlineCount,
      timeoutMs: this.configuredTimeoutMs,
      transitions: { ...this.transitions },
      connectionEnds: { ...this.connectionEnds },
    };
  }

  /** Per-client states, optionally only one state (for `/clients?state=offline`). */
  list(state?: LivenessState): ClientLiveness[] {
    const out: ClientLiveness[] = [];
    for (const r of this.clients.values()) {
      if (state !== undefined && r.state !== state) continue;
      out.push(describe(r));
    }
    return out;
  }

  get(id: string): ClientLiveness | undefined {
    const r = this.clients.get(id);
    return r === undefined ? undefined : describe(r);
  }

  private timeoutFor(announcedIntervalMs: number): number {
    if (this.fixedTimeoutUs > 0) return this.fixedTimeoutUs;
    if (announcedIntervalMs > 0) return Math.round(announcedIntervalMs * 1000 * MISSED_BEATS);
    return this.defaultTimeoutUs;
  }

  private schedule(record: ClientRecord): void {
    // A deadline inside the tick already swept goes to the next one, not a revolution later.
    const tick = Math.max(Math.ceil(record.deadlineUs / this.tickUs), this.sweptTick + 1);
    const slot = tick & (WHEEL_SLOTS - 1);
    if (slot === record.slot) return; // the live entry already sits there
    record.slot = slot;
    (this.wheel[slot] as ClientRecord[]).push(record);
  }

  private sweepSlot(slot: number, nowUs: number): void {
    const entries = this.wheel[slot] as ClientRecord[];
    if (entries.length === 0) return;
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      const record = entries[i] as ClientRecord;
      if (record.slot !== slot || record.state !== 'online') continue; // stale: the client moved on
      if (record.deadlineUs <= nowUs) {
        this.expire(record, nowUs);
        continue;
      }
      entries[kept++] = record; // due in a later revolution
    }
    entries.length = kept;
  }

  private expire(record: ClientRecord, nowUs: number): void {
    record.state = 'offline';
    record.slot = -1;
    record.sinceUs = nowUs;
    this.onlineCount--;
    this.transitions.offline++;
    const cause: TransitionCause =
      record.lastEndKind !== null && record.lastEndUs >= record.lastSeenUs ? record.lastEndKind : 'silent';
    this.emitTransition(record, 'online', 'offline', nowUs, cause);
  }

  private emitTransition(record: ClientRecord, from: LivenessState | 'new', to: LivenessState, atUs: number, cause: TransitionCause): void {
    if (this.onEvent === undefined) return;
    this.onEvent({ type: 'transition', id: record.id, from, to, atUs, lastSeenUs: record.lastSeenUs, timeoutUs: record.timeoutUs, cause });
  }
}

function describe(r: ClientRecord): ClientLiveness {
  return {
    id: r.id,
    state: r.state,
    lastSeenUs: r.lastSeenUs,
    sinceUs: r.sinceUs,
    timeoutMs: r.timeoutUs / 1000,
    beats: r.beats,
    lastEnd: r.lastEndKind,
    lastEndUs: r.lastEndUs,
  };
}

function runSweep(registry: LivenessRegistry): void {
  registry.sweep();
}

function deferSweep(registry: LivenessRegistry): void {
  setImmediate(runSweep, registry);
}
