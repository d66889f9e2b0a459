// A tiny stand-in for the engine in gateway tests: turns a few logged commands into the events the
// real engine would publish (USER, DEPOSIT, ORDER NEW/CANCELED, LEVERAGE, MARK, REJECT) and applies
// them to the read model, so ?wait answers can be tested. Not a matcher: orders never fill.
// `paused` keeps commands unapplied (504 tests).
import { type LoggedCommand, Op } from "@perpx/shared/commands";
import { RejectReason } from "@perpx/shared/errors";
import { type EngineEvent, Ev, type OrderEvent } from "@perpx/shared/events";
import type { ReadModel } from "../../src/read-model/read-model.js";
import type { OrderView } from "../../src/read-model/views.js";
import type { EngineLink } from "../../src/types.js";

export class SimEngine implements EngineLink {
  paused = false;
  isReady = true;
  private readonly orders = new Map<number, OrderEvent>();
  private readonly wallets = new Map<number, number>();
  private readonly pending: LoggedCommand[] = [];
  private waiters: (() => void)[] = [];
  /** highest seq processed (a command may cause no event at all) */
  private applied = 0;

  constructor(private readonly rm: ReadModel) {}

  onAppend = (logged: readonly LoggedCommand[]): void => {
    this.pending.push(...logged);
    if (!this.paused) this.drain();
  };

  resume(): void {
    this.paused = false;
    this.drain();
  }

  private drain(): void {
    const batch = this.pending.splice(0);
    for (const l of batch) {
      this.rm.apply(this.eventsFor(l));
      this.applied = l.seq;
    }
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private eventsFor({ seq, cmd }: LoggedCommand): EngineEvent[] {
    const ts = cmd.ts;
    switch (cmd.op) {
      case Op.CREATE_USER:
        return [{ ev: Ev.USER, seq, ts, userId: cmd.userId }];
      case Op.DEPOSIT: {
        if (!this.rm.userExists(cmd.userId)) {
          return [
            {
              ev: Ev.REJECT,
              seq,
              ts,
              userId: cmd.userId,
              op: cmd.op,
              reason: RejectReason.UNKNOWN_ACCOUNT,
              ref: cmd.txId,
            },
          ];
        }
        const wallet = (this.wallets.get(cmd.userId) ?? 0) + cmd.amount;
        this.wallets.set(cmd.userId, wallet);
        return [{ ev: Ev.DEPOSIT, seq, ts, userId: cmd.userId, txId: cmd.txId, amount: cmd.amount, wallet }];
      }
      case Op.PLACE_ORDER: {
        const e: OrderEvent = {
          ev: Ev.ORDER,
          seq,
          ts,
          orderId: cmd.orderId,
          clientOrderId: cmd.clientOrderId,
          userId: cmd.userId,
          symbolId: cmd.symbolId,
          side: cmd.side,
          type: cmd.type,
          tif: cmd.tif,
          status: cmd.tif === 1 ? 5 : 0, // IOC expires at once in this sim (no liquidity), else NEW
          price: cmd.price,
          stopPrice: cmd.stopPrice,
          origQty: cmd.qty,
          executedQty: 0,
          cumQuoteUnits: 0,
          reduceOnly: cmd.reduceOnly,
          closePosition: cmd.closePosition,
          workingType: cmd.workingType,
          stp: cmd.stp,
          rejectReason: 0,
          createTime: ts,
        };
        this.orders.set(cmd.orderId, e);
        return [e];
      }
      case Op.CANCEL_ORDER: {
        const o = this.orders.get(cmd.orderId);
        if (!o || o.userId !== cmd.userId || o.status !== 0) {
          return [
            {
              ev: Ev.REJECT,
              seq,
              ts,
              userId: cmd.userId,
              op: cmd.op,
              reason: RejectReason.UNKNOWN_ORDER,
              ref: String(cmd.orderId),
            },
          ];
        }
        const e: OrderEvent = { ...o, seq, ts, status: 3 };
        this.orders.set(cmd.orderId, e);
        return [e];
      }
      case Op.SET_LEVERAGE:
        return [
          {
            ev: Ev.LEVERAGE,
            seq,
            ts,
            userId: cmd.userId,
            symbolId: cmd.symbolId,
            leverage: cmd.leverage,
            marginType: 0,
          },
        ];
      case Op.ORACLE_PRICE:
        return [
          {
            ev: Ev.MARK,
            seq,
            ts,
            symbolId: cmd.symbolId,
            markPrice: cmd.price,
            indexPrice: cmd.price,
            lastPrice: 0,
            fundingRate: 0,
            nextFundingTime: 0,
          },
        ];
      case Op.UPSERT_INSTRUMENT:
        return [{ ev: Ev.INSTRUMENT, seq, ts, instrument: cmd.instrument }];
      default:
        return [];
    }
  }

  async waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.applied >= seq) return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      const check = () => {
        if (this.applied >= seq) {
          clearTimeout(t);
          resolve(true);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  async waitForOrder(_userId: number, orderId: number, timeoutMs: number): Promise<OrderView | undefined> {
    const view = () => {
      const o = this.orders.get(orderId);
      return o && !this.pending.some((p) => p.cmd.op === Op.PLACE_ORDER && p.cmd.orderId === orderId)
        ? this.rm.orderById(o.userId, orderId)
        : undefined;
    };
    const now = view();
    if (now) return now;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(undefined), timeoutMs);
      const check = () => {
        const v = view();
        if (v) {
          clearTimeout(t);
          resolve(v);
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  ready(): boolean {
    return this.isReady;
  }
}
