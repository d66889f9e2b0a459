// The private half of the notifier: account, order and position keys and the `user:{userId}` messages,
// from matching_engine_output. Owner: the Notifier; it remembers open positions seen since start, so a
// LEVERAGE event (which carries no size) can update a cached position.
import { BALANCE_REASON_NAMES, type Instrument, MARGIN_TYPE_NAMES, QUOTE_ASSET } from "@perpx/shared/domain";
import { type EngineEvent, Ev } from "@perpx/shared/events";
import { formatDecimal, formatMoney, formatRate } from "@perpx/shared/fixed";
import type { CacheCommand } from "./cache-command.js";
import { accountIdOf, positionIdOf } from "./ids.js";
import { orderRecordOfEvent, positionRecordOfEvent, safeRejectName, tradeRecordOfEvent } from "./records.js";
import { CACHED_ORDER_STATUSES, type RedisKeys, TTL_SECONDS } from "./redis-keys.js";
import { nameOf } from "./savers/bulk.js";
import {
  accountCacheValue,
  orderCacheValue,
  orderView,
  type PositionRecord,
  positionCacheValue,
  userTradeView,
} from "./wire.js";

export class UserFeed {
  private readonly positions = new Map<string, PositionRecord>();

  constructor(
    private readonly keys: RedisKeys,
    private readonly instOf: (symbolId: number) => Instrument | undefined,
    private readonly learnInstrument: (i: Instrument) => void,
  ) {}

  private toUser(out: CacheCommand[], userId: number, type: string, ev: EngineEvent, data: unknown): void {
    out.push([
      "publish",
      this.keys.userChannel(userId),
      JSON.stringify({ type, seq: ev.seq, time: ev.ts, data }),
    ]);
  }

  /** One matching_engine_output event. */
  onEvent(ev: EngineEvent, out: CacheCommand[]): void {
    switch (ev.ev) {
      case Ev.INSTRUMENT:
        this.learnInstrument(ev.instrument);
        return;
      case Ev.USER:
      case Ev.BALANCE: {
        const accountId = accountIdOf(ev.userId);
        const wallet = ev.ev === Ev.BALANCE ? ev.wallet : 0;
        const v = accountCacheValue({
          accountId,
          userId: ev.userId,
          asset: QUOTE_ASSET,
          wallet,
          updateTime: ev.ts,
          seq: ev.seq,
        });
        out.push(["set", this.keys.account(ev.userId, accountId), v, TTL_SECONDS.account]);
        out.push(["set", this.keys.accountAsset(ev.userId, QUOTE_ASSET), v, TTL_SECONDS.account]);
        if (ev.ev === Ev.BALANCE)
          this.toUser(out, ev.userId, "balance", ev, {
            asset: QUOTE_ASSET,
            crossWalletBalance: formatMoney(ev.wallet),
            delta: formatMoney(ev.delta),
            reason: nameOf(BALANCE_REASON_NAMES, ev.reason),
          });
        return;
      }
      case Ev.ORDER: {
        const inst = this.instOf(ev.symbolId);
        if (!inst) return;
        const rec = orderRecordOfEvent(ev);
        const k1 = this.keys.order(ev.userId, ev.orderId);
        const k2 = this.keys.orderTmp(ev.userId, ev.clientOrderId);
        if (CACHED_ORDER_STATUSES.has(rec.status)) {
          const v = orderCacheValue(rec, inst);
          out.push(["set", k1, v, TTL_SECONDS.activeOrder], ["set", k2, v, TTL_SECONDS.activeOrder]);
        } else out.push(["del", k1], ["del", k2]);
        this.toUser(out, ev.userId, "order", ev, orderView(rec, inst));
        return;
      }
      case Ev.POSITION: {
        const inst = this.instOf(ev.symbolId);
        if (!inst) return;
        this.writePosition(out, positionRecordOfEvent(ev), inst, ev);
        return;
      }
      case Ev.LEVERAGE: {
        const inst = this.instOf(ev.symbolId);
        if (!inst) return;
        const p = this.positions.get(positionIdOf(ev.userId, ev.symbolId));
        if (p)
          this.writePosition(
            out,
            {
              ...p,
              leverage: ev.leverage,
              marginType: nameOf(MARGIN_TYPE_NAMES, ev.marginType),
              seq: ev.seq,
              updateTime: ev.ts,
            },
            inst,
            undefined,
          );
        this.toUser(out, ev.userId, "leverage", ev, {
          symbol: inst.symbol,
          leverage: ev.leverage,
          marginType: nameOf(MARGIN_TYPE_NAMES, ev.marginType),
        });
        return;
      }
      case Ev.TRADE: {
        const inst = this.instOf(ev.symbolId);
        if (!inst) return;
        const t = tradeRecordOfEvent(ev);
        this.toUser(out, ev.buyUserId, "trade", ev, userTradeView(t, "BUY", inst));
        this.toUser(out, ev.sellUserId, "trade", ev, userTradeView(t, "SELL", inst));
        return;
      }
      case Ev.DEPOSIT:
        this.toUser(out, ev.userId, "deposit", ev, {
          txId: ev.txId,
          asset: QUOTE_ASSET,
          amount: formatMoney(ev.amount),
          walletBalance: formatMoney(ev.wallet),
        });
        return;
      case Ev.WITHDRAWAL:
        this.toUser(out, ev.userId, "withdrawal", ev, {
          withdrawId: ev.withdrawId,
          asset: QUOTE_ASSET,
          amount: formatMoney(ev.amount),
          walletBalance: formatMoney(ev.wallet),
        });
        return;
      case Ev.FUNDING_PAYMENT: {
        const inst = this.instOf(ev.symbolId);
        if (!inst) return;
        this.toUser(out, ev.userId, "funding", ev, {
          symbol: inst.symbol,
          fundingTime: ev.fundingTime,
          fundingRate: formatRate(ev.fundingRate),
          positionAmt: formatDecimal(ev.positionQty, inst.qtyDecimals),
          markPrice: formatDecimal(ev.markPrice, inst.priceDecimals),
          amount: formatMoney(ev.amount),
        });
        return;
      }
      case Ev.MARGIN_CALL: {
        const inst = this.instOf(ev.symbolId);
        this.toUser(out, ev.userId, "marginCall", ev, {
          symbol: inst?.symbol ?? "",
          marginBalance: formatMoney(ev.marginBalance),
          maintMargin: formatMoney(ev.maintMargin),
        });
        return;
      }
      case Ev.REJECT:
        this.toUser(out, ev.userId, "reject", ev, {
          op: ev.op,
          reason: safeRejectName(ev.reason),
          ref: ev.ref,
        });
        return;
      default:
        return;
    }
  }

  private writePosition(
    out: CacheCommand[],
    p: PositionRecord,
    inst: Instrument,
    ev: EngineEvent | undefined,
  ): void {
    const positionId = positionIdOf(p.userId, p.symbolId);
    const accountId = accountIdOf(p.userId);
    const key = this.keys.position(p.userId, accountId, positionId);
    if (p.qty === 0) {
      this.positions.delete(positionId);
      out.push(["del", key]);
    } else {
      this.positions.set(positionId, p);
      out.push(["set", key, positionCacheValue(p, inst, positionId, accountId), TTL_SECONDS.position]);
    }
    if (ev)
      this.toUser(
        out,
        p.userId,
        "position",
        ev,
        JSON.parse(positionCacheValue(p, inst, positionId, accountId)),
      );
  }
}
