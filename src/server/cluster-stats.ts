// `/stats` in a cluster worker: the sum of every worker's counters, collected by the primary over IPC (a deferred answer).

import type { ServerStats } from '../measurements.js';
import { quiescentParam } from './builtin-routes.js';
import type { FromClusterWorker, ToClusterWorker } from './cluster-protocol.js';
import type { ServerContext } from './context.js';
import type { ServerConnection, ServerPlugin } from './contracts.js';
import type { PluginFactory } from './plugins.js';

const JSON_TYPE = 'application/json';
/** The primary answers within the quiescent bound plus one IPC round per worker; past this, something is broken. */
const ANSWER_MARGIN_MS = 5_000;

/** A worker's quiescent snapshot the primary is waiting for. */
interface PendingSnapshot {
  readonly id: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * The worker half of cluster `/stats`. Its route replaces the built-in `/stats` (loaded after it): the request goes to
 * the primary, which asks every worker for a snapshot and answers with their sum, so a client reads the counters of
 * the whole server wherever its connection landed and client and server counts stay comparable.
 *
 * `/stats?quiescent=MS` keeps its meaning across the cluster: each worker answers once no connection other than the
 * `/stats` long-polls it holds is open (or after MS), so the sum is taken when the whole server is quiet.
 */
export class ClusterStatsWorker {
  private ctx: ServerContext | null = null;
  private nextId = 1;
  /** This worker's /stats requests awaiting the primary's sum, by request id. */
  private readonly asked = new Map<number, ServerConnection>();
  /** `/stats?quiescent` connections held here: they do not count against quiet. */
  private readonly holding = new Set<ServerConnection>();
  /** The primary's quiescent snapshot requests waiting for this worker to be quiet. */
  private readonly pending: PendingSnapshot[] = [];

  constructor(private readonly send: (message: FromClusterWorker) => void) {}

  /** The plugin to pass to startServer({ plugins }). */
  readonly plugin: PluginFactory = (ctx: ServerContext): ServerPlugin => {
    this.ctx = ctx;
    return {
      routes: [{ path: '/stats', handle: (conn, _req, _path, query) => this.request(conn, query) }],
      onConnectionClose: (conn) => this.closed(conn),
      close: () => {
        for (const snapshot of this.pending.splice(0)) clearTimeout(snapshot.timer);
      },
    };
  };

  /** A message from the primary. */
  onMessage(message: ToClusterWorker): void {
    if (message.h1b === 'snapshot') this.snapshotFor(message.id, message.quiescentMs);
    else if (message.h1b === 'stats') this.answer(message.id, message.stats);
  }

  private request(conn: ServerConnection, query: string): void {
    const ctx = this.ctx!;
    const ms = query === '' ? -1 : quiescentParam(query);
    if (ms === -2 || ms > ctx.config.maxDelayMs) {
      return conn.send(400, 'text/plain', Buffer.from(`/stats?quiescent=MS needs 0 <= MS <= ${ctx.config.maxDelayMs}\n`, 'latin1'));
    }
    const id = this.nextId++;
    this.asked.set(id, conn);
    if (ms > 0) this.holding.add(conn);
    conn.deferredTimer = setTimeout(onNoAnswer, Math.max(ms, 0) + ANSWER_MARGIN_MS, this, id);
    this.send({ h1b: 'stats-request', id, quiescentMs: Math.max(ms, 0) });
  }

  /** The primary's sum arrived (or null: it could not collect one). */
  answer(id: number, stats: ServerStats | null): void {
    const conn = this.asked.get(id);
    if (conn === undefined) return;
    this.asked.delete(id);
    this.holding.delete(conn);
    if (conn.deferredTimer !== null) clearTimeout(conn.deferredTimer);
    conn.deferredTimer = null;
    if (conn.closed) return;
    if (stats === null) conn.send(503, 'text/plain', Buffer.from('cluster /stats unavailable: a worker did not answer\n', 'latin1'));
    else conn.send(200, JSON_TYPE, Buffer.from(`${JSON.stringify(stats)}\n`, 'utf8'));
    // Held connections no longer count as probes: a quiet check may now fail or pass differently.
    this.releaseIfQuiet();
  }

  private snapshotFor(id: number, quiescentMs: number): void {
    if (quiescentMs <= 0 || this.quiet()) {
      this.send({ h1b: 'snapshot', id, stats: this.ctx!.stats.snapshot() });
      return;
    }
    this.pending.push({ id, timer: setTimeout(onQuiescentBound, quiescentMs, this, id) });
  }

  /** No connection open here other than the /stats long-polls this worker holds. */
  private quiet(): boolean {
    return this.ctx!.stats.open <= this.holding.size;
  }

  private closed(conn: ServerConnection): void {
    if (this.holding.delete(conn)) {
      for (const [id, held] of this.asked) if (held === conn) this.asked.delete(id);
    }
    this.releaseIfQuiet();
  }

  private releaseIfQuiet(): void {
    if (this.pending.length === 0 || !this.quiet()) return;
    for (const snapshot of this.pending.splice(0)) {
      clearTimeout(snapshot.timer);
      this.send({ h1b: 'snapshot', id: snapshot.id, stats: this.ctx!.stats.snapshot() });
    }
  }

  /** The quiescent bound passed: answer with the counters as they are. */
  boundReached(id: number): void {
    const index = this.pending.findIndex((snapshot) => snapshot.id === id);
    if (index < 0) return;
    this.pending.splice(index, 1);
    this.send({ h1b: 'snapshot', id, stats: this.ctx!.stats.snapshot() });
  }
}

/** Timer callbacks at module level with their arguments, so no closure is made per request. */
function onQuiescentBound(worker: ClusterStatsWorker, id: number): void {
  worker.boundReached(id);
}

function onNoAnswer(worker: ClusterStatsWorker, id: number): void {
  worker.answer(id, null);
}
