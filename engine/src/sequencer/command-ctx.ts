// Per-command scratch of the sequencer: where events go, which accounts and positions the command touched
// (each gets one PositionEvent / BalanceEvent at the end), the book levels it changed (one BookEvent per
// symbol), and the accounts the risk engine must re-check. Owner: the sequencer; one instance reused for
// every command.
//
// No per-command allocation and no work proportional to anything but what the command touched: "already
// touched in this command" is a stamp on the Account / Position (state.ts `ctxStamp`, `dirtyStamp`) from
// a process-wide counter, so `begin` only resets array lengths, and the per-account figures (wallet
// before, reason override) live in arrays parallel to `accounts` at the account's `ctxSlot`.
import type { BalanceReason, Side } from "@perpx/shared/domain";
import { Side as S } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { growF64 } from "../matcher/order-pool.js";
import { BookEventObject } from "./event-objects.js";
import type { Account, Position, SequencerState } from "./state.js";

/** Stamps are unique across every CommandCtx in the process, so two sequencers never mistake each other's. */
let lastStamp = 0;
function nextStamp(): number {
  return ++lastStamp;
}

/**
 * Empties a reused array keeping its backing store (`length = 0` drops it, and the next push allocates
 * a new one: per command, that is most of what this scratch would allocate).
 */
export function empty(a: unknown[]): void {
  while (a.length > 0) a.pop();
}

/** Initial slots of the per-position and per-account stores (grown by doubling). */
const CTX_INITIAL = 16;

/** No reason override for the account (parallel to `accounts`). */
const NO_REASON = -1;

/** Initial slots of a LevelSet's stores (a command usually changes 1–3 levels; a sweep grows them). */
const LEVELS_INITIAL = 8;

/**
 * The levels of one side of one book changed by a command, latest total per price. Linear search while
 * small (a command usually changes 1–3 levels), a price → slot map beyond that (a sweep).
 */
export class LevelSet {
  /**
   * Price and total of each level, `count` of them; slots past that are left over (overwritten in place).
   * Float64Arrays, not number[]s, for the reason MatchReport's store is one (match-port.ts): the values
   * come straight from the report's Float64Array, and a number[] changed its elements kind (small
   * integers → doubles) the first time one arrived boxed, at a point that depends on V8's tiering, in
   * code inlined into Settler.apply (this.set ← CommandCtx.level ← Settler.apply). No divergence was
   * traced to these under JIT stress; a typed array has one representation, so the pattern is gone.
   */
  prices: Float64Array = new Float64Array(LEVELS_INITIAL);
  qtys: Float64Array = new Float64Array(LEVELS_INITIAL);
  count = 0;
  private index: Map<number, number> | null = null;
  private indexed = false;

  reset(): void {
    this.count = 0;
    if (this.indexed) {
      this.index!.clear();
      this.indexed = false;
    }
  }

  set(price: number, qty: number): void {
    const n = this.count;
    if (this.indexed) {
      const at = this.index!.get(price);
      if (at !== undefined) {
        this.qtys[at] = qty;
        return;
      }
      this.index!.set(price, n);
    } else {
      for (let i = 0; i < n; i++) {
        if (this.prices[i] === price) {
          this.qtys[i] = qty;
          return;
        }
      }
      if (n >= 16) {
        this.index ??= new Map();
        for (let i = 0; i < n; i++) this.index.set(this.prices[i]!, i);
        this.index.set(price, n);
        this.indexed = true;
      }
    }
    if (n === this.prices.length) {
      this.prices = growF64(this.prices, 2 * n);
      this.qtys = growF64(this.qtys, 2 * n);
    }
    this.prices[n] = price;
    this.qtys[n] = qty;
    this.count = n + 1;
  }

  /** [price, qty] pairs, best first (bids: descending prices, asks: ascending): fresh arrays (the event's). */
  sorted(desc: boolean): [number, number][] {
    const n = this.count;
    // one or two levels (almost every command): array literals of exactly that size, not a push-grown
    // backing store of 16 slots
    if (n === 0) return [];
    const p = this.prices;
    const q = this.qtys;
    if (n === 1) return [[p[0]!, q[0]!]];
    if (n === 2) {
      const firstBest = desc ? p[0]! > p[1]! : p[0]! < p[1]!;
      return firstBest
        ? [
            [p[0]!, q[0]!],
            [p[1]!, q[1]!],
          ]
        : [
            [p[1]!, q[1]!],
            [p[0]!, q[0]!],
          ];
    }
    const out: [number, number][] = []; // packed (not `new Array(n)`, which is holey for its readers)
    for (let i = 0; i < n; i++) out.push([this.prices[i]!, this.qtys[i]!]);
    if (n > 16) out.sort(desc ? byPriceDesc : byPriceAsc);
    else {
      // insertion sort: a few levels, and Array.prototype.sort allocates scratch (prices are unique)
      for (let i = 1; i < n; i++) {
        const x = out[i]!;
        let j = i - 1;
        while (j >= 0 && (desc ? out[j]![0] < x[0] : out[j]![0] > x[0])) {
          out[j + 1] = out[j]!;
          j--;
        }
        out[j + 1] = x;
      }
    }
    return out;
  }
}

const byPriceDesc = (a: [number, number], b: [number, number]): number => b[0] - a[0];
const byPriceAsc = (a: [number, number], b: [number, number]): number => a[0] - b[0];

/** Levels of one symbol's book changed by the command. */
interface BookChanges {
  symbolId: number;
  firstUpdateId: number;
  lastUpdateId: number;
  readonly bids: LevelSet;
  readonly asks: LevelSet;
}

export class CommandCtx {
  seq = 0;
  ts = 0;
  out: EngineEvent[] = [];
  /** reason written on the Position/Balance events of this command (unless overridden per account) */
  reason: BalanceReason = 0;

  readonly positions: Position[] = [];
  /**
   * Each touched position's signed qty when the command first touched it (parallel to `positions`;
   * slots past `positions.length` are left over). `qtyBefore` and `walletBefore` are Float64Arrays, not
   * number[]s: their values (sizes, micro-USDT wallets) leave the small-integer range in an ordinary
   * session, and a number[] then changed its elements kind at a point that depends on V8's tiering, in
   * `touch`, which is inlined into hot callers — the pattern that made optimized code lose MatchReport's
   * TRADE records (match-port.ts). A typed array has one representation.
   */
  qtyBefore: Float64Array = new Float64Array(CTX_INITIAL);
  readonly accounts: Account[] = [];
  /** parallel to `accounts`: cross wallet when first touched, reason override (NO_REASON = none) */
  private walletBefore: Float64Array = new Float64Array(CTX_INITIAL);
  private readonly reasonOf: number[] = [];
  /** stamp of the current command (Account/Position `ctxStamp`) */
  private stamp = 0;

  /** accounts whose wallet or positions may have changed since the risk engine last looked */
  private readonly dirty: Account[] = [];
  /** stamp of the current dirty list (Account `dirtyStamp`) */
  private dirtyStamp = 0;

  /** book changes per symbol, in first-touched order (pooled: reused across commands) */
  private readonly books: BookChanges[] = [];
  private bookCount = 0;

  begin(seq: number, ts: number, out: EngineEvent[], reason: BalanceReason): void {
    this.seq = seq;
    this.ts = ts;
    this.out = out;
    this.reason = reason;
    this.stamp = nextStamp();
    empty(this.positions);
    empty(this.accounts);
    empty(this.reasonOf);
    empty(this.dirty);
    this.dirtyStamp = nextStamp();
    this.bookCount = 0;
  }

  /** Records that the account's cross wallet (and optionally a position) may change in this command. */
  touch(acc: Account, pos?: Position, reason?: BalanceReason): void {
    if (acc.ctxStamp !== this.stamp) {
      acc.ctxStamp = this.stamp;
      const slot = this.accounts.length;
      acc.ctxSlot = slot;
      if (slot === this.walletBefore.length) this.walletBefore = growF64(this.walletBefore, 2 * slot);
      this.walletBefore[slot] = acc.crossWallet;
      this.accounts.push(acc);
      this.reasonOf.push(NO_REASON);
    }
    if (reason !== undefined) this.reasonOf[acc.ctxSlot] = reason;
    if (acc.dirtyStamp !== this.dirtyStamp) {
      acc.dirtyStamp = this.dirtyStamp;
      this.dirty.push(acc);
    }
    if (pos !== undefined && pos.ctxStamp !== this.stamp) {
      pos.ctxStamp = this.stamp;
      const at = this.positions.length;
      if (at === this.qtyBefore.length) this.qtyBefore = growF64(this.qtyBefore, 2 * at);
      this.qtyBefore[at] = pos.qty;
      this.positions.push(pos);
    }
  }

  /** Takes the accounts touched since the last call (in touch order) for the risk engine. */
  takeDirty(into: Account[]): void {
    empty(into);
    const d = this.dirty;
    if (d.length === 0) return;
    for (let i = 0; i < d.length; i++) into.push(d[i]!);
    empty(d);
    this.dirtyStamp = nextStamp();
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
        b = { symbolId, firstUpdateId: 0, lastUpdateId: 0, bids: new LevelSet(), asks: new LevelSet() };
        this.books.push(b);
      }
      this.bookCount++;
      b.symbolId = symbolId;
      b.firstUpdateId = 0;
      b.lastUpdateId = 0;
      b.bids.reset();
      b.asks.reset();
    }
    if (b.firstUpdateId === 0 || updateId < b.firstUpdateId) b.firstUpdateId = updateId;
    if (updateId > b.lastUpdateId) b.lastUpdateId = updateId;
    (side === S.BUY ? b.bids : b.asks).set(price, qty);
  }

  /** The reason for an account touched in this command. */
  private reasonFor(acc: Account): BalanceReason {
    const r = this.reasonOf[acc.ctxSlot]!;
    return r === NO_REASON ? this.reason : (r as BalanceReason);
  }

  /** Emits the Position, Balance and Book events of the command, in that order. */
  finish(st: SequencerState): void {
    const { seq, ts, out } = this;
    const positions = this.positions;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      const acc = p.acc;
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
        reason: this.reasonFor(acc),
      });
    }
    const accounts = this.accounts;
    for (let i = 0; i < accounts.length; i++) {
      const a = accounts[i]!;
      const r = this.reasonOf[i]!;
      out.push({
        ev: Ev.BALANCE,
        seq,
        ts,
        userId: a.userId,
        wallet: a.crossWallet,
        delta: a.crossWallet - this.walletBefore[i]!,
        reason: r === NO_REASON ? this.reason : (r as BalanceReason),
      });
    }
    for (let i = 0; i < this.bookCount; i++) {
      const b = this.books[i]!;
      const sym = st.symbols.get(b.symbolId)!;
      out.push(
        new BookEventObject(
          seq,
          ts,
          b.symbolId,
          b.firstUpdateId,
          b.lastUpdateId,
          sym.bookUpdateId,
          b.bids.sorted(true),
          b.asks.sorted(false),
        ),
      );
      sym.bookUpdateId = b.lastUpdateId;
    }
  }
}
