// Idempotency keys accepted by this gateway instance but maybe not yet seen by the read model
// (clientOrderIds, deposit txIds, withdrawIds). A retry that arrives in that gap waits for the first
// append and answers as a duplicate instead of logging a second command. Entries leave when the read
// model knows the key (checked on access, and for the oldest entries on every add, so in steady state
// the map holds only what is between append and projection and its entries die young) or after
// `ttlMs`; the map is bounded (oldest evicted). A FIFO of the entries in insertion order finds the
// oldest in O(1): `Map.keys().next()` after many deletes skips every deleted slot still in the table,
// which cost 13–43 µs per add once the map was full. Other gateway instances do not see these
// entries: the engine refuses a duplicate id (RejectReason DUPLICATE) as the last line of defence.
// Owner: one instance per gateway process.

export interface InFlight<T> {
  /** resolves with the log seq once durable, rejects if the append failed */
  readonly durable: Promise<number>;
  readonly value: T;
  readonly expires: number;
}

/** An entry keeps its append's promise only until it settles (entries live for minutes). */
class Entry<T> implements InFlight<T> {
  seq = 0;
  /** still the map's entry for its key (false once deleted, evicted or replaced) */
  live = true;
  pending: Promise<number> | undefined;

  constructor(
    readonly key: string,
    readonly value: T,
    readonly expires: number,
    pending: Promise<number>,
  ) {
    this.pending = pending;
  }

  get durable(): Promise<number> {
    return this.pending ?? Promise.resolve(this.seq);
  }
}

export class InFlightMap<T> {
  private readonly map = new Map<string, Entry<T>>();
  /** entries in insertion order from `head`; dead ones are skipped and compacted away */
  private fifo: (Entry<T> | undefined)[] = [];
  private head = 0;

  /**
   * `known(key, value)`: does the read model know this key now? Entries it knows leave from the old end
   * as new ones come in (at most 2 checked per add, stopping at the first one not yet durable or known).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly known: (key: string, value: T) => boolean = () => false,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** entries held by the FIFO, dead ones included (at most 2 × size + 1 025) */
  get queued(): number {
    return this.fifo.length - this.head;
  }

  /** The entry of `key` while it is not expired and the read model does not know the key yet. */
  get(key: string, now: number): InFlight<T> | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= now || this.known(e.key, e.value)) {
      this.remove(e);
      return undefined;
    }
    return e;
  }

  /**
   * Adds `key`'s entry (replacing one there). `absent`: the caller's get() of the same key just found
   * nothing, with nothing in between that could add it (saves a lookup on every new order).
   */
  add(key: string, value: T, durable: Promise<number>, now: number, absent = false): void {
    const e = new Entry(key, value, now + this.ttlMs, durable);
    // the failure is handled by whoever awaits it; never an unhandled rejection
    durable.then(
      (seq) => {
        e.seq = seq;
        e.pending = undefined;
      },
      () => this.remove(e),
    );
    if (!absent) {
      const prev = this.map.get(key);
      if (prev) prev.live = false;
    }
    this.evict(now);
    this.sweep();
    this.map.set(key, e);
    this.fifo.push(e);
    this.compact();
  }

  private remove(e: Entry<T>): void {
    if (!e.live) return;
    e.live = false;
    this.map.delete(e.key);
  }

  /** Drops expired entries from the old end, then the oldest while the map is full. */
  private evict(now: number): void {
    const fifo = this.fifo;
    while (this.head < fifo.length) {
      const e = fifo[this.head] as Entry<T>;
      if (e.live && e.expires > now && this.map.size < this.max) break;
      this.remove(e);
      fifo[this.head++] = undefined;
    }
  }

  /**
   * Looks at up to 2 of the oldest live entries: one the read model knows leaves; one that is durable
   * but not known (not projected yet, or a rejected order the read model does not keep) goes to the
   * back, so it cannot hold up the sweep of those behind it (capacity eviction is then only roughly
   * oldest-first); one whose append is still pending stops the sweep (the ones behind it are newer).
   */
  private sweep(): void {
    const fifo = this.fifo;
    for (let checked = 0; checked < 2 && this.head < fifo.length; ) {
      const e = fifo[this.head] as Entry<T>;
      if (e.live) {
        if (e.pending !== undefined) return;
        checked++;
        if (this.known(e.key, e.value)) this.remove(e);
        else fifo.push(e);
      }
      fifo[this.head++] = undefined;
    }
  }

  /**
   * Rebuilds the FIFO once its consumed prefix is more than half of it, or its dead entries (deleted
   * before they reached the old end) outnumber the live ones plus 1 024: amortised O(1) per add.
   */
  private compact(): void {
    const queued = this.fifo.length - this.head;
    const prefixHeavy = this.head > 1024 && this.head > queued;
    if (!prefixHeavy && queued <= 2 * this.map.size + 1024) return;
    this.fifo = this.fifo.slice(this.head).filter((e) => e?.live === true);
    this.head = 0;
  }
}
