// Idempotency keys accepted by this gateway instance but maybe not yet seen by the read model
// (clientOrderIds, deposit txIds, withdrawIds). A retry that arrives in that gap waits for the first
// append and answers as a duplicate instead of logging a second command. Entries leave when the read
// model knows the key (checked on access) or after `ttlMs`; the map is bounded (oldest evicted). Other
// gateway instances do not see these entries: the engine refuses a duplicate id (RejectReason
// DUPLICATE) as the last line of defence.
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
  pending: Promise<number> | undefined;

  constructor(
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

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string, now: number, knownElsewhere: () => boolean): InFlight<T> | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expires <= now || knownElsewhere()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  add(key: string, value: T, durable: Promise<number>, now: number): void {
    const e = new Entry(value, now + this.ttlMs, durable);
    // the failure is handled by whoever awaits it; never an unhandled rejection
    durable.then(
      (seq) => {
        e.seq = seq;
        e.pending = undefined;
      },
      () => {
        if (this.map.get(key) === e) this.map.delete(key);
      },
    );
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, e);
  }
}
