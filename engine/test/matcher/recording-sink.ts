// A MatcherEventSink that writes every event as a short text line, grouped per command, so two runs can
// be compared with deepEqual and a difference reads as the first diverging event.
import type { Side } from "@perpx/shared/domain";
import type { CancelResult, PlaceOutcome, RemoveReason } from "../../src/matcher/book-api.js";
import type { MatcherEventSink } from "../../src/matcher/matcher-events.js";

export class RecordingSink implements MatcherEventSink {
  /** one entry per completed command: "seq: event; event; …" */
  readonly commands: string[] = [];
  private current: string[] = [];
  events = 0;

  private add(s: string): void {
    this.current.push(s);
    this.events++;
  }
  trade(mo: number, mu: number, to: number, tu: number, side: Side, p: number, q: number, mr: number): void {
    this.add(`T ${mo}/${mu}<-${to}/${tu} s${side} ${q}@${p} mr${mr}`);
  }
  removed(orderId: number, userId: number, remaining: number, reason: RemoveReason): void {
    this.add(`R ${orderId}/${userId} ${remaining} r${reason}`);
  }
  outcome(orderId: number, userId: number, outcome: PlaceOutcome, filled: number, remaining: number): void {
    this.add(`O ${orderId}/${userId} o${outcome} f${filled} r${remaining}`);
  }
  level(side: Side, price: number, totalQty: number, updateId: number): void {
    this.add(`L s${side} ${price} ${totalQty} u${updateId}`);
  }
  cancelResult(orderId: number, result: CancelResult): void {
    this.add(`CR ${orderId} ${result}`);
  }
  amendResult(orderId: number, result: CancelResult): void {
    this.add(`AR ${orderId} ${result}`);
  }
  cancelAllResult(userId: number, count: number): void {
    this.add(`CAR ${userId} ${count}`);
  }
  snapshotBook(symbolId: number, updateId: number, count: number): void {
    this.add(`SB ${symbolId} u${updateId} n${count}`);
  }
  snapshotOrder(orderId: number, userId: number, side: Side, price: number, remaining: number): void {
    this.add(`SO ${orderId}/${userId} s${side} ${remaining}@${price}`);
  }
  sampleResult(bid: number, ask: number, bq: number, bv: number, aq: number, av: number): void {
    this.add(`SR ${bid}/${ask} b${bq}:${bv} a${aq}:${av}`);
  }
  commandDone(seq: number): void {
    this.commands.push(`${seq}: ${this.current.join("; ")}`);
    this.current = [];
  }
}
