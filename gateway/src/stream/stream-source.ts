// What the stream server consumes: ordered engine event batches and depth snapshots that fall on batch
// boundaries. Embedded mode: the engine's in-process event feed. Distributed mode: Redis pub/sub + Kafka
// (`orderbook_output`, `matching_engine_output`, `ticker_engine_output`) behind the same interface, with
// the source keeping its own L2 mirror (l2-book.ts) so snapshots stay synchronous and on boundaries.
import type { EngineEvent } from "@perpx/shared/events";

/** A book at a batch boundary, engine units (price ticks, qty lots), best level first on each side. */
export interface DepthSnapshot {
  /** the last book update id applied (0 for a book that never changed) */
  lastUpdateId: number;
  bids: [price: number, qty: number][];
  asks: [price: number, qty: number][];
}

export interface StreamSource {
  /**
   * Registers the consumer of event batches; returns a function that unregisters it. Batches arrive in
   * engine order, each once, never concurrently (a callback returns before the next batch is delivered),
   * and the consumer processes a batch synchronously inside the callback.
   */
  onEvents(cb: (events: readonly EngineEvent[]) => void): () => void;
  /**
   * The symbol's book with every BOOK event of every batch already passed to `onEvents` applied and
   * nothing later — also while a callback runs (then it includes that batch). `limit` is the number of
   * levels per side (`Infinity` = all). Undefined for a symbol the source does not know.
   */
  depthSnapshot(symbolId: number, limit: number): DepthSnapshot | undefined;
}
