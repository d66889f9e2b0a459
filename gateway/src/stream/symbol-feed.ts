// One symbol's public stream state on the stream server: the L2 mirror behind `depth:SYM` (diffs,
// checksums, snapshots on subscribe), the depth20 and ticker throttles, and the last mark price.
// Owner: the stream server's thread (fed by StreamSource batches).
//
// A batch's BOOK events for the symbol become ONE diff: U = first event's firstUpdateId, u = last
// event's lastUpdateId, pu = the mirror's lastUpdateId before the batch (= the previous diff's u), levels
// = the last absolute quantity of every price touched. Events with lastUpdateId ≤ the mirror's are
// duplicates and skipped; an event whose prevUpdateId does not chain is a gap: the rest of the batch is
// ignored and the server reloads the mirror from the source and publishes a fresh snapshot message.
import type { Instrument } from "@perpx/shared/domain";
import type { BookEvent } from "@perpx/shared/events";
import { L2Book } from "./l2-book.js";
import {
  depth20Json,
  depthChecksum,
  depthDiffJson,
  depthSnapshotJson,
  levelsJson,
  sideJson,
} from "./market-wire.js";
import { RollingTicker } from "./ticker.js";

const DEPTH20_LEVELS = 20;

export class SymbolFeed {
  readonly book = new L2Book();
  readonly ticker = new RollingTicker();
  readonly topics: Readonly<{
    depth: string;
    depth20: string;
    trades: string;
    ticker: string;
    markPrice: string;
    forceOrder: string;
  }>;
  /** engine time of the last BOOK event applied */
  bookTs = 0;
  depth20Dirty = false;
  tickerDirty = false;
  /** the last markPrice message, sent to new subscribers */
  lastMark: string | undefined;
  /** set on a gap: the mirror must be reloaded from the source at the end of the batch */
  needsResync = false;

  private readonly pendingBids = new Map<number, number>();
  private readonly pendingAsks = new Map<number, number>();
  private pending = false;
  private pendingU = 0;
  private pendingPu = 0;
  private snapshotCache: string | undefined;
  private snapshotCacheU = -1;

  /** replaced when the engine redefines the instrument (MarketFeed.addInstrument) */
  instrument: Instrument;

  constructor(instrument: Instrument) {
    this.instrument = instrument;
    const s = instrument.symbol;
    this.topics = Object.freeze({
      depth: `depth:${s}`,
      depth20: `depth20:${s}`,
      trades: `trades:${s}`,
      ticker: `ticker:${s}`,
      markPrice: `markPrice:${s}`,
      forceOrder: `forceOrder:${s}`,
    });
  }

  /** Applies one BOOK event of the current batch. Returns "stale" for a duplicate, "gap" on a break. */
  addBook(ev: BookEvent): "ok" | "stale" | "gap" {
    if (this.needsResync) return "gap";
    if (ev.lastUpdateId <= this.book.lastUpdateId) return "stale";
    if (ev.prevUpdateId !== this.book.lastUpdateId) {
      this.needsResync = true;
      return "gap";
    }
    if (!this.pending) {
      this.pending = true;
      this.pendingU = ev.firstUpdateId;
      this.pendingPu = this.book.lastUpdateId;
    }
    for (const [p, q] of ev.bids) this.pendingBids.set(p, q);
    for (const [p, q] of ev.asks) this.pendingAsks.set(p, q);
    this.book.apply(ev);
    this.bookTs = ev.ts;
    this.depth20Dirty = true;
    return "ok";
  }

  /**
   * Ends the batch: the diff JSON when the book changed and `encode` is true (someone listens), else
   * null. The mirror is already up to date either way, so the pu chain holds across skipped diffs.
   */
  flushDiff(encode: boolean): string | null {
    if (!this.pending) return null;
    this.pending = false;
    let json: string | null = null;
    if (encode) {
      const inst = this.instrument;
      const bids = [...this.pendingBids].sort((x, y) => y[0] - x[0]);
      const asks = [...this.pendingAsks].sort((x, y) => x[0] - y[0]);
      const cs = depthChecksum(inst, this.book.bids, this.book.asks);
      json = depthDiffJson(
        this.topics.depth,
        this.pendingU,
        this.book.lastUpdateId,
        this.pendingPu,
        levelsJson(inst, bids),
        levelsJson(inst, asks),
        this.bookTs,
        cs,
      );
    }
    this.pendingBids.clear();
    this.pendingAsks.clear();
    return json;
  }

  /** Drops the batch's pending diff (after a gap, before a reload). */
  discardPending(): void {
    this.pending = false;
    this.pendingBids.clear();
    this.pendingAsks.clear();
  }

  /** The `depth:SYM` snapshot message at the current boundary (cached until the next diff). */
  snapshotJson(levels: number): string {
    if (this.snapshotCache === undefined || this.snapshotCacheU !== this.book.lastUpdateId) {
      const inst = this.instrument;
      this.snapshotCache = depthSnapshotJson(
        this.topics.depth,
        this.book.lastUpdateId,
        sideJson(inst, this.book.bids, levels),
        sideJson(inst, this.book.asks, levels),
        this.bookTs,
        depthChecksum(inst, this.book.bids, this.book.asks),
      );
      this.snapshotCacheU = this.book.lastUpdateId;
    }
    return this.snapshotCache;
  }

  /** Invalidates the snapshot cache (after a reload that kept the same lastUpdateId). */
  invalidateSnapshot(): void {
    this.snapshotCache = undefined;
  }

  depth20Json(): string {
    const inst = this.instrument;
    return depth20Json(
      this.topics.depth20,
      this.book.lastUpdateId,
      sideJson(inst, this.book.bids, DEPTH20_LEVELS),
      sideJson(inst, this.book.asks, DEPTH20_LEVELS),
      this.bookTs,
    );
  }
}
