// Reads the server's liveness verdicts by polling `/clients?state=offline`; times come from the server's own clock.

import { Client } from 'undici';
import type { ClientsCounts, OfflineEntry } from '../../measurements.js';

interface ClientsBody extends ClientsCounts {
  list?: OfflineEntry[];
}

/**
 * The server stamps each verdict with its monotonic clock (CLOCK_MONOTONIC, shared by every
 * process on the host), so the poll period decides only how soon we learn a verdict, never how
 * precise it is. A client that flaps offline and back between two polls is caught by the
 * `transitions.offline` count instead.
 */
export class VerdictPoller {
  /** Every distinct offline verdict observed per client, in the order seen. */
  readonly offline = new Map<string, OfflineEntry[]>();
  first: ClientsCounts | null = null;
  last: ClientsCounts | null = null;
  failures = 0;
  private readonly http: Client;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    url: URL,
    private readonly periodMs: number,
  ) {
    this.http = new Client(url.origin, { pipelining: 1, headersTimeout: 5_000, bodyTimeout: 5_000 });
  }

  /** One poll now (awaitable: used for the first and the final reading). */
  poll(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  start(): void {
    const loop = (): void => {
      void this.poll().then(() => {
        if (this.timer !== null) this.timer = setTimeout(loop, this.periodMs);
      });
    };
    this.timer = setTimeout(loop, this.periodMs);
  }

  /** Stop polling, e.g. right before the server is SIGSTOPped (a request to it would hang). */
  pause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  async close(): Promise<void> {
    this.pause();
    await this.inFlight?.catch(() => {});
    await this.http.destroy();
  }

  private async fetch(): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      const res = await this.http.request({ method: 'GET', path: '/clients?state=offline', signal: this.abort.signal });
      if (res.statusCode !== 200) {
        await res.body.dump();
        this.failures++;
        return;
      }
      const body = (await res.body.json()) as ClientsBody;
      this.record(body);
    } catch {
      // Counted, not fatal: a missed poll only delays when we learn a verdict (timestamps are the server's).
      this.failures++;
    }
  }

  private record(body: ClientsBody): void {
    const counts: ClientsCounts = {
      clients: body.clients,
      online: body.online,
      offline: body.offline,
      timeoutMs: body.timeoutMs,
      transitions: { ...body.transitions },
      connectionEnds: { ...body.connectionEnds },
      nowUs: body.nowUs,
    };
    this.first ??= counts;
    this.last = counts;
    for (const entry of body.list ?? []) {
      const known = this.offline.get(entry.id);
      if (known === undefined) this.offline.set(entry.id, [entry]);
      else if (!known.some((k) => k.sinceUs === entry.sinceUs)) known.push(entry);
    }
  }
}
