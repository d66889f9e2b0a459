// Main-thread side of the matcher workers. Owner: the sequencer (main thread) — it alone sends commands
// and drains events; each worker alone owns the books of its shard (symbolId % shardCount).
//
//   sequencer ──place/cancel/…──▶ input ring[s] ──▶ worker s ──▶ output ring[s] ──drain()──▶ sink
//
// Ordering: drain() delivers answers in the order the commands were sent, across all shards (a FIFO of
// in-flight commands says which output ring holds the next answer). The event stream the sequencer sees
// is therefore the same whatever the number of workers (SPEC §12), while the workers match in parallel.
//
// Flow control: at most `inputCapacity` commands in flight per shard; a send beyond that (or into a full
// input ring) returns false and the caller drains first. Sends are batched: a ring is published every
// PUBLISH_EVERY sends, and flush()/drain()/waitForEvents() publish the rest.
//
// Supervision: a worker that throws or exits, or an answer that breaks the protocol, marks the router
// failed: onError is called once, every later send/drain throws MatcherUnavailableError (code + retriable
// flag), waitForEvents resolves at once, and close() terminates what is left.
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { encodeAmend } from "@perpx/shared/codec/matcher/amend";
import { encodeCancel } from "@perpx/shared/codec/matcher/cancel";
import { encodeCancelAll } from "@perpx/shared/codec/matcher/cancel-all";
import { encodeCrash } from "@perpx/shared/codec/matcher/crash";
import { decodeEvent } from "@perpx/shared/codec/matcher/decode";
import { EventFields } from "@perpx/shared/codec/matcher/fields";
import { DecodeStatus, MatcherOp } from "@perpx/shared/codec/matcher/opcodes";
import { encodePlace } from "@perpx/shared/codec/matcher/place";
import { encodeRestoreEnd } from "@perpx/shared/codec/matcher/restore-end";
import { encodeRestoreOrder } from "@perpx/shared/codec/matcher/restore-order";
import { encodeSampleRequest } from "@perpx/shared/codec/matcher/sample-request";
import { encodeShutdown } from "@perpx/shared/codec/matcher/shutdown";
import { encodeSnapshotRequest } from "@perpx/shared/codec/matcher/snapshot-request";
import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { DEFAULT_SPINS, SpscRing } from "@perpx/shared/ring/spsc-ring";
import { InFlightQueue } from "./in-flight-queue.js";
import { dispatchEvent, type MatcherEventSink } from "./matcher-events.js";
import { type MatcherFailure, MatcherUnavailableError } from "./matcher-failure.js";
import type { MatcherWorkerData } from "./matcher-shard.js";

export { type MatcherFailure, MatcherUnavailableError };

export interface ShardRouterOptions {
  /** matcher worker threads, one per shard (symbolId % workers) */
  workers: number;
  /** slots per input ring = commands in flight per shard; power of two (default 4096 = 256 KiB) */
  inputCapacity?: number;
  /** slots per output ring; power of two (default 16384 = 1 MiB) */
  outputCapacity?: number;
  /** ring busy-wait iterations before parking, both sides (default DEFAULT_SPINS) */
  spins?: number;
  /**
   * the workers' own busy-wait iterations before parking on an empty input ring (default `spins`): long
   * keeps a worker hot between a synchronous caller's requests, 0 leaves the cores to others
   */
  workerSpins?: number;
  /** let workers accept MatcherOp.CRASH (supervision tests) */
  testHooks?: boolean;
  /** worker entry (default: matcher-worker.js next to this file; benches swap the book) */
  workerUrl?: URL;
  /** called once, with the first failure */
  onError: (failure: MatcherFailure) => void;
}

/** publish an input ring after this many unpublished sends */
const PUBLISH_EVERY = 32;
/** output slots polled per drain step */
const DRAIN_BATCH = 256;

export class ShardRouter {
  readonly shardCount: number;
  /** commands whose COMMAND_DONE has been delivered (statistic) */
  completed = 0;
  private readonly workers: Worker[] = [];
  private readonly exits: Promise<void>[] = [];
  private readonly inputs: SpscRing[] = [];
  private readonly outputs: SpscRing[] = [];
  /** per worker: the error message a dying worker posts (read synchronously, see workerGone) */
  private readonly errorPorts: MessagePort[] = [];
  private readonly inFlightByShard: Int32Array;
  private readonly maxInFlight: number;
  private readonly queue: InFlightQueue;
  private readonly ev = new EventFields();
  private eventsThisCommand = 0;
  private readonly onError: (f: MatcherFailure) => void;
  private readonly testHooks: boolean;
  private failure: MatcherFailure | null = null;
  private closing = false;
  private waiting: Promise<boolean> | null = null;

  /** Starts the workers and resolves once every thread is running. */
  static async start(opts: ShardRouterOptions): Promise<ShardRouter> {
    const r = new ShardRouter(opts);
    await Promise.all(
      r.workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            w.once("online", resolve);
            w.once("error", (e) =>
              reject(new MatcherUnavailableError(`worker ${i} failed to start: ${e.message}`)),
            );
          }),
      ),
    );
    return r;
  }

  private constructor(opts: ShardRouterOptions) {
    const n = opts.workers;
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`workers must be 1…256, got ${n}`);
    const inCap = opts.inputCapacity ?? 4096;
    const outCap = opts.outputCapacity ?? 16384;
    const spins = opts.spins ?? DEFAULT_SPINS;
    this.shardCount = n;
    this.onError = opts.onError;
    this.testHooks = opts.testHooks ?? false;
    this.maxInFlight = inCap;
    this.inFlightByShard = new Int32Array(n);
    this.queue = new InFlightQueue(n * inCap);
    const url = opts.workerUrl ?? new URL("./matcher-worker.js", import.meta.url);
    for (let i = 0; i < n; i++) {
      const input = SpscRing.create(inCap, { spins });
      const output = SpscRing.create(outCap, { spins });
      this.inputs.push(input);
      this.outputs.push(output);
      const channel = new MessageChannel();
      channel.port1.unref();
      this.errorPorts.push(channel.port1);
      const workerData: MatcherWorkerData = {
        shard: i,
        shardCount: n,
        input: input.sab,
        output: output.sab,
        spins: opts.workerSpins ?? spins,
        testHooks: this.testHooks,
        errors: channel.port2,
      };
      const w = new Worker(url, { workerData, transferList: [channel.port2] });
      w.on("error", (e: Error) => this.fail(i, `worker ${i} threw: ${e.message}`));
      this.exits.push(
        new Promise<void>((resolve) =>
          w.once("exit", (code) => {
            if (!this.closing) this.fail(i, `worker ${i} exited (code ${code})`);
            resolve();
          }),
        ),
      );
      this.workers.push(w);
    }
  }

  /** The shard (worker index) that owns a symbol. */
  shardOf(symbolId: number): number {
    return symbolId % this.shardCount;
  }

  /** Commands sent whose COMMAND_DONE has not been delivered yet. */
  get inFlight(): number {
    return this.queue.size;
  }

  /** The first failure, or null while healthy. */
  get failed(): MatcherFailure | null {
    return this.failure;
  }

  private unavailable(): MatcherUnavailableError {
    return new MatcherUnavailableError(this.failure?.message ?? "router closed");
  }

  private claim(shard: number): number {
    if (this.failure !== null || this.closing) throw this.unavailable();
    if (this.inFlightByShard[shard]! >= this.maxInFlight) return -1;
    return this.inputs[shard]!.tryClaim(1);
  }

  private sent(shard: number, seq: number): void {
    this.inFlightByShard[shard]!++;
    this.queue.push(shard, seq);
    const ring = this.inputs[shard]!;
    if (ring.pending >= PUBLISH_EVERY) ring.publish();
  }

  // ---- commands (false = back-pressure: drain, then send again) ------------------------------------

  place(
    seq: number,
    symbolId: number,
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    stp: StpMode,
  ): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodePlace(this.inputs[s]!.view, off, seq, symbolId, orderId, userId, side, price, qty, tif, stp);
    this.sent(s, seq);
    return true;
  }

  cancel(seq: number, symbolId: number, orderId: number, userId: number): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodeCancel(this.inputs[s]!.view, off, seq, symbolId, orderId, userId);
    this.sent(s, seq);
    return true;
  }

  cancelAll(seq: number, symbolId: number, userId: number): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodeCancelAll(this.inputs[s]!.view, off, seq, symbolId, userId);
    this.sent(s, seq);
    return true;
  }

  amend(
    seq: number,
    symbolId: number,
    orderId: number,
    userId: number,
    price: number,
    remaining: number,
  ): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodeAmend(this.inputs[s]!.view, off, seq, symbolId, orderId, userId, price, remaining);
    this.sent(s, seq);
    return true;
  }

  /** Answered by snapshotBook, one snapshotOrder per resting order, then commandDone. */
  snapshot(seq: number, symbolId: number): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodeSnapshotRequest(this.inputs[s]!.view, off, seq, symbolId);
    this.sent(s, seq);
    return true;
  }

  /** Read-only: answered by sampleResult (best prices, impact fills of `maxQuoteUnits`), then commandDone. */
  sample(seq: number, symbolId: number, maxQuoteUnits: number): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodeSampleRequest(this.inputs[s]!.view, off, seq, symbolId, maxQuoteUnits);
    this.sent(s, seq);
    return true;
  }

  /** One order of a book being restored (no answer); end with restoreEnd. */
  restoreOrder(
    symbolId: number,
    orderId: number,
    userId: number,
    side: Side,
    price: number,
    remaining: number,
    stp: StpMode,
  ): boolean {
    const s = symbolId % this.shardCount;
    if (this.failure !== null || this.closing) throw this.unavailable();
    const off = this.inputs[s]!.tryClaim(1);
    if (off < 0) return false;
    encodeRestoreOrder(this.inputs[s]!.view, off, symbolId, orderId, userId, side, price, remaining, stp);
    return true;
  }

  /** Replaces the symbol's book with the `count` orders sent by restoreOrder; answered by commandDone. */
  restoreEnd(seq: number, symbolId: number, updateId: number, count: number): boolean {
    const s = symbolId % this.shardCount;
    const off = this.claim(s);
    if (off < 0) return false;
    encodeRestoreEnd(this.inputs[s]!.view, off, seq, symbolId, updateId, count);
    this.sent(s, seq);
    return true;
  }

  /** Tests only (router started with testHooks): makes the shard's worker throw. */
  crash(seq: number, shard: number): boolean {
    if (!this.testHooks) throw new Error("crash() needs testHooks");
    const off = this.claim(shard);
    if (off < 0) return false;
    encodeCrash(this.inputs[shard]!.view, off, seq);
    this.sent(shard, seq);
    return true;
  }

  /** Tests only: the thread of a shard (e.g. to terminate it). */
  workerOf(shard: number): Worker {
    return this.workers[shard]!;
  }

  /** Publishes every unpublished send. */
  flush(): void {
    for (const r of this.inputs) r.publish();
  }

  // ---- events -----------------------------------------------------------------------------------------

  /**
   * Delivers the answers that have arrived, in send order, stopping at the first command whose answer is
   * not complete yet (its events so far are delivered). Never blocks. Returns the commands completed.
   */
  drain(sink: MatcherEventSink, maxCommands = Number.POSITIVE_INFINITY): number {
    if (this.failure !== null) throw this.unavailable();
    this.flush();
    const ev = this.ev;
    let done = 0;
    const queue = this.queue;
    while (queue.size > 0 && done < maxCommands) {
      const s = queue.headShard();
      const ring = this.outputs[s]!;
      const n = ring.poll(DRAIN_BATCH);
      if (n === 0) break;
      const view = ring.view;
      let off = ring.readOffset();
      let used = 0;
      while (used < n) {
        const status = decodeEvent(view, off, ev);
        used++;
        if (status !== DecodeStatus.OK) {
          ring.release(used);
          return this.protocolError(s, `undecodable event (status ${status}, opcode ${view.getUint8(off)})`);
        }
        if (ev.op === MatcherOp.COMMAND_DONE) {
          if (ev.seq !== queue.headSeq() || ev.eventCount !== this.eventsThisCommand) {
            ring.release(used);
            return this.protocolError(
              s,
              `COMMAND_DONE seq ${ev.seq} with ${ev.eventCount} events, expected seq ${queue.headSeq()} ` +
                `with ${this.eventsThisCommand}`,
            );
          }
          this.eventsThisCommand = 0;
          queue.pop();
          this.inFlightByShard[s]!--;
          this.completed++;
          done++;
          sink.commandDone(ev.seq);
          // keep reading this batch while the next answer is from the same shard: one release per batch
          if (done >= maxCommands || queue.size === 0 || queue.headShard() !== s) break;
          off = ring.next(off);
          continue;
        }
        this.eventsThisCommand++;
        dispatchEvent(ev, sink);
        off = ring.next(off);
      }
      ring.release(used);
    }
    return done;
  }

  private protocolError(shard: number, message: string): never {
    this.fail(shard, `shard ${shard} protocol error: ${message}`);
    throw this.unavailable();
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

  /** Throws when the shard's worker is gone (see workerGone). */
  private checkOpen(shard: number): void {
    if (this.workerGone(shard)) throw this.unavailable();
  }

  /**
   * A closed output ring with nothing left to read while answers are owed: the worker died (or the
   * router failed already). Fails the router then, and says so.
   */
  private workerGone(shard: number): boolean {
    if (this.failure !== null) return true;
    const out = this.outputs[shard]!;
    const owed = this.inFlightByShard[shard]!;
    if (this.closing || owed === 0 || !out.closed || out.poll(1) > 0) return false;
    const posted = receiveMessageOnPort(this.errorPorts[shard]!)?.message;
    this.fail(
      shard,
      typeof posted === "string"
        ? `worker ${shard} threw: ${posted}`
        : `worker ${shard} stopped (output ring closed) with ${owed} answers owed`,
    );
    return true;
  }

  /**
   * A synchronous caller that waited too long for a shard gives up on it: the router fails as it would
   * for a dead worker (onError once, later calls throw), and the error to throw is returned.
   */
  giveUp(shard: number, message: string): MatcherUnavailableError {
    this.fail(shard, message);
    return this.unavailable();
  }

  /** Drains until nothing is in flight (or the router fails, which throws). */
  async settle(sink: MatcherEventSink): Promise<void> {
    for (;;) {
      this.drain(sink);
      if (this.inFlight === 0) return;
      await this.waitForEvents(100);
    }
  }

  private fail(shard: number, message: string): void {
    if (this.failure !== null) return;
    this.failure = { code: "MATCHER_FAILED", retriable: false, shard, message };
    for (const r of this.outputs) r.wake(); // resolves a pending waitForEvents
    try {
      this.onError(this.failure);
    } catch {
      // the callback's own failure must not hide the shard's
    }
  }

  /**
   * Stops the workers: SHUTDOWN to each healthy one (answers not drained are dropped), terminate after
   * `timeoutMs` or at once when the router has failed. Later sends throw.
   */
  async close(timeoutMs = 2000): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (this.failure === null) {
        for (const r of this.inputs) {
          const off = r.tryClaim(1);
          if (off >= 0) encodeShutdown(r.view, off);
          r.publish();
        }
      }
    }
    const timeout = this.failure === null ? timeoutMs : 0;
    await Promise.all(
      this.workers.map(async (w, i) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<"late">((resolve) => {
          timer = setTimeout(() => resolve("late"), timeout);
        });
        if ((await Promise.race([this.exits[i]!, late])) === "late") await w.terminate();
        clearTimeout(timer);
        await this.exits[i];
      }),
    );
    for (const p of this.errorPorts) p.close();
  }
}
