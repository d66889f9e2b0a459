// The commands the router has sent and not yet seen answered, oldest first: which shard answers next,
// and the engine seq its COMMAND_DONE must carry. Owner: ShardRouter (main thread). Fixed capacity,
// typed arrays, no allocation per command (no Array.prototype.shift queue).
export class InFlightQueue {
  private readonly shards: Uint16Array;
  private readonly seqs: Float64Array;
  private readonly mask: number;
  private head = 0;
  private tail = 0;

  /** room for at least `capacity` commands */
  constructor(capacity: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.shards = new Uint16Array(size);
    this.seqs = new Float64Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** The caller bounds what is in flight (per-shard limits), so this never overruns. */
  push(shard: number, seq: number): void {
    const t = this.tail & this.mask;
    this.shards[t] = shard;
    this.seqs[t] = seq;
    this.tail++;
  }

  /** shard of the oldest command (size must be > 0) */
  headShard(): number {
    return this.shards[this.head & this.mask]!;
  }

  /** engine seq of the oldest command (size must be > 0) */
  headSeq(): number {
    return this.seqs[this.head & this.mask]!;
  }

  pop(): void {
    this.head++;
  }
}
