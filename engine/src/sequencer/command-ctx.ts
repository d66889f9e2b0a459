// Per-command scratch of the sequencer: where events go, which accounts and positions the command touched
// (each gets one PositionEvent / BalanceEvent at the end), the book levels it changed (one BookEvent per
// symbol), and the accounts the risk engine must re-check. Owner: the sequencer; one instance reused for
// every command (no per-command allocation of its maps).
import type { BalanceReason, Side } from "@perpx/shared/domain";
import { Side as S } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import type { Account, Position, SequencerState } from "./state.js";

/** Levels of one symbol's book changed by the command. */
interface BookChanges {
  symbolId: number;
  firstUpdateId: number;
  lastUpdateId: number;
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
}

export class CommandCtx {
  seq = 0;
  ts = 0;
  out: EngineEvent[] = [];
  /** reason written on the Position/Balance events of this command (unless overridden per account) */
  reason: BalanceReason = 0;

  readonly positions: Position[] = [];
  /** each touched position's signed qty when the command first touched it (parallel to `positions`) */
  readonly qtyBefore: number[] = [];
  private readonly positionSet = new Set<Position>();
  readonly accounts: Account[] = [];
  private readonly walletBefore = new Map<Account, number>();
  /** per-account reason (liquidation, ADL, funding) overriding `reason` */
  private readonly reasonOf = new Map<Account, BalanceReason>();

  /** accounts whose wallet or positions may have changed since the risk engine last looked */
  private readonly dirty: Account[] = [];
  private readonly dirtySet = new Set<Account>();

  /** book changes per symbol, in first-touched order (pooled: reused across commands) */
  private readonly books: BookChanges[] = [];
  private bookCount = 0;

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
    this.reasonOf.clear();
    this.dirty.length = 0;
    this.dirtySet.clear();
    this.bookCount = 0;
  }

  /** Records that the account's cross wallet (and optionally a position) may change in this command. */
  touch(acc: Account, pos?: Position, reason?: BalanceReason): void {
    if (!this.walletBefore.has(acc)) {
      this.walletBefore.set(acc, acc.crossWallet);
      this.accounts.push(acc);
    }
    if (reason !== undefined) this.reasonOf.set(acc, reason);
    if (!this.dirtySet.has(acc)) {
      this.dirtySet.add(acc);
      this.dirty.push(acc);
    }
    if (pos !== undefined && !this.positionSet.has(pos)) {
      this.positionSet.add(pos);
      this.positions.push(pos);
      this.qtyBefore.push(pos.qty);
    }
  }

  /** Takes the accounts touched since the last call (in touch order) for the risk engine. */
  takeDirty(into: Account[]): void {
    into.length = 0;
    for (const a of this.dirty) into.push(a);
    this.dirty.length = 0;
    this.dirtySet.clear();
  }

  /** A level reported by the matcher; the latest total per price wins within the command. */
  level(symbolId: number, side: Side, price: number, qty: number, updateId: number): void {
    let b: BookChanges | undefined;
    for (let i = 0; i < this.bookCount; i++) {
      if (this.books[i]!.symbolId === symbolId) {
        b = this.books[i];
        break;
      }
    }
    if (b === undefined) {
      b = this.books[this.bookCount];
      if (b === undefined) {
        b = { symbolId, firstUpdateId: 0, lastUpdateId: 0, bids: new Map(), asks: new Map() };
        this.books.push(b);
      }
      this.bookCount++;
      b.symbolId = symbolId;
      b.firstUpdateId = 0;
      b.lastUpdateId = 0;
      b.bids.clear();
      b.asks.clear();
    }
    if (b.firstUpdateId === 0 || updateId < b.firstUpdateId) b.firstUpdateId = updateId;
    if (updateId > b.lastUpdateId) b.lastUpdateId = updateId;
    (side === S.BUY ? b.bids : b.asks).set(price, qty);
  }

  /** Emits the Position, Balance and Book events of the command, in that order. */
  finish(st: SequencerState): void {
    const { seq, ts, out } = this;
    for (const p of this.positions) {
      const acc = st.accounts.get(p.userId)!;
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
        reason: this.reasonOf.get(acc) ?? this.reason,
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
        reason: this.reasonOf.get(a) ?? this.reason,
      });
    }
    for (let i = 0; i < this.bookCount; i++) {
      const b = this.books[i]!;
      const sym = st.symbols.get(b.symbolId)!;
      out.push({
        ev: Ev.BOOK,
        seq,
        ts,
        symbolId: b.symbolId,
        firstUpdateId: b.firstUpdateId,
        lastUpdateId: b.lastUpdateId,
        prevUpdateId: sym.bookUpdateId,
        bids: sortedLevels(b.bids, true),
        asks: sortedLevels(b.asks, false),
      });
      sym.bookUpdateId = b.lastUpdateId;
    }
  }
}

function sortedLevels(m: Map<number, number>, desc: boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const [p, q] of m) out.push([p, q]);
  out.sort(desc ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
  return out;
}
