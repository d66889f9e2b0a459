// The MySQL side of one saver (SPEC §11): one transaction per chunk holds the rows AND the saver's
// cursor in applied_sequences, so a chunk is either saved with its cursor or not at all. The cursor is
// read with FOR UPDATE inside the transaction: events at or before it are skipped (a redelivery, a group
// reset, an engine that re-published), which makes every saver idempotent on event positions.

import { freshEvents, type PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import type { OutputTopic } from "@perpx/engine/log/kafka/topics";
import type { RowDataPacket } from "mysql2/promise";
import { int, isConnectionError, type Pool, type PoolConnection } from "../db.js";
import type { EventSink } from "../output-consumer.js";

/** Turns events into rows of the tables one saver owns, inside the caller's transaction. */
export interface TableWriter {
  /** Writes the rows of these (new, in-order) events; returns the number of rows written. */
  write(conn: PoolConnection, events: readonly PositionedEvent[]): Promise<number>;
}

export interface SaverStats {
  transactions: number;
  rows: number;
  skippedEvents: number;
}

export class MysqlSaver implements EventSink {
  readonly stats: SaverStats = { transactions: 0, rows: 0, skippedEvents: 0 };
  /** the cursor row is known to exist (reset on any failure: its insert may have been rolled back) */
  private cursorEnsured = false;

  /** `pool` may be a getter so an operator (or a test) can point the saver at another server. */
  constructor(
    private readonly pool: Pool | (() => Pool),
    private readonly consumer: string,
    private readonly writer: TableWriter,
  ) {}

  async apply(_topic: OutputTopic, events: readonly PositionedEvent[]): Promise<void> {
    const pool = typeof this.pool === "function" ? this.pool() : this.pool;
    const conn = await pool.getConnection();
    let broken = false;
    try {
      await conn.beginTransaction();
      const cursor = await this.lockCursor(conn);
      const fresh = freshEvents(events, cursor);
      this.stats.skippedEvents += events.length - fresh.length;
      const last = fresh[fresh.length - 1];
      if (last) {
        this.stats.rows += await this.writer.write(conn, fresh);
        await conn.query(
          "UPDATE applied_sequences SET last_seq = ?, last_idx = ?, update_time = ? WHERE consumer = ?",
          [last.seq, last.idx, Date.now(), this.consumer],
        );
      }
      await conn.commit();
      this.stats.transactions++;
    } catch (e) {
      this.cursorEnsured = false;
      broken = isConnectionError(e);
      if (!broken) await conn.rollback().catch(() => undefined);
      throw e;
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  }

  /**
   * The saver's cursor, locked for this transaction (created at (0, -1) the first time). The row is
   * inserted if missing BEFORE it is locked: a SELECT … FOR UPDATE on a missing row takes a gap lock,
   * and several savers inserting into that gap at once deadlock (seen on every cold start).
   */
  private async lockCursor(conn: PoolConnection): Promise<{ seq: number; idx: number }> {
    if (!this.cursorEnsured) {
      await conn.query(
        "INSERT IGNORE INTO applied_sequences (consumer, last_seq, last_idx, update_time) VALUES (?, 0, -1, ?)",
        [this.consumer, Date.now()],
      );
      this.cursorEnsured = true;
    }
    const [rows] = await conn.query<RowDataPacket[]>(
      "SELECT last_seq, last_idx FROM applied_sequences WHERE consumer = ? FOR UPDATE",
      [this.consumer],
    );
    const r = rows[0];
    if (!r) throw new Error(`no applied_sequences row for ${this.consumer}`);
    return { seq: int(r.last_seq), idx: int(r.last_idx) };
  }
}

/** The cursor of a consumer as stored (tests, ops). */
export async function readCursor(
  pool: Pool,
  consumer: string,
): Promise<{ seq: number; idx: number } | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT last_seq, last_idx FROM applied_sequences WHERE consumer = ?",
    [consumer],
  );
  const r = rows[0];
  return r ? { seq: int(r.last_seq), idx: int(r.last_idx) } : undefined;
}
