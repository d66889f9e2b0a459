// What the load test's WebSocket connections see, counted: order updates on the user streams (matched
// with the REST acks for the ack → own-update latency, and used to keep each trader's open orders),
// trades (event time → receipt), liquidation and ADL fills, funding payments, engine rejects.
// Owner: Traders; the WsClient callbacks are its only writers.
import type { Reply } from "./rest.js";
import type { Recorder } from "./stats.js";
import type { WsMessage } from "./ws-client.js";

const TERMINAL = new Set(["FILLED", "CANCELED", "EXPIRED", "REJECTED", "EXPIRED_IN_MATCH"]);
/** bound of the id maps (orders acked over REST, updates seen first, finished orders) */
const MAX_TRACKED = 100_000;

export interface OpenOrder {
  symbol: string;
  side: "BUY" | "SELL";
  /** price units */
  price: number;
  lots: number;
  type: string;
}

export interface TapeCounts {
  trades: number;
  liquidationFills: number;
  adlFills: number;
  fundingPayments: number;
  fundingCalls: number;
  indexUpdates: number;
  jumps: number;
  userMessages: number;
  marketMessages: number;
  wsUnexpectedCloses: number;
  /** own order updates that reached the user stream before the REST ack */
  updateBeforeAck: number;
  /** acked orders whose update never arrived on the user stream */
  ackWithoutUpdate: number;
  /** engine rejects seen on the user streams (order status REJECTED), by reason */
  rejects: Record<string, number>;
}

export class StreamTape {
  readonly counts: TapeCounts = {
    trades: 0,
    liquidationFills: 0,
    adlFills: 0,
    fundingPayments: 0,
    fundingCalls: 0,
    indexUpdates: 0,
    jumps: 0,
    userMessages: 0,
    marketMessages: 0,
    wsUnexpectedCloses: 0,
    updateBeforeAck: 0,
    ackWithoutUpdate: 0,
    rejects: {},
  };
  /** orderId → performance.now() of its 202 ack, until its first update arrives */
  private readonly ackAt = new Map<string, number>();
  /** orderId → performance.now() of an update that arrived before the ack */
  private readonly updateAt = new Map<string, number>();
  private readonly finished = new Set<string>();

  constructor(private readonly rec: Recorder) {}

  /** A message on a trader's `user` stream; `open` is that trader's open orders. */
  onUser(open: Map<string, OpenOrder>, m: WsMessage, perf: number): void {
    const c = this.counts;
    c.userMessages++;
    if (m.e === "funding") c.fundingPayments++;
    if (m.e !== "order") return;
    const id = String(m.orderId);
    const acked = this.ackAt.get(id);
    if (acked !== undefined) {
      this.rec.wsAckToUpdate.recordMs(perf - acked);
      this.ackAt.delete(id);
    } else if (!this.finished.has(id) && !open.has(id)) {
      if (this.updateAt.size >= MAX_TRACKED) this.updateAt.clear();
      this.updateAt.set(id, perf);
    }
    const status = String(m.status);
    if (status === "REJECTED") {
      const why = String(m.rejectReason ?? "?");
      c.rejects[why] = (c.rejects[why] ?? 0) + 1;
    }
    if (TERMINAL.has(status)) {
      open.delete(id);
      if (this.finished.size >= MAX_TRACKED) this.finished.clear();
      this.finished.add(id);
    }
  }

  /** A message on the market connection (trades, forceOrder, markPrice). */
  onMarket(m: WsMessage, wall: number): void {
    const c = this.counts;
    c.marketMessages++;
    const ch = String(m.channel);
    if (ch.startsWith("trades:")) {
      c.trades++;
      // T is the trade's engine time: the command's timestamp, stamped by the gateway (ms)
      if (typeof m.T === "number") this.rec.wsTradeDelivery.recordMs(Math.max(0, wall - m.T));
    } else if (ch.startsWith("forceOrder:")) {
      if (m.X === "ADL") c.adlFills++;
      else c.liquidationFills++;
    }
  }

  /** The REST answer to an order: a 202 starts the ack → update clock (or closes it: update first). */
  acked(open: Map<string, OpenOrder>, r: Reply | undefined, o: OpenOrder, perf: number): void {
    if (!r || r.status !== 202) return;
    const id = String((r.body as { orderId?: unknown }).orderId);
    const early = this.updateAt.get(id);
    if (early !== undefined) {
      this.updateAt.delete(id);
      this.counts.updateBeforeAck++;
      this.rec.wsAckToUpdate.recordMs(0);
    } else this.ackAt.set(id, perf);
    // resting kinds only: the makers re-quote them, the takers cap and cancel them
    if (!this.finished.has(id) && (o.type === "LIMIT" || o.type === "STOP_MARKET")) open.set(id, o);
  }

  close(): void {
    this.counts.ackWithoutUpdate = this.ackAt.size;
  }
}
