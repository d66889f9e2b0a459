// Saver `matching_engine_saver_accounts`: owns the money tables.
//   users, accounts              USER (created, wallet 0), BALANCE (cross wallet after the command)
//   transactions                 DEPOSIT, WITHDRAWAL, TRADE (COMMISSION and REALIZED_PNL per side),
//                                FUNDING_PAYMENT (FUNDING_FEE), INSURANCE (user 0 = the fund)
//   funding_histories            FUNDING_PAYMENT (one row per position per funding time)
//   funding_rates                FUNDING_RATE
//   insurance_fund_histories     INSURANCE
// Transaction amounts are signed from the user's point of view: a fee paid is negative, a rebate
// positive. Insert-once rows are keyed by the event position (seq, idx) and leg (0 buyer, 1 seller).
import type { PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import { QUOTE_ASSET } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import type { PoolConnection } from "../db.js";
import { accountIdOf } from "../ids.js";
import { type Row, upsert } from "./bulk.js";
import type { TableWriter } from "./mysql-saver.js";

export const TxType = {
  DEPOSIT: "DEPOSIT",
  WITHDRAW: "WITHDRAW",
  COMMISSION: "COMMISSION",
  REALIZED_PNL: "REALIZED_PNL",
  FUNDING_FEE: "FUNDING_FEE",
  INSURANCE: "INSURANCE",
} as const;

/** user id of the insurance fund's own transaction rows */
export const INSURANCE_FUND_USER = 0;

const TX_COLS = [
  "user_id",
  "asset",
  "type",
  "amount",
  "balance_after",
  "symbol_id",
  "ref",
  "seq",
  "ev_idx",
  "leg",
  "tx_time",
] as const;
const ACCOUNT_COLS = ["account_id", "user_id", "asset", "wallet_balance", "seq", "update_time"] as const;
const FUNDING_COLS = [
  "user_id",
  "symbol_id",
  "funding_time",
  "funding_rate",
  "position_qty",
  "mark_price",
  "amount",
  "seq",
] as const;
const RATE_COLS = ["symbol_id", "funding_time", "funding_rate", "mark_price", "seq"] as const;
const INSURANCE_COLS = [
  "asset",
  "balance",
  "delta",
  "reason",
  "symbol_id",
  "seq",
  "ev_idx",
  "update_time",
] as const;

export const accountsWriter: TableWriter = {
  async write(conn: PoolConnection, events: readonly PositionedEvent[]): Promise<number> {
    const users = new Map<number, Row>();
    const newAccounts = new Map<number, Row>();
    const balances = new Map<number, Row>();
    const txs: Row[] = [];
    const funding: Row[] = [];
    const rates = new Map<string, Row>();
    const insurance: Row[] = [];
    const tx = (
      p: PositionedEvent,
      userId: number,
      type: string,
      amount: number,
      balanceAfter: number | null,
      symbolId: number | null,
      ref: string | null,
      leg = 0,
    ) =>
      txs.push([userId, QUOTE_ASSET, type, amount, balanceAfter, symbolId, ref, p.seq, p.idx, leg, p.ev.ts]);

    for (const p of events) {
      const e = p.ev;
      switch (e.ev) {
        case Ev.USER:
          users.set(e.userId, [e.userId, e.ts, e.seq]);
          newAccounts.set(e.userId, [accountIdOf(e.userId), e.userId, QUOTE_ASSET, 0, e.seq, e.ts]);
          break;
        case Ev.BALANCE:
          balances.set(e.userId, [accountIdOf(e.userId), e.userId, QUOTE_ASSET, e.wallet, e.seq, e.ts]);
          break;
        case Ev.DEPOSIT:
          tx(p, e.userId, TxType.DEPOSIT, e.amount, e.wallet, null, e.txId);
          break;
        case Ev.WITHDRAWAL:
          tx(p, e.userId, TxType.WITHDRAW, -e.amount, e.wallet, null, e.withdrawId);
          break;
        case Ev.TRADE: {
          const ref = String(e.tradeId);
          if (e.buyFee !== 0) tx(p, e.buyUserId, TxType.COMMISSION, -e.buyFee, null, e.symbolId, ref, 0);
          if (e.sellFee !== 0) tx(p, e.sellUserId, TxType.COMMISSION, -e.sellFee, null, e.symbolId, ref, 1);
          if (e.buyRealizedPnl !== 0)
            tx(p, e.buyUserId, TxType.REALIZED_PNL, e.buyRealizedPnl, null, e.symbolId, ref, 0);
          if (e.sellRealizedPnl !== 0)
            tx(p, e.sellUserId, TxType.REALIZED_PNL, e.sellRealizedPnl, null, e.symbolId, ref, 1);
          break;
        }
        case Ev.FUNDING_PAYMENT:
          tx(p, e.userId, TxType.FUNDING_FEE, e.amount, null, e.symbolId, String(e.fundingTime));
          funding.push([
            e.userId,
            e.symbolId,
            e.fundingTime,
            e.fundingRate,
            e.positionQty,
            e.markPrice,
            e.amount,
            e.seq,
          ]);
          break;
        case Ev.FUNDING_RATE:
          rates.set(`${e.symbolId}:${e.fundingTime}`, [
            e.symbolId,
            e.fundingTime,
            e.fundingRate,
            e.markPrice,
            e.seq,
          ]);
          break;
        case Ev.INSURANCE:
          insurance.push([QUOTE_ASSET, e.balance, e.delta, e.reason, e.symbolId, p.seq, p.idx, e.ts]);
          tx(p, INSURANCE_FUND_USER, TxType.INSURANCE, e.delta, e.balance, e.symbolId, e.reason);
          break;
        default:
          break;
      }
    }
    let n = 0;
    n += await upsert(conn, "users", ["user_id", "create_time", "seq"], [...users.values()], []);
    n += await upsert(conn, "accounts", ACCOUNT_COLS, [...newAccounts.values()], []);
    n += await upsert(
      conn,
      "accounts",
      ACCOUNT_COLS,
      [...balances.values()],
      ["wallet_balance", "seq", "update_time"],
    );
    n += await upsert(conn, "transactions", TX_COLS, txs, []);
    n += await upsert(conn, "funding_histories", FUNDING_COLS, funding, []);
    n += await upsert(
      conn,
      "funding_rates",
      RATE_COLS,
      [...rates.values()],
      ["funding_rate", "mark_price", "seq"],
    );
    n += await upsert(conn, "insurance_fund_histories", INSURANCE_COLS, insurance, []);
    return n;
  },
};
