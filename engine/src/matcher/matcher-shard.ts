// One matcher shard: the books of the symbols routed to it (symbolId % shardCount), fed by its input
// ring and answering on its output ring. Owner: the matcher worker thread that runs it — it alone
// creates, reads and writes these books. Kept apart from the thread entry (matcher-worker.ts) so a bench
// can run the same loop with another book, and tests can step it on one thread.
//
// Per command: decode → call the book with a RingBookSink (events stream into the output ring) → the
// command's result slot if it has one → COMMAND_DONE(seq). Input slots are released and output slots
// published once per input batch (up to BATCH commands), so a busy shard pays one Atomics.store per
// batch on each ring, and an idle one publishes at once before it parks.

import type { MessagePort } from "node:worker_threads";
import { decodeCommand } from "@perpx/shared/codec/matcher/decode";
import { CommandFields } from "@perpx/shared/codec/matcher/fields";
import { DecodeStatus, MatcherOp } from "@perpx/shared/codec/matcher/opcodes";
import { Side, type StpMode } from "@perpx/shared/domain";
import type { SpscRing } from "@perpx/shared/ring/spsc-ring";
import type { OrderBookApi } from "./book-api.js";
import { RingBookSink } from "./ring-book-sink.js";

export type BookFactory = (symbolId: number) => OrderBookApi;

/** What the router passes to each worker (workerData). */
export interface MatcherWorkerData {
  shard: number;
  shardCount: number;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  /** ring busy-wait iterations before parking */
  spins: number;
  /** accept MatcherOp.CRASH (tests of supervision) */
  testHooks: boolean;
  /**
   * where a dying worker posts its error message before it closes its output ring: a main thread
   * blocked in a synchronous wait reads it with receiveMessageOnPort (no event loop needed)
   */
  errors?: MessagePort;
}

/** commands taken from the input ring per batch */
const BATCH = 256;
/** publish the output ring at least every this many slots inside a batch, so big answers stream */
const PUBLISH_EVERY = 64;
/** one park on an empty input ring, ms; the loop re-parks, this only bounds a missed wake-up */
const IDLE_PARK_MS = 1000;

interface PendingRestore {
  orderId: number;
  userId: number;
  side: Side;
  price: number;
  remaining: number;
  stp: StpMode;
}

export class MatcherShard {
  private readonly books = new Map<number, OrderBookApi>();
  private readonly restores = new Map<number, PendingRestore[]>();
  private readonly cmd = new CommandFields();
  private readonly sink: RingBookSink;
  private readonly input: SpscRing;
  private readonly output: SpscRing;
  private readonly newBook: BookFactory;
  private readonly testHooks: boolean;
  /** commands applied so far (statistic) */
  commands = 0;

  constructor(input: SpscRing, output: SpscRing, newBook: BookFactory, testHooks = false) {
    this.input = input;
    this.output = output;
    this.newBook = newBook;
    this.testHooks = testHooks;
    this.sink = new RingBookSink(output, PUBLISH_EVERY);
  }

  private book(symbolId: number): OrderBookApi {
    let b = this.books.get(symbolId);
    if (b === undefined) {
      b = this.newBook(symbolId);
      this.books.set(symbolId, b);
    }
    return b;
  }

  /** Applies one decoded command; false for SHUTDOWN. Throws on a protocol violation (fatal). */
  apply(c: CommandFields): boolean {
    const sink = this.sink;
    switch (c.op) {
      case MatcherOp.PLACE:
        this.book(c.symbolId).place(c.orderId, c.userId, c.side, c.price, c.qty, c.tif, c.stp, sink);
        break;
      case MatcherOp.CANCEL:
        sink.cancelResult(c.orderId, this.book(c.symbolId).cancel(c.orderId, c.userId, sink));
        break;
      case MatcherOp.CANCEL_ALL:
        sink.cancelAllResult(c.userId, this.book(c.symbolId).cancelAll(c.userId, sink));
        break;
      case MatcherOp.AMEND:
        sink.amendResult(c.orderId, this.book(c.symbolId).amend(c.orderId, c.userId, c.price, c.qty, sink));
        break;
      case MatcherOp.SNAPSHOT_REQUEST:
        this.snapshot(c.symbolId);
        break;
      case MatcherOp.SAMPLE_REQUEST: {
        // what MatchReport.sample reads from an in-thread book (engine/src/sequencer/match-port.ts)
        const b = this.book(c.symbolId);
        const bid = b.bestBid();
        const ask = b.bestAsk();
        const sell = b.impact(Side.SELL, c.qty);
        const buy = b.impact(Side.BUY, c.qty);
        sink.sampleResult(
          Number.isNaN(bid) ? 0 : bid,
          Number.isNaN(ask) ? 0 : ask,
          sell.qty,
          sell.quoteUnits,
          buy.qty,
          buy.quoteUnits,
        );
        break;
      }
      case MatcherOp.RESTORE_ORDER: {
        let list = this.restores.get(c.symbolId);
        if (list === undefined) {
          list = [];
          this.restores.set(c.symbolId, list);
        }
        list.push({
          orderId: c.orderId,
          userId: c.userId,
          side: c.side,
          price: c.price,
          remaining: c.qty,
          stp: c.stp,
        });
        return true; // no answer of its own
      }
      case MatcherOp.RESTORE_END: {
        const list = this.restores.get(c.symbolId) ?? [];
        this.restores.delete(c.symbolId);
        if (list.length !== c.count) {
          throw new Error(
            `restore of symbol ${c.symbolId}: ${list.length} orders arrived, ${c.count} announced`,
          );
        }
        const b = this.newBook(c.symbolId);
        b.restore(list, c.updateId);
        this.books.set(c.symbolId, b);
        break;
      }
      case MatcherOp.SHUTDOWN:
        return false;
      case MatcherOp.CRASH:
        throw new Error(
          this.testHooks ? "matcher worker: CRASH test hook" : "matcher worker: CRASH without test hooks",
        );
      default:
        throw new Error(`matcher worker: unexpected opcode ${c.op}`);
    }
    sink.done(c.seq, c.op);
    this.commands++;
    return true;
  }

  private snapshot(symbolId: number): void {
    const b = this.books.get(symbolId);
    if (b === undefined) {
      this.sink.snapshotBook(symbolId, 0, 0);
      return;
    }
    let count = 0;
    b.forEachOrder(() => {
      count++;
    });
    this.sink.snapshotBook(symbolId, b.updateId, count);
    const sink = this.sink;
    b.forEachOrder((orderId, userId, side, price, remaining) =>
      sink.snapshotOrder(orderId, userId, side, price, remaining),
    );
  }

  /**
   * Applies up to `max` commands that are already in the input ring, then releases and publishes.
   * Returns the number of slots consumed, or -1 after SHUTDOWN (the output ring is then closed).
   */
  step(max: number = BATCH): number {
    const input = this.input;
    const n = input.poll(max);
    if (n === 0) return 0;
    const view = input.view;
    const c = this.cmd;
    let off = input.readOffset();
    for (let i = 0; i < n; i++, off = input.next(off)) {
      const status = decodeCommand(view, off, c);
      if (status !== DecodeStatus.OK) {
        throw new Error(
          `matcher worker: undecodable command slot (status ${status}, opcode ${view.getUint8(off)})`,
        );
      }
      if (!this.apply(c)) {
        input.release(i + 1);
        this.output.close();
        return -1;
      }
    }
    input.release(n);
    this.output.publish();
    return n;
  }

  /** The worker loop: applies commands until SHUTDOWN, parking when the input ring is empty. */
  run(): void {
    for (;;) {
      const n = this.step(BATCH);
      if (n < 0) return;
      if (n === 0) this.input.waitForData(IDLE_PARK_MS);
    }
  }
}
