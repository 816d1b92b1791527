// Server counters for `/stats`: plain numbers bumped on the hot path, materialised as ServerStats on demand.

import type { ServerStats } from '../types.js';

/** How a connection ended, attributed to whoever started closing it first. */
export type CloseKind = 'server' | 'client' | 'reset';

export class StatsCounters {
  accepted = 0;
  open = 0;
  closedByServer = 0;
  closedByClient = 0;
  reset = 0;
  requests = 0;
  bytesIn = 0;
  bytesOut = 0;
  backpressurePauses = 0;
  /** accept() failures (EMFILE...), counted rather than crashing; not part of ServerStats. */
  acceptErrors = 0;
  /** Indexed by status code: an array increment instead of a string-keyed object update per response. */
  private readonly byStatus = new Float64Array(600);

  countStatus(status: number): void {
    this.byStatus[status]! += 1;
  }

  countClose(kind: CloseKind): void {
    if (kind === 'server') this.closedByServer++;
    else if (kind === 'client') this.closedByClient++;
    else this.reset++;
  }

  snapshot(): ServerStats {
    const responsesByStatus: Record<string, number> = {};
    for (let s = 100; s < 600; s++) {
      const n = this.byStatus[s]!;
      if (n > 0) responsesByStatus[String(s)] = n;
    }
    return {
      connectionsAccepted: this.accepted,
      connectionsOpen: this.open,
      closedByServer: this.closedByServer,
      closedByClient: this.closedByClient,
      reset: this.reset,
      requests: this.requests,
      responsesByStatus,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      backpressurePauses: this.backpressurePauses,
    };
  }
}
