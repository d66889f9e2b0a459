// The risk work after every command (SPEC §4 triggers, §7 liquidation), run by the sequencer before the
// command's closing events. Owner: the sequencer; it holds only derived indexes and per-command queues.
//
// A command leaves behind price events (each trade price of a symbol → CONTRACT_PRICE triggers; each mark
// change → MARK_PRICE triggers and the liquidation index) and the accounts it touched. `settle` works
// them off until nothing is left, in a fixed order, so replay does the same thing:
//   1. the next price event: fire the triggers it reaches, ordered by (trigger price, orderId), each a new
//      order with its own trades (which queue more price events); for a mark change, also pop the
//      liquidation index's positions whose key the mark reached and check their accounts;
//   2. else every account touched since the last look: exact check (liquidatable → queued; between the
//      warning level and maintenance → one MarginCallEvent until it recovers), then new index keys;
//   3. else the next queued liquidation (first come, first served; it touches accounts and trades).
// Trade prices of one symbol that follow each other in one direction are merged into the last one (a
// taker walks the book monotonically; the end points decide every trigger of a monotone run).
import { MarginType, WorkingType } from "@perpx/shared/domain";
import { Ev } from "@perpx/shared/events";
import { growF64 } from "../matcher/order-pool.js";
import { type CommandCtx, empty } from "./command-ctx.js";
import { Liquidator } from "./liquidation.js";
import { maintenanceMargin, notionalOf, unrealizedPnl } from "./margin.js";
import type { MatchPort } from "./match-port.js";
import type { OrderCommands } from "./order-commands.js";
import {
  budgetOf,
  type CrossLevels,
  crossLevelsInto,
  isLiquidatable,
  isWarned,
  levelOf,
  RiskIndex,
  recoverKeyOf,
  riskKeyOf,
  WARN_DEN,
  WARN_NUM,
} from "./risk-index.js";
import type { Account, Position, SequencerState, TriggerOrder } from "./state.js";
import { positionsOf } from "./state.js";
import type { SymbolState } from "./symbol-state.js";

const MARK = WorkingType.MARK_PRICE;
const CONTRACT = WorkingType.CONTRACT_PRICE;

export class RiskEngine {
  readonly index = new RiskIndex();
  readonly liquidator: Liquidator;
  // price events (symbolId, source, price), consumed from `head`; `evSymbol.length` of them
  private readonly evSymbol: number[] = [];
  private readonly evSource: number[] = [];
  /**
   * Parallel to `evSymbol` (slots past its length are left over). A Float64Array, not a number[]: the
   * prices come from MatchReport's Float64Array (Settler.trade → onTradePrice, with `push` inlined),
   * and a number[] switched elements kind (small integers → doubles) on the first boxed one, at a
   * point that depends on V8's tiering — the pattern behind MatchReport's lost TRADE records
   * (match-port.ts). symbolId and source stay small integers, so their arrays never transition.
   */
  private evPrice: Float64Array = new Float64Array(16);
  private head = 0;
  private readonly dirty: Account[] = [];
  private readonly extraDirty: Account[] = [];
  /** queued liquidations: account and symbolId (0 = the cross part) */
  private readonly targets: { acc: Account; symbolId: number }[] = [];
  private targetHead = 0;
  private readonly targetKeys = new Set<string>();
  private readonly fired: TriggerOrder[] = [];
  private readonly crossed: number[] = [];
  /** scratch of `check` */
  private readonly levels: CrossLevels = { marginBalance: 0, maintMargin: 0, count: 0 };
  private readonly keyed: boolean[] = [];

  constructor(
    private readonly st: SequencerState,
    private readonly ctx: CommandCtx,
    port: MatchPort,
    private readonly orders: OrderCommands,
  ) {
    this.liquidator = new Liquidator(st, ctx, port, orders);
  }

  /** A trade at `price` in the symbol (CONTRACT_PRICE triggers). */
  onTradePrice(symbolId: number, price: number): void {
    const n = this.evSymbol.length;
    if (n > this.head && this.evSymbol[n - 1] === symbolId && this.evSource[n - 1] === CONTRACT) {
      const last = this.evPrice[n - 1]!;
      if (price === last) return;
      if (n - 1 > this.head && this.evSymbol[n - 2] === symbolId && this.evSource[n - 2] === CONTRACT) {
        const prev = this.evPrice[n - 2]!;
        if (last - prev > 0 === price - last > 0) {
          this.evPrice[n - 1] = price;
          return;
        }
      }
    }
    this.push(symbolId, CONTRACT, price);
  }

  /** The symbol's mark changed (MARK_PRICE triggers, liquidation index). */
  onMarkChange(symbolId: number): void {
    this.push(symbolId, MARK, 0);
    this.liquidator.adlQueue.clear();
  }

  /** An account whose risk changed without a touch (instrument brackets changed). */
  markDirty(acc: Account): void {
    this.extraDirty.push(acc);
  }

  private push(symbolId: number, source: number, price: number): void {
    const n = this.evSymbol.length;
    if (n === this.evPrice.length) this.evPrice = growF64(this.evPrice, 2 * n);
    this.evPrice[n] = price;
    this.evSymbol.push(symbolId);
    this.evSource.push(source);
  }

  /** Works off everything the command left (see the header). */
  settle(): void {
    this.liquidator.adlQueue.clear();
    for (;;) {
      if (this.head < this.evSymbol.length) {
        this.priceEvent();
        continue;
      }
      this.head = 0;
      empty(this.evSymbol);
      empty(this.evSource);
      this.ctx.takeDirty(this.dirty);
      for (let i = 0; i < this.extraDirty.length; i++) this.dirty.push(this.extraDirty[i]!);
      empty(this.extraDirty);
      if (this.dirty.length > 0) {
        for (let i = 0; i < this.dirty.length; i++) this.check(this.dirty[i]!);
        continue;
      }
      if (this.targetHead < this.targets.length) {
        const t = this.targets[this.targetHead++]!;
        this.targetKeys.delete(`${t.acc.userId}:${t.symbolId}`);
        if (t.symbolId === 0) this.liquidator.liquidateCross(t.acc);
        else this.liquidator.liquidateIsolated(t.acc, t.acc.positions.get(t.symbolId)!);
        this.markDirty(t.acc);
        continue;
      }
      break;
    }
    empty(this.targets);
    this.targetHead = 0;
  }

  private priceEvent(): void {
    const i = this.head++;
    const symbolId = this.evSymbol[i]!;
    const source = this.evSource[i]!;
    const sym = this.st.symbols.get(symbolId)!;
    const price = source === MARK ? sym.markPrice : this.evPrice[i]!;
    const fired = this.fired;
    empty(fired);
    if (price > 0) this.orders.triggers.book(symbolId, source).evaluate(price, fired);
    if (fired.length > 0) {
      const batch = fired.slice().sort((a, b) => a.key - b.key || a.orderId - b.orderId);
      for (const o of batch) this.orders.fireTrigger(o);
    }
    if (source === MARK && price > 0) {
      const crossed = this.crossed;
      empty(crossed);
      this.index.crossed(symbolId, price, crossed);
      for (const userId of crossed) this.check(this.st.accounts.get(userId)!);
    }
  }

  /**
   * Exact check of an account (its cross part and each isolated position): queue what is liquidatable,
   * send margin calls, and give everything else new index keys.
   */
  private check(acc: Account): void {
    const st = this.st;
    this.liquidator.stats.checks++;
    const list = positionsOf(acc);
    // which positions get new keys (parallel to `list`); the rest leave the index
    const keyed = this.keyed;
    empty(keyed);
    for (let i = 0; i < list.length; i++) keyed.push(false);
    const lv = crossLevelsInto(st, acc, this.levels);
    if (lv.count > 0) {
      const mb = lv.marginBalance;
      const mm = lv.maintMargin;
      acc.marginCalled = this.warn(acc, 0, mb, mm, acc.marginCalled);
      if (isLiquidatable(mb, mm)) this.target(acc, 0);
      else {
        for (let i = 0; i < list.length; i++) {
          const p = list[i]!;
          if (p.qty === 0 || p.marginType !== MarginType.CROSSED) continue;
          this.key(p, st.symbols.get(p.symbolId)!, mb, mm, lv.count);
          keyed[i] = true;
        }
      }
    } else acc.marginCalled = false;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.marginType !== MarginType.ISOLATED) continue;
      if (p.qty === 0) {
        p.marginCalled = false;
        continue;
      }
      const sym = st.symbols.get(p.symbolId)!;
      const eq = p.isolatedWallet + unrealizedPnl(p.qty, p.entryValue, sym.markPrice, sym.factor);
      const mm = maintenanceMargin(sym.inst, notionalOf(sym.markPrice, p.qty, sym.factor));
      p.marginCalled = this.warn(acc, p.symbolId, eq, mm, p.marginCalled);
      if (isLiquidatable(eq, mm)) this.target(acc, p.symbolId);
      else {
        this.key(p, sym, eq, mm, 1);
        keyed[i] = true;
      }
    }
    // re-key in place (the heaps order by a total key, so what they pop does not depend on how an entry
    // got there)
    for (let i = 0; i < list.length; i++) this.index.file(list[i]!, keyed[i]!);
  }

  /**
   * New index keys for one of `n` positions sharing margin balance mb and maintenance mm (not
   * liquidatable): toward the warning level, or — inside the zone — toward liquidation plus a recovery key.
   */
  private key(p: Position, sym: SymbolState, mb: number, mm: number, n: number): void {
    const warned = isWarned(mb, mm);
    const kNum = warned ? 1 : WARN_NUM;
    const kDen = warned ? 1 : WARN_DEN;
    p.riskKey = riskKeyOf(p, sym, budgetOf(mb - levelOf(mm, kNum, kDen), n), kNum, kDen);
    p.recoverKey = warned ? recoverKeyOf(p, sym, budgetOf(WARN_NUM * mm - WARN_DEN * mb, n, 6)) : 0;
  }

  /** Margin call on entering the warning zone (once until it leaves it); returns the new flag. */
  private warn(acc: Account, symbolId: number, mb: number, mm: number, called: boolean): boolean {
    if (!isWarned(mb, mm)) return false;
    if (!called) {
      this.ctx.out.push({
        ev: Ev.MARGIN_CALL,
        seq: this.ctx.seq,
        ts: this.ctx.ts,
        userId: acc.userId,
        symbolId,
        marginBalance: mb,
        maintMargin: mm,
      });
    }
    return true;
  }

  private target(acc: Account, symbolId: number): void {
    const key = `${acc.userId}:${symbolId}`;
    if (this.targetKeys.has(key)) return;
    this.targetKeys.add(key);
    this.targets.push({ acc, symbolId });
  }
}
