// Server counters for `/stats`: plain numbers bumped on the hot path, materialised as ServerStats on demand.

import type { ServerStats, TlsHandshakeStats } from '../measurements.js';
import { CloseCounts, StatusCounts, type CloseKind } from '../metrics/counters.js';


/** Distinct failure codes kept per server; later new codes are counted under `other` (bounded memory). */
const MAX_FAILURE_CODES = 16;

/** TLS handshake counters of an HTTPS server (see TlsHandshakeStats); bumped once per TCP connection. */
export class TlsCounters {
  full = 0;
  resumed = 0;
  failed = 0;
  private readonly failuresByCode = new Map<string, number>();

  /** Count a failed handshake under its error code (`ERR_SSL_HTTP_REQUEST`, `ECONNRESET`...). */
  countFailure(code: string): void {
    this.failed++;
    const key = this.failuresByCode.has(code) || this.failuresByCode.size < MAX_FAILURE_CODES ? code : 'other';
    this.failuresByCode.set(key, (this.failuresByCode.get(key) ?? 0) + 1);
  }

  handshakes(): TlsHandshakeStats {
    return { full: this.full, resumed: this.resumed, failed: this.failed };
  }

  failures(): Record<string, number> {
    return Object.fromEntries(this.failuresByCode);
  }
}

export class StatsCounters {
  accepted = 0;
  open = 0;
  requests = 0;
  bytesIn = 0;
  bytesOut = 0;
  backpressurePauses = 0;
  /** accept() failures (EMFILE...), counted rather than crashing; not part of ServerStats. */
  acceptErrors = 0;
  /** Present on an HTTPS server only. */
  readonly tls: TlsCounters | null;
  /** Who closed each accepted connection first: the same primitive the client counts with. */
  private readonly closes = new CloseCounts();
  private readonly byStatus = new StatusCounts();

  constructor(tls = false) {
    this.tls = tls ? new TlsCounters() : null;
  }

  countStatus(status: number): void {
    this.byStatus.add(status);
  }

  countClose(kind: CloseKind): void {
    this.closes.count(kind);
  }

  /**
   * The `/stats` body. Connection accounting is the same for plain and TLS servers:
   * - `connectionsAccepted`: TCP accepts (on HTTPS, before any TLS byte);
   * - `connectionsOpen`: accepted sockets not yet closed, on HTTPS including those still handshaking;
   * - `closedByServer`, `closedByClient`, `reset`: connections that carried HTTP, i.e. on HTTPS those whose
   *   handshake completed (`tlsHandshakes.full + resumed`), by who started closing first;
   * - a TLS connection that failed or closed before its handshake completed is counted in `tlsHandshakes.failed`
   *   (and `tlsFailuresByCode`) only, never in `closedBy*`/`reset`.
   * Once no connection is open: connectionsAccepted = closedByServer + closedByClient + reset + (tlsHandshakes?.failed ?? 0).
   * `bytesIn`/`bytesOut` are HTTP (cleartext) bytes, not TLS records. `tlsHandshakes` and `tlsFailuresByCode` are
   * null on a plain server; the keys are always present so the JSON shape does not depend on the mode.
   */
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
      tlsHandshakes: this.tls === null ? null : this.tls.handshakes(),
      tlsFailuresByCode: this.tls === null ? null : this.tls.failures(),
    };
  }
}
