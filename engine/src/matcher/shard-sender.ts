// The send side of a ShardRouter: encodes each command into the input ring of the shard that owns its
// symbol. Owner: the ShardRouter (main thread), the rings' only producer.
//
// Flow control: at most `inputCapacity` commands in flight per shard; a send beyond that (or into a full
// input ring) returns false and the caller drains first. Sends are batched: a ring is published every
// PUBLISH_EVERY sends, and flush()/drain()/waitForEvents() publish the rest.
import { encodeAmend } from "@perpx/shared/codec/matcher/amend";
import { encodeCancel } from "@perpx/shared/codec/matcher/cancel";
import { encodeCancelAll } from "@perpx/shared/codec/matcher/cancel-all";
import { encodeCrash } from "@perpx/shared/codec/matcher/crash";
import { encodePlace } from "@perpx/shared/codec/matcher/place";
import { encodeRestoreEnd } from "@perpx/shared/codec/matcher/restore-end";
import { encodeRestoreOrder } from "@perpx/shared/codec/matcher/restore-order";
import { encodeSampleRequest } from "@perpx/shared/codec/matcher/sample-request";
import { encodeSnapshotRequest } from "@perpx/shared/codec/matcher/snapshot-request";
import type { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { ShardWorkers } from "./shard-workers.js";

/** publish an input ring after this many unpublished sends */
const PUBLISH_EVERY = 32;

export abstract class ShardSender extends ShardWorkers {
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

  /** Publishes every unpublished send. */
  flush(): void {
    for (const r of this.inputs) r.publish();
  }
}
