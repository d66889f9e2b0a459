// Per-command scratch of the sequencer: where events go, which accounts and positions the command touched
// (each gets one PositionEvent / BalanceEvent at the end), and the book levels it changed (one BookEvent).
// Owner: the sequencer; one instance reused for every command (no per-command allocation of its maps).
import type { BalanceReason, Side } from "@perpx/shared/domain";
import { Side as S } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { Account, Position, SequencerState } from "./state.js";

export class CommandCtx {
  seq = 0;
  ts = 0;
  out: EngineEvent[] = [];
  /** reason written on the Position/Balance events of this command */
  reason: BalanceReason = 0;

  readonly positions: Position[] = [];
  /** each touched position's signed qty when the command first touched it (parallel to `positions`) */
  readonly qtyBefore: number[] = [];
  private readonly positionSet = new Set<Position>();
  readonly accounts: Account[] = [];
  private readonly walletBefore = new Map<Account, number>();

  private bookSymbol = 0;
  private firstUpdateId = 0;
  private lastUpdateId = 0;
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();

  begin(seq: number, ts: number, out: EngineEvent[], reason: BalanceReason): void {
    this.seq = seq;
    this.ts = ts;
    this.out = out;
    this.reason = reason;
    this.positions.length = 0;
    this.qtyBefore.length = 0;
    this.positionSet.clear();
    this.accounts.length = 0;
    this.walletBefore.clear();
    this.bookSymbol = 0;
    this.firstUpdateId = 0;
    this.lastUpdateId = 0;
    this.bids.clear();
    this.asks.clear();
  }

  /** Records that the account's cross wallet (and optionally a position) may change in this command. */
  touch(acc: Account, pos?: Position): void {
    if (!this.walletBefore.has(acc)) {
      this.walletBefore.set(acc, acc.crossWallet);
      this.accounts.push(acc);
    }
    if (pos !== undefined && !this.positionSet.has(pos)) {
      this.positionSet.add(pos);
      this.positions.push(pos);
      this.qtyBefore.push(pos.qty);
    }
  }

  /** A level reported by the matcher; the latest total per price wins within the command. */
  level(symbolId: number, side: Side, price: number, qty: number, updateId: number): void {
    this.bookSymbol = symbolId;
    if (this.firstUpdateId === 0 || updateId < this.firstUpdateId) this.firstUpdateId = updateId;
    if (updateId > this.lastUpdateId) this.lastUpdateId = updateId;
    (side === S.BUY ? this.bids : this.asks).set(price, qty);
  }

  /** Emits the Position, Balance and Book events of the command, in that order. */
  finish(st: SequencerState): void {
    const { seq, ts, out, reason } = this;
    for (const p of this.positions) {
      out.push({
        ev: Ev.POSITION,
        seq,
        ts,
        userId: p.userId,
        symbolId: p.symbolId,
        qty: p.qty,
        entryValue: p.entryValue,
        marginType: p.marginType,
        leverage: p.leverage,
        isolatedWallet: p.isolatedWallet,
        reason,
      });
    }
    for (const a of this.accounts) {
      out.push({
        ev: Ev.BALANCE,
        seq,
        ts,
        userId: a.userId,
        wallet: a.crossWallet,
        delta: a.crossWallet - this.walletBefore.get(a)!,
        reason,
      });
    }
    if (this.lastUpdateId !== 0) {
      const sym = st.symbols.get(this.bookSymbol)!;
      out.push({
        ev: Ev.BOOK,
        seq,
        ts,
        symbolId: this.bookSymbol,
        firstUpdateId: this.firstUpdateId,
        lastUpdateId: this.lastUpdateId,
        prevUpdateId: sym.bookUpdateId,
        bids: sortedLevels(this.bids, true),
        asks: sortedLevels(this.asks, false),
      });
      sym.bookUpdateId = this.lastUpdateId;
    }
  }
}

function sortedLevels(m: Map<number, number>, desc: boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const [p, q] of m) out.push([p, q]);
  out.sort(desc ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
  return out;
}
