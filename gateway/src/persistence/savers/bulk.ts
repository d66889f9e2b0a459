// Multi-row INSERT … ON DUPLICATE KEY UPDATE in slices (SPEC §11; platform notes: 500–1000 rows per
// statement is where mysql2 peaks). `VALUES(col)` in the update clause is understood by MariaDB 10.11
// and MySQL 8 (deprecated but supported there; the `AS new` alias form is MySQL-only).
import type { PoolConnection } from "../db.js";

export const ROWS_PER_STATEMENT = 1000;

export type Row = (string | number | null)[];

/**
 * Inserts rows; on a duplicate key, `update` columns take the new values (an entry containing "=" is
 * used as written, e.g. "seq = GREATEST(seq, VALUES(seq))"), or, when `update` is empty, the existing
 * row is kept (insert-once rows such as trades and transactions).
 */
export async function upsert(
  conn: PoolConnection,
  table: string,
  cols: readonly string[],
  rows: readonly Row[],
  update: readonly string[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const set = update.length
    ? update.map((c) => (c.includes("=") ? c : `${c} = VALUES(${c})`)).join(", ")
    : `${cols[0]} = ${cols[0]}`;
  const sql = `INSERT INTO ${table} (${cols.join(", ")}) VALUES ? ON DUPLICATE KEY UPDATE ${set}`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await conn.query(sql, [rows.slice(i, i + ROWS_PER_STATEMENT)]);
  }
  return rows.length;
}

/** Name of an enum value ("UNKNOWN" for a value this build does not know: a newer engine). */
export function nameOf(table: readonly string[], v: number): string {
  return table[v] ?? "UNKNOWN";
}

export const bool = (b: boolean): number => (b ? 1 : 0);
