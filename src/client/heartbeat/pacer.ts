// Beat scheduling without a timer per client: a cursor over evenly spread phases, and a FIFO of answer deadlines.

/**
 * Client i of n (in phase order) beats at `startUs + phase[i] + r · interval` for round r. Beats
 * are handed out in due order by one cursor k (client k mod n, round ⌊k / n⌋), so a whole fleet
 * costs O(1) per beat and one timer per process.
 */
export class BeatPacer {
  private k = 0;
  private readonly n: number;

  constructor(
    private readonly startUs: number,
    private readonly intervalUs: number,
    /** Phase of each client in µs, ascending, each in [0, intervalUs). */
    private readonly phasesUs: readonly number[],
  ) {
    this.n = phasesUs.length;
  }

  /** Due time of the next beat (Infinity for an empty fleet). */
  nextDueUs(): number {
    if (this.n === 0) return Infinity;
    return this.startUs + Math.floor(this.k / this.n) * this.intervalUs + (this.phasesUs[this.k % this.n] as number);
  }

  /** Index of the next client whose beat is due at `nowUs`, or -1; advances the cursor. */
  poll(nowUs: number): number {
    if (this.nextDueUs() > nowUs) return -1;
    const index = this.k % this.n;
    this.k++;
    return index;
  }
}

/** Phases that spread `count` clients, the `index`-th of `total` overall, evenly over one interval. */
export function spreadPhaseUs(globalIndex: number, total: number, intervalUs: number): number {
  return Math.floor((globalIndex * intervalUs) / total);
}

/**
 * Beats waiting for an answer, in send order. With one timeout for all, send order is deadline
 * order, so expiry is a pop from the head. An answered beat stays queued and is dropped when it
 * reaches the head (its client's `sentUs` no longer matches), so answering costs nothing here.
 */
export class DeadlineQueue {
  private clients: Int32Array;
  private sent: Float64Array;
  private head = 0;
  private tail = 0;

  constructor(initialCapacity = 1024) {
    this.clients = new Int32Array(initialCapacity);
    this.sent = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.tail - this.head;
  }

  push(clientIndex: number, sentUs: number): void {
    if (this.tail === this.clients.length) this.grow();
    this.clients[this.tail] = clientIndex;
    this.sent[this.tail] = sentUs;
    this.tail++;
  }

  /** Send time of the oldest entry (Infinity when empty). */
  headSentUs(): number {
    return this.head === this.tail ? Infinity : (this.sent[this.head] as number);
  }

  headClient(): number {
    return this.clients[this.head] as number;
  }

  shift(): void {
    this.head++;
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  private grow(): void {
    // Compact first: most of the array is consumed entries when the fleet is in steady state.
    const live = this.tail - this.head;
    const capacity = live * 2 > this.clients.length ? this.clients.length * 2 : this.clients.length;
    const clients = new Int32Array(capacity);
    const sent = new Float64Array(capacity);
    clients.set(this.clients.subarray(this.head, this.tail));
    sent.set(this.sent.subarray(this.head, this.tail));
    this.clients = clients;
    this.sent = sent;
    this.head = 0;
    this.tail = live;
  }
}
