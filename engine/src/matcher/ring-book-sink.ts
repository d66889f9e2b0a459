// The BookSink a matcher worker hands to its books: every callback becomes one 64-byte slot in the
// worker's output ring (layouts in shared/src/codec/matcher). Owner: the matcher worker thread.
// Slots are published in batches (by the shard loop after each input batch, or here every
// `publishEvery` slots so a long command streams out); when the ring is full the worker blocks until the
// main thread has drained some — never drops an event.
import { encodeAmendResult } from "@perpx/shared/codec/matcher/amend-result";
import { encodeCancelAllResult } from "@perpx/shared/codec/matcher/cancel-all-result";
import { encodeCancelResult } from "@perpx/shared/codec/matcher/cancel-result";
import { encodeCommandDone } from "@perpx/shared/codec/matcher/command-done";
import { encodeLevel } from "@perpx/shared/codec/matcher/level";
import { encodeOutcome } from "@perpx/shared/codec/matcher/outcome";
import { encodeRemoved } from "@perpx/shared/codec/matcher/removed";
import { encodeSampleResult } from "@perpx/shared/codec/matcher/sample-result";
import { encodeSnapshotBook } from "@perpx/shared/codec/matcher/snapshot-book";
import { encodeSnapshotOrder } from "@perpx/shared/codec/matcher/snapshot-order";
import { encodeTrade } from "@perpx/shared/codec/matcher/trade";
import type { Side } from "@perpx/shared/domain";
import type { SpscRing } from "@perpx/shared/ring/spsc-ring";
import type { BookSink, CancelResult, PlaceOutcome, RemoveReason } from "./book-api.js";

/** How long one park on a full output ring lasts before re-checking, ms (the loop never gives up). */
const FULL_PARK_MS = 1000;

export class RingBookSink implements BookSink {
  private readonly ring: SpscRing;
  private readonly view: DataView;
  private readonly publishEvery: number;
  /** slots written for the current command (COMMAND_DONE carries it) */
  private events = 0;

  constructor(ring: SpscRing, publishEvery: number) {
    this.ring = ring;
    this.view = ring.view;
    this.publishEvery = publishEvery;
  }

  private slot(): number {
    const ring = this.ring;
    if (ring.pending >= this.publishEvery) ring.publish();
    let off = ring.tryClaim(1);
    while (off < 0) {
      ring.waitForRoom(1, FULL_PARK_MS);
      off = ring.tryClaim(1);
    }
    this.events++;
    return off;
  }

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
    const off = this.slot();
    encodeTrade(
      this.view,
      off,
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
    encodeRemoved(this.view, this.slot(), orderId, userId, remaining, reason);
  }

  outcome(orderId: number, userId: number, outcome: PlaceOutcome, filled: number, remaining: number): void {
    encodeOutcome(this.view, this.slot(), orderId, userId, outcome, filled, remaining);
  }

  level(side: Side, price: number, totalQty: number, updateId: number): void {
    encodeLevel(this.view, this.slot(), side, price, totalQty, updateId);
  }

  cancelResult(orderId: number, result: CancelResult): void {
    encodeCancelResult(this.view, this.slot(), orderId, result);
  }

  amendResult(orderId: number, result: CancelResult): void {
    encodeAmendResult(this.view, this.slot(), orderId, result);
  }

  cancelAllResult(userId: number, count: number): void {
    encodeCancelAllResult(this.view, this.slot(), userId, count);
  }

  snapshotBook(symbolId: number, updateId: number, count: number): void {
    encodeSnapshotBook(this.view, this.slot(), symbolId, updateId, count);
  }

  snapshotOrder(orderId: number, userId: number, side: Side, price: number, remaining: number): void {
    encodeSnapshotOrder(this.view, this.slot(), orderId, userId, side, price, remaining);
  }

  sampleResult(
    bestBid: number,
    bestAsk: number,
    bidQty: number,
    bidQuote: number,
    askQty: number,
    askQuote: number,
  ): void {
    encodeSampleResult(this.view, this.slot(), bestBid, bestAsk, bidQty, bidQuote, askQty, askQuote);
  }

  /** Ends the command's answer: COMMAND_DONE with its seq, its opcode and how many slots preceded. */
  done(seq: number, cmdOp: number): void {
    const n = this.events;
    encodeCommandDone(this.view, this.slot(), seq, cmdOp, n);
    this.events = 0;
  }
}
