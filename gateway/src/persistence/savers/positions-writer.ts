// Saver `matching_engine_saver_positions`: owns `positions`. POSITION events carry the full state after
// the command (qty 0 = closed; the row stays, with its leverage and margin type); LEVERAGE events change
// only leverage and margin type, creating a flat row when the user has never had a position there.
// POSITION rows are written before LEVERAGE rows: a POSITION event always carries the leverage in force,
// so the last LEVERAGE of a chunk is never older than the POSITION rows it overwrites.
import type { PositionedEvent } from "@perpx/engine/log/kafka/event-message";
import { BALANCE_REASON_NAMES, MARGIN_TYPE_NAMES } from "@perpx/shared/domain";
import { Ev, type LeverageEvent, type PositionEvent } from "@perpx/shared/events";
import type { PoolConnection } from "../db.js";
import { accountIdOf, positionIdOf } from "../ids.js";
import { nameOf, type Row, upsert } from "./bulk.js";
import type { TableWriter } from "./mysql-saver.js";

const COLS = [
  "user_id",
  "symbol_id",
  "position_id",
  "account_id",
  "position_side",
  "qty",
  "entry_value",
  "margin_type",
  "leverage",
  "isolated_wallet",
  "reason",
  "seq",
  "update_time",
] as const;

export function positionRow(e: PositionEvent): Row {
  return [
    e.userId,
    e.symbolId,
    positionIdOf(e.userId, e.symbolId),
    accountIdOf(e.userId),
    "BOTH",
    e.qty,
    e.entryValue,
    nameOf(MARGIN_TYPE_NAMES, e.marginType),
    e.leverage,
    e.isolatedWallet,
    nameOf(BALANCE_REASON_NAMES, e.reason),
    e.seq,
    e.ts,
  ];
}

function leverageRow(e: LeverageEvent): Row {
  return [
    e.userId,
    e.symbolId,
    positionIdOf(e.userId, e.symbolId),
    accountIdOf(e.userId),
    "BOTH",
    0,
    0,
    nameOf(MARGIN_TYPE_NAMES, e.marginType),
    e.leverage,
    0,
    null,
    e.seq,
    e.ts,
  ];
}

export const positionsWriter: TableWriter = {
  async write(conn: PoolConnection, events: readonly PositionedEvent[]): Promise<number> {
    const positions = new Map<string, Row>();
    const leverage = new Map<string, Row>();
    for (const { ev } of events) {
      if (ev.ev === Ev.POSITION) positions.set(positionIdOf(ev.userId, ev.symbolId), positionRow(ev));
      else if (ev.ev === Ev.LEVERAGE) leverage.set(positionIdOf(ev.userId, ev.symbolId), leverageRow(ev));
    }
    return (
      (await upsert(conn, "positions", COLS, [...positions.values()], COLS.slice(5))) +
      (await upsert(
        conn,
        "positions",
        COLS,
        [...leverage.values()],
        [
          "margin_type",
          "leverage",
          "seq = GREATEST(seq, VALUES(seq))",
          "update_time = GREATEST(update_time, VALUES(update_time))",
        ],
      ))
    );
  },
};
