// Server counters for `/stats`: plain numbers bumped on the hot path, materialised as ServerStats on demand.

import type { ServerStats } from '../measurements.js';
import { CloseCounts, StatusCounts, type CloseKind } from '../metrics/counters.js';

export type { CloseKind } from '../metrics/counters.js';

export class StatsCounters {
  accepted = 0;
  open = 0;
  requests = 0;
  bytesIn = 0;
  bytesOut = 0;
  backpressurePauses = 0;
  /** accept() failures (EMFILE...), counted rather than crashing; not part of ServerStats. */
  acceptErrors = 0;
  /** Who closed each accepted connection first: the same primitive the client counts with. */
  private readonly closes = new CloseCounts();
  private readonly byStatus = new StatusCounts();

  countStatus(status: number): void {
    this.byStatus.add(status);
  }

  countClose(kind: CloseKind): void {
    this.closes.count(kind);
  }

  snapshot(): ServerStats {
    return {
      connectionsAccepted: this.accepted,
      connectionsOpen: this.open,
      closedByServer: this.closes.closedByServer,
      closedByClient: this.closes.closedByClient,
      reset: this.closes.reset,
      requests: this.requests,
      responsesByStatus: this.byStatus.toRecord(),
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      backpressurePauses: this.backpressurePauses,
    };
  }
}
