// History queries of the gateway (SPEC §8.2, §11) on the report database (MYSQL_REPORT_URL, a replica
// that may lag the master by a little). Answers are the wire views of wire.ts. Newest first, at most
// `limit` rows (default 500, cap 1000), inside [startTime, endTime] when given.
import { type Instrument, QUOTE_ASSET } from "@perpx/shared/domain";
import { formatDecimal, formatMoney, formatRate } from "@perpx/shared/fixed";
import type { RowDataPacket } from "mysql2/promise";
import { createDbPool, int, type Pool, type Queryable, reportUrlFromEnv } from "./db.js";
import {
  type OrderRecord,
  type OrderView,
  orderView,
  type PublicTradeView,
  publicTradeView,
  type TradeRecord,
  type UserTradeView,
  userTradeView,
} from "./wire.js";

export interface Range {
  symbolId?: number;
  startTime?: number;
  endTime?: number;
  limit?: number;
}

const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;

function limitOf(r: Range): number {
  const l = r.limit ?? DEFAULT_LIMIT;
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(l)));
}

/** WHERE fragments for an optional symbol and time range on `timeCol`. */
function rangeSql(r: Range, timeCol: string, symbolCol = "symbol_id"): { sql: string; args: number[] } {
  const parts: string[] = [];
  const args: number[] = [];
  if (r.symbolId !== undefined) {
    parts.push(`${symbolCol} = ?`);
    args.push(r.symbolId);
  }
  if (r.startTime !== undefined) {
    parts.push(`${timeCol} >= ?`);
    args.push(r.startTime);
  }
  if (r.endTime !== undefined) {
    parts.push(`${timeCol} <= ?`);
    args.push(r.endTime);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(""), args };
}

export function orderRecordOf(r: RowDataPacket): OrderRecord {
  return {
    orderId: int(r.order_id),
    clientOrderId: String(r.client_order_id),
    userId: int(r.user_id),
    symbolId: int(r.symbol_id),
    side: String(r.side),
    type: String(r.type),
    tif: String(r.time_in_force),
    status: String(r.status),
    price: int(r.price),
    stopPrice: int(r.stop_price),
    origQty: int(r.orig_qty),
    executedQty: int(r.executed_qty),
    cumQuoteUnits: int(r.cum_quote_units),
    reduceOnly: int(r.reduce_only) === 1,
    closePosition: int(r.close_position) === 1,
    workingType: String(r.working_type),
    stp: String(r.stp_mode),
    rejectReason: r.reject_reason === null ? null : String(r.reject_reason),
    createTime: int(r.create_time),
    updateTime: int(r.update_time),
    seq: int(r.seq),
  };
}

function tradeRecordOf(r: RowDataPacket): TradeRecord {
  return {
    tradeId: int(r.trade_id),
    symbolId: int(r.symbol_id),
    type: String(r.type),
    price: int(r.price),
    qty: int(r.qty),
    quote: int(r.quote),
    buyOrderId: int(r.buy_order_id),
    sellOrderId: int(r.sell_order_id),
    buyUserId: int(r.buy_user_id),
    sellUserId: int(r.sell_user_id),
    makerSide: String(r.maker_side),
    buyFee: int(r.buy_fee),
    sellFee: int(r.sell_fee),
    buyRealizedPnl: int(r.buy_realized_pnl),
    sellRealizedPnl: int(r.sell_realized_pnl),
    time: int(r.trade_time),
  };
}

export interface FundingView {
  symbol: string;
  fundingTime: number;
  fundingRate: string;
  positionAmt: string;
  markPrice: string;
  amount: string;
}
export interface FundingRateView {
  symbol: string;
  fundingTime: number;
  fundingRate: string;
  markPrice: string;
}
export interface TransactionView {
  tranId: string;
  incomeType: string;
  income: string;
  asset: string;
  symbol: string;
  info: string;
  balanceAfter?: string;
  time: number;
}
export interface InsuranceHistoryView {
  asset: string;
  balance: string;
  delta: string;
  reason: string;
  symbol: string;
  time: number;
}

export class ReportDb {
  private readonly bySymbolId = new Map<number, Instrument>();

  /** `instruments`: known before any INSTRUMENT event is saved (the defaults); the table adds to them. */
  constructor(
    private readonly db: Queryable,
    instruments: readonly Instrument[] = [],
  ) {
    for (const i of instruments) this.bySymbolId.set(i.symbolId, i);
  }

  /** Reloads the instruments table (called lazily when a row names an unknown symbol). */
  async refreshInstruments(): Promise<void> {
    const [rows] = await this.db.query<RowDataPacket[]>("SELECT definition FROM instruments");
    for (const r of rows) {
      const def = (typeof r.definition === "string" ? JSON.parse(r.definition) : r.definition) as Instrument;
      this.bySymbolId.set(def.symbolId, def);
    }
  }

  symbolId(symbol: string): number | undefined {
    for (const i of this.bySymbolId.values()) if (i.symbol === symbol) return i.symbolId;
    return undefined;
  }

  private async inst(symbolId: number): Promise<Instrument> {
    let i = this.bySymbolId.get(symbolId);
    if (!i) {
      await this.refreshInstruments();
      i = this.bySymbolId.get(symbolId);
    }
    if (!i) throw new Error(`unknown symbolId ${symbolId} in the report database`);
    return i;
  }

  /** GET /api/v1/orders: orders created in the range, oldest first (Binance allOrders order). */
  async orders(userId: number, r: Range = {}): Promise<OrderView[]> {
    const w = rangeSql(r, "create_time");
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM orders WHERE user_id = ?${w.sql} ORDER BY create_time DESC, order_id DESC LIMIT ?`,
      [userId, ...w.args, limitOf(r)],
    );
    return this.orderViews(rows.reverse());
  }

  /** GET /api/v1/order by orderId or clientOrderId. */
  async order(
    userId: number,
    id: { orderId?: number; clientOrderId?: string },
  ): Promise<OrderView | undefined> {
    const [rows] =
      id.orderId !== undefined
        ? await this.db.query<RowDataPacket[]>("SELECT * FROM orders WHERE user_id = ? AND order_id = ?", [
            userId,
            id.orderId,
          ])
        : await this.db.query<RowDataPacket[]>(
            "SELECT * FROM orders WHERE user_id = ? AND client_order_id = ?",
            [userId, id.clientOrderId ?? ""],
          );
    return (await this.orderViews(rows))[0];
  }

  /** GET /api/v1/orders/open: NEW, PARTIALLY_FILLED and UNTRIGGERED orders. */
  async openOrders(userId: number, symbolId?: number): Promise<OrderView[]> {
    const w = rangeSql({ symbolId }, "create_time");
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM orders WHERE user_id = ? AND status IN ('NEW', 'PARTIALLY_FILLED', 'UNTRIGGERED')${w.sql} ORDER BY order_id`,
      [userId, ...w.args],
    );
    return this.orderViews(rows);
  }

  private async orderViews(rows: RowDataPacket[]): Promise<OrderView[]> {
    const out: OrderView[] = [];
    for (const r of rows) {
      const o = orderRecordOf(r);
      out.push(orderView(o, await this.inst(o.symbolId)));
    }
    return out;
  }

  /** GET /api/v1/trades: the user's fills (a self-trade shows both sides), newest first. */
  async userTrades(userId: number, r: Range = {}): Promise<UserTradeView[]> {
    const w = rangeSql(r, "trade_time");
    const lim = limitOf(r);
    const [rows] = await this.db.query<RowDataPacket[]>(
      `(SELECT *, 'BUY' AS my_side FROM trades WHERE buy_user_id = ?${w.sql} ORDER BY trade_time DESC, trade_id DESC LIMIT ?)
       UNION ALL
       (SELECT *, 'SELL' AS my_side FROM trades WHERE sell_user_id = ?${w.sql} ORDER BY trade_time DESC, trade_id DESC LIMIT ?)
       ORDER BY trade_time DESC, trade_id DESC, my_side LIMIT ?`,
      [userId, ...w.args, lim, userId, ...w.args, lim, lim],
    );
    const out: UserTradeView[] = [];
    for (const row of rows) {
      const t = tradeRecordOf(row);
      out.push(userTradeView(t, row.my_side === "BUY" ? "BUY" : "SELL", await this.inst(t.symbolId)));
    }
    return out;
  }

  /** GET /api/v1/trades/recent: a symbol's latest trades, newest first. */
  async recentTrades(symbolId: number, limit = DEFAULT_LIMIT): Promise<PublicTradeView[]> {
    const inst = await this.inst(symbolId);
    const [rows] = await this.db.query<RowDataPacket[]>(
      "SELECT * FROM trades WHERE symbol_id = ? ORDER BY trade_id DESC LIMIT ?",
      [symbolId, limitOf({ limit })],
    );
    return rows.map((row) => publicTradeView(tradeRecordOf(row), inst));
  }

  /** GET /api/v1/funding: the user's funding payments, newest first. */
  async funding(userId: number, r: Range = {}): Promise<FundingView[]> {
    const w = rangeSql(r, "funding_time");
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM funding_histories WHERE user_id = ?${w.sql} ORDER BY funding_time DESC, symbol_id LIMIT ?`,
      [userId, ...w.args, limitOf(r)],
    );
    const out: FundingView[] = [];
    for (const row of rows) {
      const inst = await this.inst(int(row.symbol_id));
      out.push({
        symbol: inst.symbol,
        fundingTime: int(row.funding_time),
        fundingRate: formatRate(int(row.funding_rate)),
        positionAmt: formatDecimal(int(row.position_qty), inst.qtyDecimals),
        markPrice: formatDecimal(int(row.mark_price), inst.priceDecimals),
        amount: formatMoney(int(row.amount)),
      });
    }
    return out;
  }

  /** GET /api/v1/funding-rate: a symbol's funding rate history, newest first. */
  async fundingRates(symbolId: number, r: Range = {}): Promise<FundingRateView[]> {
    const inst = await this.inst(symbolId);
    const w = rangeSql({ ...r, symbolId }, "funding_time");
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM funding_rates WHERE 1 = 1${w.sql} ORDER BY funding_time DESC LIMIT ?`,
      [...w.args, limitOf(r)],
    );
    return rows.map((row) => ({
      symbol: inst.symbol,
      fundingTime: int(row.funding_time),
      fundingRate: formatRate(int(row.funding_rate)),
      markPrice: formatDecimal(int(row.mark_price), inst.priceDecimals),
    }));
  }

  /** GET /api/v1/transactions: deposits, withdrawals, commissions, realized PnL, funding; newest first. */
  async transactions(userId: number, r: Range & { type?: string } = {}): Promise<TransactionView[]> {
    const w = rangeSql(r, "tx_time");
    const typeSql = r.type ? " AND type = ?" : "";
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM transactions WHERE user_id = ?${w.sql}${typeSql} ORDER BY tx_time DESC, id DESC LIMIT ?`,
      [userId, ...w.args, ...(r.type ? [r.type] : []), limitOf(r)],
    );
    const out: TransactionView[] = [];
    for (const row of rows) {
      const symbolId = row.symbol_id === null ? undefined : int(row.symbol_id);
      const v: TransactionView = {
        tranId: String(row.id),
        incomeType: String(row.type),
        income: formatMoney(int(row.amount)),
        asset: String(row.asset),
        symbol: symbolId === undefined ? "" : (await this.inst(symbolId)).symbol,
        info: row.ref === null ? "" : String(row.ref),
        time: int(row.tx_time),
      };
      if (row.balance_after !== null) v.balanceAfter = formatMoney(int(row.balance_after));
      out.push(v);
    }
    return out;
  }

  /** Admin: the insurance fund's movements, newest first. */
  async insuranceHistory(r: Range = {}): Promise<InsuranceHistoryView[]> {
    const w = rangeSql(r, "update_time");
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM insurance_fund_histories WHERE asset = ?${w.sql} ORDER BY id DESC LIMIT ?`,
      [QUOTE_ASSET, ...w.args, limitOf(r)],
    );
    const out: InsuranceHistoryView[] = [];
    for (const row of rows) {
      const symbolId = int(row.symbol_id);
      out.push({
        asset: String(row.asset),
        balance: formatMoney(int(row.balance)),
        delta: formatMoney(int(row.delta)),
        reason: String(row.reason),
        symbol: symbolId === 0 ? "" : (await this.inst(symbolId)).symbol,
        time: int(row.update_time),
      });
    }
    return out;
  }

  /** GET /api/v1/insurance-fund: the latest balance ("0.000000" before any movement). */
  async insuranceFund(): Promise<{ asset: string; balance: string; updateTime: number }> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      "SELECT balance, update_time FROM insurance_fund_histories WHERE asset = ? ORDER BY id DESC LIMIT 1",
      [QUOTE_ASSET],
    );
    const r = rows[0];
    return {
      asset: QUOTE_ASSET,
      balance: formatMoney(r ? int(r.balance) : 0),
      updateTime: r ? int(r.update_time) : 0,
    };
  }
}

/** A ReportDb on MYSQL_REPORT_URL (default MYSQL_URL) with its own pool; end the pool when done. */
export function openReportDb(
  instruments: readonly Instrument[],
  url = reportUrlFromEnv(),
): { report: ReportDb; pool: Pool } {
  const pool = createDbPool(url);
  return { report: new ReportDb(pool, instruments), pool };
}

/** The instruments saved from INSTRUMENT events (for processes that start after those events expired). */
export async function loadInstruments(db: Queryable): Promise<Instrument[]> {
  const [rows] = await db.query<RowDataPacket[]>("SELECT definition FROM instruments ORDER BY symbol_id");
  return rows.map(
    (r) => (typeof r.definition === "string" ? JSON.parse(r.definition) : r.definition) as Instrument,
  );
}
