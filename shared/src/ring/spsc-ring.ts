// Single-producer/single-consumer ring over a SharedArrayBuffer (layout: ring-layout.ts).
// Owner: exactly one thread produces (tryClaim/publish) and exactly one thread consumes (poll/release);
// each builds its own SpscRing on the same buffer with create()/attach(). The instance keeps its side's
// private cursors in plain fields; only `tail`, `head`, the parked flags and `closed` are shared.
//
// Producer:  off = tryClaim(n) → write n slots (off, next(off), …) → publish()   (one Atomics.store for all)
// Consumer:  n = poll(max) → read n slots from readOffset() → release(n)        (one Atomics.store for all)
//
// Parking: a side with nothing to do spins `spins` times re-reading the peer's counter, then sets its
// parked flag, re-checks, and Atomics.wait()s on the counter the peer moves. The peer calls Atomics.notify
// only when it sees that flag set (one Atomics.load per publish/release), never once per message.
// No lost wake-up (Dekker): the parker does store(flag = 1); load(counter), the peer store(counter);
// load(flag), all SeqCst, so at least one sees the other's store: either the parker sees the new counter
// and does not sleep (Atomics.wait returns "not-equal" at once), or the peer sees the flag and notifies.
// Only the parker lowers its flag. A notifier that lowered it (to notify once per park) can do so between
// the parker's raise and its Atomics.wait on a counter value that is already current; every later
// publish/release then skips the notify and both sides sleep. That variant deadlocked in the stress test
// during development; the price of the safe rule is a few redundant notifies while a parker wakes up.
import {
  DATA_OFFSET,
  I_CAPACITY,
  I_CLOSED,
  I_CONSUMER_PARKED,
  I_HEAD,
  I_MAGIC,
  I_PRODUCER_PARKED,
  I_SLOT_BYTES,
  I_TAIL,
  MAX_CAPACITY,
  RING_MAGIC,
  ringBytes,
  SLOT_BYTES,
} from "./ring-layout.js";

/**
 * Busy-wait iterations before parking. One iteration is an Atomics.load (a few ns while the line is
 * shared), so 2048 is roughly 5–20 µs: shorter than a futex wake-up on a VM (~50–120 µs), long enough to
 * catch a peer that is merely between two batches.
 */
export const DEFAULT_SPINS = 2048;

export interface RingOptions {
  /** busy-wait iterations before parking (0 = park at once) */
  spins?: number;
}

export interface CreateRingOptions extends RingOptions {
  /** first sequence number (int32); tests start near 2^31 to cross the counter wrap */
  initialSeq?: number;
}

interface WaitAsyncResult {
  async: boolean;
  value: Promise<"ok" | "timed-out"> | "not-equal" | "timed-out";
}
type WaitAsync = (ta: Int32Array, index: number, value: number, timeoutMs?: number) => WaitAsyncResult;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export class SpscRing {
  readonly sab: SharedArrayBuffer;
  /** number of slots (power of two) */
  readonly capacity: number;
  readonly mask: number;
  /** views over the whole buffer: slot offsets returned by the ring index into these */
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly spins: number;
  private readonly i32: Int32Array;
  private readonly dataEnd: number;

  // producer side (only touched by the producing thread)
  private claimed: number;
  private published: number;
  private cachedHead: number;
  // consumer side (only touched by the consuming thread)
  private head: number;
  private cachedTail: number;

  /**
   * times this side raised its parked flag, i.e. announced a park (it then Atomics.wait()s unless the
   * re-check finds work). Local statistic, not shared.
   */
  parks = 0;
  /** times this side called Atomics.notify (local statistic, not shared) */
  notifies = 0;

  /** A new ring of `capacity` slots (power of two). Hand `ring.sab` to the peer thread. */
  static create(capacity: number, opts: CreateRingOptions = {}): SpscRing {
    if (!isPowerOfTwo(capacity) || capacity > MAX_CAPACITY) {
      throw new RangeError(`ring capacity must be a power of two ≤ 2^30, got ${capacity}`);
    }
    const sab = new SharedArrayBuffer(ringBytes(capacity));
    const i32 = new Int32Array(sab);
    const seq = (opts.initialSeq ?? 0) | 0;
    i32[I_MAGIC] = RING_MAGIC;
    i32[I_CAPACITY] = capacity;
    i32[I_SLOT_BYTES] = SLOT_BYTES;
    i32[I_TAIL] = seq;
    i32[I_HEAD] = seq;
    return new SpscRing(sab, opts);
  }

  /** The same ring seen from another thread (or the other side in this one). */
  static attach(sab: SharedArrayBuffer, opts: RingOptions = {}): SpscRing {
    return new SpscRing(sab, opts);
  }

  private constructor(sab: SharedArrayBuffer, opts: RingOptions) {
    if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < DATA_OFFSET) {
      throw new TypeError("not a ring buffer: expected a SharedArrayBuffer made by SpscRing.create");
    }
    const i32 = new Int32Array(sab);
    const capacity = Atomics.load(i32, I_CAPACITY);
    if (
      Atomics.load(i32, I_MAGIC) !== RING_MAGIC ||
      Atomics.load(i32, I_SLOT_BYTES) !== SLOT_BYTES ||
      !isPowerOfTwo(capacity) ||
      sab.byteLength !== ringBytes(capacity)
    ) {
      throw new TypeError("not a ring buffer: bad magic, slot size or length");
    }
    this.sab = sab;
    this.i32 = i32;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.view = new DataView(sab);
    this.bytes = new Uint8Array(sab);
    this.dataEnd = ringBytes(capacity);
    this.spins = opts.spins ?? DEFAULT_SPINS;
    const tail = Atomics.load(i32, I_TAIL);
    const head = Atomics.load(i32, I_HEAD);
    this.claimed = tail;
    this.published = tail;
    this.cachedHead = head;
    this.head = head;
    this.cachedTail = tail;
  }

  /** Byte offset of the slot after the one at `off` (wraps to the first slot). */
  next(off: number): number {
    const n = off + SLOT_BYTES;
    return n === this.dataEnd ? DATA_OFFSET : n;
  }

  // ---- producer ------------------------------------------------------------------------------------

  /**
   * Claims `n` more slots after those already claimed; returns the byte offset of the first (walk the
   * rest with next()), or -1 when the ring lacks room (nothing claimed). Claimed slots stay invisible to
   * the consumer until publish().
   */
  tryClaim(n: number): number {
    if (n < 1 || n > this.capacity) throw new RangeError(`claim of ${n} slots in a ring of ${this.capacity}`);
    const end = (this.claimed + n) | 0;
    if (((end - this.cachedHead) | 0) > this.capacity) {
      this.cachedHead = Atomics.load(this.i32, I_HEAD);
      if (((end - this.cachedHead) | 0) > this.capacity) return -1;
    }
    const off = DATA_OFFSET + (this.claimed & this.mask) * SLOT_BYTES;
    this.claimed = end;
    return off;
  }

  /** slots claimed but not yet published */
  get pending(): number {
    return (this.claimed - this.published) | 0;
  }

  /** Makes every claimed slot visible with one Atomics.store; notifies the consumer only if it is parked. */
  publish(): void {
    const claimed = this.claimed;
    if (claimed === this.published) return;
    this.published = claimed;
    Atomics.store(this.i32, I_TAIL, claimed);
    if (Atomics.load(this.i32, I_CONSUMER_PARKED) !== 0) {
      this.notifies++;
      Atomics.notify(this.i32, I_TAIL);
    }
  }

  private hasRoom(n: number): boolean {
    const end = (this.claimed + n) | 0;
    if (((end - this.cachedHead) | 0) <= this.capacity) return true;
    this.cachedHead = Atomics.load(this.i32, I_HEAD);
    return ((end - this.cachedHead) | 0) <= this.capacity;
  }

  /**
   * Blocks (spin, then Atomics.wait) until `n` slots can be claimed or `timeoutMs` passed; publishes
   * pending slots first so the consumer can make progress. Returns whether there is room now.
   * Not for a browser main thread; in Node it also blocks the event loop, so the sequencer uses tryClaim.
   */
  waitForRoom(n: number, timeoutMs = Number.POSITIVE_INFINITY): boolean {
    this.publish();
    if (this.hasRoom(n)) return true;
    for (let i = 0; i < this.spins; i++) if (this.hasRoom(n)) return true;
    const deadline = Date.now() + timeoutMs;
    const i32 = this.i32;
    for (;;) {
      Atomics.store(i32, I_PRODUCER_PARKED, 1);
      this.parks++;
      const head = Atomics.load(i32, I_HEAD);
      this.cachedHead = head;
      if (this.hasRoom(n)) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(i32, I_HEAD, head, left);
    }
    Atomics.store(i32, I_PRODUCER_PARKED, 0);
    return this.hasRoom(n);
  }

  /** Publishes what is pending and marks the stream finished; wakes a parked consumer. */
  close(): void {
    this.publish();
    Atomics.store(this.i32, I_CLOSED, 1);
    Atomics.notify(this.i32, I_TAIL);
  }

  // ---- consumer ------------------------------------------------------------------------------------

  /**
   * Number of published, unread slots, at most `max`; read them from readOffset() onwards, then
   * release(). Reads the producer's counter only when the cached one says the ring is empty.
   */
  poll(max: number): number {
    let avail = (this.cachedTail - this.head) | 0;
    if (avail === 0) {
      this.cachedTail = Atomics.load(this.i32, I_TAIL);
      avail = (this.cachedTail - this.head) | 0;
    }
    return avail < max ? avail : max;
  }

  /** Byte offset of the first unread slot. */
  readOffset(): number {
    return DATA_OFFSET + (this.head & this.mask) * SLOT_BYTES;
  }

  /** Hands `n` read slots back to the producer (one Atomics.store); wakes it only if it is parked. */
  release(n: number): void {
    if (n < 0 || n > ((this.cachedTail - this.head) | 0)) {
      throw new RangeError(`release of ${n} slots, ${(this.cachedTail - this.head) | 0} were polled`);
    }
    this.head = (this.head + n) | 0;
    Atomics.store(this.i32, I_HEAD, this.head);
    if (Atomics.load(this.i32, I_PRODUCER_PARKED) !== 0) {
      this.notifies++;
      Atomics.notify(this.i32, I_HEAD);
    }
  }

  /** Has the producer closed the ring? (It may still hold unread slots.) */
  get closed(): boolean {
    return Atomics.load(this.i32, I_CLOSED) !== 0;
  }

  /** Closed and every slot read: the stream is over. */
  get finished(): boolean {
    return this.closed && this.poll(1) === 0;
  }

  /**
   * Blocks (spin, then Atomics.wait) until a slot is readable, the ring is closed, or `timeoutMs` passed.
   * Returns whether a slot is readable. Worker threads only: the main thread uses waitForDataAsync.
   */
  waitForData(timeoutMs = Number.POSITIVE_INFINITY): boolean {
    if (this.poll(1) > 0) return true;
    const i32 = this.i32;
    for (let i = 0; i < this.spins; i++) if (Atomics.load(i32, I_TAIL) !== this.head) return this.poll(1) > 0;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      Atomics.store(i32, I_CONSUMER_PARKED, 1);
      this.parks++;
      if (Atomics.load(i32, I_TAIL) !== this.head || Atomics.load(i32, I_CLOSED) !== 0) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(i32, I_TAIL, this.head, left);
    }
    Atomics.store(i32, I_CONSUMER_PARKED, 0);
    return this.poll(1) > 0;
  }

  /**
   * Event-loop friendly wait for the main thread: resolves true when a slot is readable, false on
   * timeout, close, or a wake-up from wake(). Spins `spins` times first, then parks with
   * Atomics.waitAsync. One outstanding call per ring. A pending Atomics.waitAsync does not keep Node's
   * event loop alive (nodejs/node#61941): the caller must hold a ref'd handle meanwhile (the router's
   * live Worker handles are one).
   */
  async waitForDataAsync(timeoutMs: number): Promise<boolean> {
    if (this.poll(1) > 0) return true;
    const i32 = this.i32;
    for (let i = 0; i < this.spins; i++) if (Atomics.load(i32, I_TAIL) !== this.head) return this.poll(1) > 0;
    Atomics.store(i32, I_CONSUMER_PARKED, 1);
    this.parks++;
    if (Atomics.load(i32, I_TAIL) === this.head && Atomics.load(i32, I_CLOSED) === 0) {
      const r = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(i32, I_TAIL, this.head, timeoutMs);
      if (r.async) await r.value;
    }
    Atomics.store(i32, I_CONSUMER_PARKED, 0);
    return this.poll(1) > 0;
  }

  /** Wakes whoever waits on this ring (either side) without publishing: used to report a dead peer. */
  wake(): void {
    Atomics.notify(this.i32, I_TAIL);
    Atomics.notify(this.i32, I_HEAD);
  }
}
