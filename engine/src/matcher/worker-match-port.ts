// The sequencer's MatchPort with the books in matcher worker threads (SPEC §1): ShardRouter → input ring
// of the symbol's shard (symbolId % workers) → the worker's OrderBook → output ring → back into the
// sequencer's MatchReport. Owner: the sequencer (main thread) calls it; each worker alone owns its books.
//
// The sequencer calls execute() synchronously and settles the report at once, so execute sends one
// request, publishes it, and blocks until that request's COMMAND_DONE: the router's drain() delivers the
// events into the report as they arrive, and between drains waitForEventsSync() spins `spins` times on
// the output ring, then parks in Atomics.wait (Node allows it on the main thread; the event loop stalls
// meanwhile, which is what a synchronous call means). One request is in flight at a time, so the result
// is sequential application whatever the number of workers — and the workers never match in parallel.
// Letting them would take the pipelined port described in match-port.ts, which changes the sequencer.
//
// Supervision: the 'exit' event of a dead worker cannot arrive while this thread is blocked, so a worker
// that throws closes its output ring (matcher-worker.ts) and the wait throws MatcherUnavailableError
// (branded, code MATCHER_FAILED, retriable false); a worker that dies without a word (terminated, out of
// memory) is given up on after `answerTimeoutMs`. The state of a sequencer whose execute threw is unknown:
// the runner's onFatal stops the engine.
import { availableParallelism } from "node:os";
import type { Side, StpMode } from "@perpx/shared/domain";
import { DEFAULT_SPINS } from "@perpx/shared/ring/spsc-ring";
import {
  type BookImage,
  MatchOp,
  type MatchPort,
  type MatchReport,
  type MatchRequest,
  ReportKind,
} from "../sequencer/match-port.js";
import type { CancelResult, PlaceOutcome, RemoveReason } from "./book-api.js";
import type { MatcherEventSink } from "./matcher-events.js";
import { type MatcherFailure, MatcherUnavailableError, ShardRouter } from "./shard-router.js";

export { type MatcherFailure, MatcherUnavailableError };

export interface WorkerMatchPortOptions {
  /** matcher worker threads, one per shard (symbolId % workers), 1…256 */
  workers: number;
  /** main thread: busy-wait iterations on the output ring before parking (default MAIN_SPINS) */
  spins?: number;
  /**
   * workers: busy-wait iterations on an empty input ring before parking (default: DEFAULT_SPINS when
   * every worker and the main thread have a core of their own, else 0)
   */
  workerSpins?: number;
  /** slots per input ring (default 4096) */
  inputCapacity?: number;
  /** slots per output ring (default 16384) */
  outputCapacity?: number;
  /** ms without any answer after which a shard is declared dead (default 10 000) */
  answerTimeoutMs?: number;
  /** let workers accept the CRASH test hook (supervision tests) */
  testHooks?: boolean;
  /** worker entry (default: the OrderBook worker, matcher-worker.js) */
  workerUrl?: URL;
  /** called once with the first failure (a worker died while idle, or during a call, which also throws) */
  onError?: (failure: MatcherFailure) => void;
}

/** one blocking wait, ms: between two, the elapsed time is checked against answerTimeoutMs */
const WAIT_SLICE_MS = 100;
/**
 * Main-thread spins while a request is in a worker (≈ 50–100 µs): longer than a parked worker takes to
 * wake up and answer on a VM, so the main thread itself never pays a futex wake-up per request.
 */
export const MAIN_SPINS = 20_000;

/** Receives one request's answer: book events into the MatchReport, snapshot rows into a BookImage. */
class AnswerSink implements MatcherEventSink {
  report: MatchReport | null = null;
  image: BookImage | null = null;

  trade(
    makerOrderId: number,
    makerUserId: number,
    takerOrderId: number,
    takerUserId: number,
    takerSide: Side,
    price: number,
    qty: number,
    makerRemaining: number,
  ): void {
    this.report!.trade(
      makerOrderId,
      makerUserId,
      takerOrderId,
      takerUserId,
      takerSide,
      price,
      qty,
      makerRemaining,
    );
  }
  removed(orderId: number, userId: number, remaining: number, reason: RemoveReason): void {
    this.report!.removed(orderId, userId, remaining, reason);
  }
  outcome(orderId: number, userId: number, outcome: PlaceOutcome, filled: number, remaining: number): void {
    this.report!.outcome(orderId, userId, outcome, filled, remaining);
  }
  level(side: Side, price: number, totalQty: number, updateId: number): void {
    this.report!.level(side, price, totalQty, updateId);
  }
  cancelResult(_orderId: number, result: CancelResult): void {
    this.report!.result = result;
  }
  amendResult(_orderId: number, result: CancelResult): void {
    this.report!.result = result;
  }
  cancelAllResult(_userId: number, count: number): void {
    this.report!.result = count;
  }
  snapshotBook(_symbolId: number, updateId: number, _count: number): void {
    this.image = { updateId, orders: [] };
  }
  snapshotOrder(orderId: number, userId: number, side: Side, price: number, remaining: number): void {
    this.image!.orders.push({ orderId, userId, side, price, remaining });
  }
  sampleResult(
    bestBid: number,
    bestAsk: number,
    bidQty: number,
    bidQuote: number,
    askQty: number,
    askQuote: number,
  ): void {
    // the record MatchReport.sample writes for an in-thread book (layout in match-port.ts)
    this.report!.record(ReportKind.SAMPLE, bestBid, bestAsk, bidQty, bidQuote, askQty, askQuote, 0, 0);
  }
  commandDone(_seq: number): void {}
}

export class WorkerMatchPort implements MatchPort {
  /** the router (tests reach the workers through it; nothing else may send on it) */
  readonly router: ShardRouter;
  private readonly sink = new AnswerSink();
  private readonly answerTimeoutMs: number;
  /** request number carried in COMMAND_DONE (the router checks it) */
  private seq = 0;

  /** Starts the workers; resolves once every thread is running. */
  static async start(o: WorkerMatchPortOptions): Promise<WorkerMatchPort> {
    const onError = o.onError ?? (() => undefined);
    // Measured on 2 cores (engine.bench): 1 worker spinning answers in ≈ 1 µs; 2 workers spinning
    // next to a spinning main thread oversubscribe the cores and a request takes 100s of µs, while
    // parking at once costs a futex wake-up (≈ 15–30 µs) per request.
    const ownCores = o.workers + 1 <= availableParallelism();
    const router = await ShardRouter.start({
      workers: o.workers,
      onError,
      spins: o.spins ?? MAIN_SPINS,
      workerSpins: o.workerSpins ?? (ownCores ? DEFAULT_SPINS : 0),
      ...(o.inputCapacity === undefined ? {} : { inputCapacity: o.inputCapacity }),
      ...(o.outputCapacity === undefined ? {} : { outputCapacity: o.outputCapacity }),
      ...(o.testHooks === undefined ? {} : { testHooks: o.testHooks }),
      ...(o.workerUrl === undefined ? {} : { workerUrl: o.workerUrl }),
    });
    return new WorkerMatchPort(router, o.answerTimeoutMs ?? 10_000);
  }

  private constructor(router: ShardRouter, answerTimeoutMs: number) {
    this.router = router;
    this.answerTimeoutMs = answerTimeoutMs;
  }

  get workers(): number {
    return this.router.shardCount;
  }

  /** Workers create a symbol's book on its first request: nothing to do. */
  addSymbol(_symbolId: number): void {}

  execute(req: Readonly<MatchRequest>, report: MatchReport): void {
    report.clear();
    const seq = ++this.seq;
    let t0 = 0;
    while (!this.send(req, seq)) t0 = this.waitForRoom(req.symbolId, t0);
    this.sink.report = report;
    try {
      this.awaitAnswer(req.symbolId);
    } finally {
      this.sink.report = null;
    }
  }

  exportBook(symbolId: number): BookImage {
    const seq = ++this.seq;
    let t0 = 0;
    while (!this.router.snapshot(seq, symbolId)) t0 = this.waitForRoom(symbolId, t0);
    this.awaitAnswer(symbolId);
    const image = this.sink.image;
    this.sink.image = null;
    if (image === null) throw this.router.giveUp(this.shardOf(symbolId), "snapshot answer without a header");
    return image;
  }

  importBook(symbolId: number, image: BookImage, stpOf: (orderId: number) => StpMode): void {
    const r = this.router;
    let t0 = 0;
    for (const o of image.orders) {
      const stp = stpOf(o.orderId);
      while (!r.restoreOrder(symbolId, o.orderId, o.userId, o.side, o.price, o.remaining, stp)) {
        t0 = this.waitForRoom(symbolId, t0);
      }
    }
    const seq = ++this.seq;
    while (!r.restoreEnd(seq, symbolId, image.updateId, image.orders.length))
      t0 = this.waitForRoom(symbolId, t0);
    this.awaitAnswer(symbolId);
  }

  /** Stops the workers (SHUTDOWN, then terminate after a grace period). Later calls throw. */
  close(): Promise<void> {
    return this.router.close();
  }

  private shardOf(symbolId: number): number {
    return this.router.shardOf(symbolId);
  }

  private send(req: Readonly<MatchRequest>, seq: number): boolean {
    const r = this.router;
    switch (req.op) {
      case MatchOp.PLACE:
        return r.place(
          seq,
          req.symbolId,
          req.orderId,
          req.userId,
          req.side,
          req.price,
          req.qty,
          req.tif,
          req.stp,
        );
      case MatchOp.CANCEL:
        return r.cancel(seq, req.symbolId, req.orderId, req.userId);
      case MatchOp.CANCEL_ALL:
        return r.cancelAll(seq, req.symbolId, req.userId);
      case MatchOp.AMEND:
        return r.amend(seq, req.symbolId, req.orderId, req.userId, req.price, req.qty);
      case MatchOp.SAMPLE:
        return r.sample(seq, req.symbolId, req.qty);
      default:
        throw new RangeError(`unknown match op ${String(req.op)}`);
    }
  }

  /** Drains until the one request in flight is answered; blocks between drains. */
  private awaitAnswer(symbolId: number): void {
    const r = this.router;
    const sink = this.sink;
    let t0 = 0;
    while (r.drain(sink, 1) === 0) {
      if (r.waitForEventsSync(WAIT_SLICE_MS)) continue;
      t0 = this.checkDeadline(symbolId, t0, "gave no answer");
    }
  }

  /** Blocks until the symbol's input ring has room (a restore longer than the ring). */
  private waitForRoom(symbolId: number, t0: number): number {
    if (this.router.waitForRoomSync(symbolId, WAIT_SLICE_MS)) return t0;
    return this.checkDeadline(symbolId, t0, "freed no input slot");
  }

  /** After a wait slice that timed out: the start of waiting (first call), or throws once too long. */
  private checkDeadline(symbolId: number, t0: number, what: string): number {
    const now = performance.now();
    if (t0 === 0) return now - WAIT_SLICE_MS;
    if (now - t0 < this.answerTimeoutMs) return t0;
    const shard = this.shardOf(symbolId);
    throw this.router.giveUp(shard, `worker ${shard} ${what} for ${Math.round(now - t0)} ms`);
  }
}
