// The counter primitives the server, the load generator and the heartbeat clients share: who closed, which status.

/** How a connection ended, attributed to whoever started closing it first (a FIN), or an RST. */
export type CloseKind = 'server' | 'client' | 'reset';

/**
 * Who closed connections first. The server counts its accepted connections here, the generator and the heartbeat
 * clients their own: the same attribution everywhere, so the views can be compared one to one.
 */
export class CloseCounts {
  closedByServer = 0;
  closedByClient = 0;
  reset = 0;

  count(kind: CloseKind): void {
    if (kind === 'server') this.closedByServer++;
    else if (kind === 'client') this.closedByClient++;
    else this.reset++;
  }

  clear(): void {
    this.closedByServer = 0;
    this.closedByClient = 0;
    this.reset = 0;
  }
}

/** Status codes are three digits (both parsers enforce it): a flat array indexes them without string keys. */
const STATUS_SLOTS = 1000;

/**
 * Responses by status code: one typed-array increment on the hot path, materialised as `{"200": n}` on demand.
 * Non-2xx answers are counted here, not as failures (a 503 is a response).
 */
export class StatusCounts {
  private readonly slots = new Float64Array(STATUS_SLOTS);

  /** Count `n` responses with `status` (100–999). */
  add(status: number, n = 1): void {
    this.slots[status]! += n;
  }

  clear(): void {
    this.slots.fill(0);
  }

  /** `{"200": 41, "404": 2}`: every status seen at least once. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let s = 0; s < STATUS_SLOTS; s++) if (this.slots[s]! > 0) out[String(s)] = this.slots[s]!;
    return out;
  }

  /** Responses outside 2xx. */
  non2xx(): number {
    let total = 0;
    for (let s = 0; s < STATUS_SLOTS; s++) if ((s < 200 || s > 299) && this.slots[s]! > 0) total += this.slots[s]!;
    return total;
  }

  /** `{"HTTP_404": 2}`: the non-2xx entries as LoadResult.errors lists them beside the H1B_* failures. */
  non2xxByCode(into: Record<string, number>): Record<string, number> {
    for (let s = 0; s < STATUS_SLOTS; s++) {
      if ((s < 200 || s > 299) && this.slots[s]! > 0) into[`HTTP_${s}`] = (into[`HTTP_${s}`] ?? 0) + this.slots[s]!;
    }
    return into;
  }
}

/**
 * Counts of error codes, and a bounded sample of each one's occurrences (reason, phase, addresses): a failure
 * counted on the hot path keeps enough context to tell why, without a debugger (undici's socket info on errors).
 */
export class CodeCounts<Sample> {
  private readonly counts = new Map<string, number>();
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly samplesPerCode: number) {}

  add(code: string, n: number): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }

  /** Whether one more sample of `code` is kept: check before building a sample, so a flood allocates nothing. */
  wantsSample(code: string): boolean {
    return (this.samples.get(code)?.length ?? 0) < this.samplesPerCode;
  }

  addSample(code: string, sample: Sample): void {
    const list = this.samples.get(code);
    if (list === undefined) this.samples.set(code, [sample]);
    else if (list.length < this.samplesPerCode) list.push(sample);
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  clear(): void {
    this.counts.clear();
    this.samples.clear();
  }

  toRecord(into: Record<string, number> = {}): Record<string, number> {
    for (const [code, n] of this.counts) into[code] = (into[code] ?? 0) + n;
    return into;
  }

  samplesRecord(): Record<string, Sample[]> {
    const out: Record<string, Sample[]> = {};
    for (const [code, list] of this.samples) out[code] = [...list];
    return out;
  }
}
