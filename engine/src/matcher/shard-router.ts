// Main-thread side of the matcher workers. Owner: the sequencer (main thread) — it alone sends commands
// and drains events; each worker alone owns the books of its shard (symbolId % shardCount).
//
//   sequencer ──place/cancel/…──▶ input ring[s] ──▶ worker s ──▶ output ring[s] ──drain()──▶ sink
//
// Ordering: drain() delivers answers in the order the commands were sent, across all shards (a FIFO of
// in-flight commands says which output ring holds the next answer). The event stream the sequencer sees
// is therefore the same whatever the number of workers (SPEC §12), while the workers match in parallel.
//
// The router is built in layers, one role a file, all sharing the per-shard rings and counters:
//   shard-workers.ts  starting the threads, supervision (failure → MatcherUnavailableError), close()
//   shard-sender.ts   encoding commands into the input rings; flow control and batched publishing
//   shard-drain.ts    decoding the output rings in send order; protocol checks
//   shard-router.ts   (this file) start(), and waiting for answers: async, or blocking for a synchronous
//                     caller such as WorkerMatchPort
import type { MatcherEventSink } from "./matcher-events.js";
import { type MatcherFailure, MatcherUnavailableError } from "./matcher-failure.js";
import { ShardDrain } from "./shard-drain.js";
import type { ShardRouterOptions } from "./shard-workers.js";

export { type MatcherFailure, MatcherUnavailableError, type ShardRouterOptions };

export class ShardRouter extends ShardDrain {
  private waiting: Promise<boolean> | null = null;

  /** Starts the workers and resolves once every thread is running. */
  static async start(opts: ShardRouterOptions): Promise<ShardRouter> {
    const r = new ShardRouter(opts);
    await r.online();
    return r;
  }

  private constructor(opts: ShardRouterOptions) {
    super(opts);
  }

  /**
   * Resolves true when the next answer (the oldest in-flight command's) has something to drain, false
   * when nothing is in flight, on timeout, or on failure. Keeps the event loop free (Atomics.waitAsync).
   */
  waitForEvents(timeoutMs = 1000): Promise<boolean> {
    if (this.failure !== null) return Promise.resolve(false);
    this.flush();
    if (this.queue.size === 0) return Promise.resolve(false);
    const s = this.queue.headShard();
    const ring = this.outputs[s]!;
    if (ring.poll(1) > 0) return Promise.resolve(true);
    let waiting = this.waiting;
    if (waiting === null) {
      waiting = ring
        .waitForDataAsync(timeoutMs)
        .then((got) => {
          if (!got) this.workerGone(s); // woken by the ring a dying worker closed
          return got;
        })
        .finally(() => {
          this.waiting = null;
        });
      this.waiting = waiting;
    }
    return waiting;
  }

  /**
   * For a synchronous caller (WorkerMatchPort, whose sequencer call cannot await): blocks this thread —
   * spin `spins` times, then Atomics.wait, which Node allows on the main thread but which stalls its
   * event loop — until the oldest in-flight command's output ring has something to drain. False when
   * nothing is in flight or on timeout. Throws MatcherUnavailableError when the router has failed, or
   * when that shard's worker closed its output ring with answers still owed: a worker that throws closes
   * it on its way out (matcher-worker.ts), because the 'exit' event that normally reports a dead worker
   * cannot be delivered while this thread is blocked here.
   */
  waitForEventsSync(timeoutMs: number): boolean {
    if (this.failure !== null) throw this.unavailable();
    this.flush();
    if (this.queue.size === 0) return false;
    const s = this.queue.headShard();
    const ring = this.outputs[s]!;
    if (ring.waitForData(timeoutMs)) return true;
    this.checkOpen(s);
    return false;
  }

  /**
   * For a synchronous caller streaming more restore orders than the input ring holds: publishes and
   * blocks until the symbol's input ring has a free slot (true) or `timeoutMs` passed (false). Throws
   * like waitForEventsSync when the router failed or the shard's worker is gone.
   */
  waitForRoomSync(symbolId: number, timeoutMs: number): boolean {
    if (this.failure !== null || this.closing) throw this.unavailable();
    const s = symbolId % this.shardCount;
    if (this.inputs[s]!.waitForRoom(1, timeoutMs)) return true;
    this.checkOpen(s);
    return false;
  }

  /** Drains until nothing is in flight (or the router fails, which throws). */
  async settle(sink: MatcherEventSink): Promise<void> {
    for (;;) {
      this.drain(sink);
      if (this.inFlight === 0) return;
      await this.waitForEvents(100);
    }
  }
}
