// A fixed ring of packets with their due times in shared memory: one thread (the relay's receiver) pushes, another (its sender) takes, no locks, no allocation per push.

/** Largest packet a slot holds: the TUN MTU is 1500, so 2 KiB leaves room and keeps 1000 slots at 2 MiB. */
export const SLOT_BYTES = 2048;

/** The shared buffers of a ring, as handed to a worker thread (workerData). */
export interface RingMemory {
  readonly capacity: number;
  /** Int32 [head, tail]: indices in [0, 2·capacity), so full and empty differ without a spare slot. */
  readonly indices: SharedArrayBuffer;
  readonly dues: SharedArrayBuffer;
  readonly lengths: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

const HEAD = 0;
const TAIL = 1;

/**
 * Single producer, single consumer. The producer writes a slot's bytes, length and due time with
 * plain stores, then publishes it with Atomics.store on the tail; the consumer's Atomics.load of the
 * tail synchronizes with that store (ECMAScript memory model: sequentially consistent atomics), so
 * it sees the slot complete. Float64 due times cannot be atomic; they need not be, for that reason.
 */
export class PacketRing {
  private readonly indices: Int32Array;
  private readonly dues: Float64Array;
  private readonly lengths: Int32Array;
  private readonly data: Uint8Array;
  private readonly capacity: number;

  private constructor(readonly memory: RingMemory) {
    this.capacity = memory.capacity;
    this.indices = new Int32Array(memory.indices);
    this.dues = new Float64Array(memory.dues);
    this.lengths = new Int32Array(memory.lengths);
    this.data = new Uint8Array(memory.data);
  }

  /** A new, empty ring of `capacity` packets. */
  static create(capacity: number): PacketRing {
    return new PacketRing({
      capacity,
      indices: new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT),
      dues: new SharedArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT),
      lengths: new SharedArrayBuffer(capacity * Int32Array.BYTES_PER_ELEMENT),
      data: new SharedArrayBuffer(capacity * SLOT_BYTES),
    });
  }

  /** The same ring, seen from another thread. */
  static attach(memory: RingMemory): PacketRing {
    return new PacketRing(memory);
  }

  /** Packets held. */
  get length(): number {
    const held = Atomics.load(this.indices, TAIL) - Atomics.load(this.indices, HEAD);
    return held < 0 ? held + 2 * this.capacity : held;
  }

  /** Producer: copy `packet` in with its due time; false when the ring is full or the packet exceeds a slot. */
  push(packet: Uint8Array, dueUs: number): boolean {
    if (packet.length > SLOT_BYTES || this.length >= this.capacity) return false;
    const tail = Atomics.load(this.indices, TAIL);
    const slot = tail % this.capacity;
    this.data.set(packet, slot * SLOT_BYTES);
    this.lengths[slot] = packet.length;
    this.dues[slot] = dueUs;
    Atomics.store(this.indices, TAIL, (tail + 1) % (2 * this.capacity));
    return true;
  }

  /** Consumer: due time of the oldest packet; Infinity when empty. */
  nextDueUs(): number {
    const head = Atomics.load(this.indices, HEAD);
    if (head === Atomics.load(this.indices, TAIL)) return Number.POSITIVE_INFINITY;
    return this.dues[head % this.capacity]!;
  }

  /**
   * Consumer: remove the oldest packet and return a copy of it (the slot is reused at once, while an
   * asynchronous send could still read the bytes). Throws when empty: a caller bug.
   */
  shift(): Buffer {
    const head = Atomics.load(this.indices, HEAD);
    if (head === Atomics.load(this.indices, TAIL)) throw new Error('PacketRing.shift on an empty ring');
    const slot = head % this.capacity;
    const start = slot * SLOT_BYTES;
    const packet = Buffer.from(this.data.subarray(start, start + this.lengths[slot]!));
    Atomics.store(this.indices, HEAD, (head + 1) % (2 * this.capacity));
    return packet;
  }
}
