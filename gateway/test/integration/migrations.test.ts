// The migrator on the real MariaDB/MySQL (SPEC §11): a fresh database gets every table of 001_init,
// a second run applies nothing, an edited migration is refused, a new file is applied on top.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { RowDataPacket } from "mysql2/promise";
import {
  createDbPool,
  dropDatabase,
  ensureDatabase,
  mysqlUrlFromEnv,
  type Pool,
  type PoolConnection,
} from "../../src/persistence/db.js";
import { MIGRATIONS_DIR, migrate, migrationStatus } from "../../src/persistence/migrator.js";
import { urlWithDb } from "./read-side-env.js";

const url = urlWithDb(mysqlUrlFromEnv(), `perpx_it_mig_${randomBytes(4).toString("hex")}`);
let pool: Pool;
let conn: PoolConnection;
const dir = mkdtempSync(join(tmpdir(), "perpx-mig-"));

before(async () => {
  await ensureDatabase(url);
  pool = createDbPool(url);
  conn = await pool.getConnection();
});

after(async () => {
  conn?.release();
  await pool?.end();
  await dropDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

test("a fresh database gets every table; running again applies nothing", async () => {
  const first = await migrate(conn);
  assert.deepEqual(first, { applied: [1], current: 1 });
  const [tables] = await conn.query<RowDataPacket[]>("SHOW TABLES");
  const names = tables.map((r) => String(Object.values(r)[0])).sort();
  assert.deepEqual(names, [
    "accounts",
    "api_keys",
    "applied_sequences",
    "funding_histories",
    "funding_rates",
    "instruments",
    "insurance_fund_histories",
    "orders",
    "positions",
    "schema_migrations",
    "trades",
    "transactions",
    "users",
  ]);
  assert.deepEqual(await migrate(conn), { applied: [], current: 1 });
  // money columns are exact integers
  const [cols] = await conn.query<RowDataPacket[]>(
    "SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'trades' AND COLUMN_NAME IN ('price', 'quote', 'buy_fee')",
  );
  assert.deepEqual(
    cols.map((c) => String(c.t).toLowerCase()),
    ["bigint", "bigint", "bigint"],
  );
});

test("an applied migration that was edited is refused; a new one is applied on top", async () => {
  copyFileSync(join(MIGRATIONS_DIR, "001_init.sql"), join(dir, "001_init.sql"));
  writeFileSync(
    join(dir, "002_probe.sql"),
    "CREATE TABLE IF NOT EXISTS probe (id INT PRIMARY KEY); -- a comment; with a semicolon\n",
  );
  assert.deepEqual(await migrate(conn, { dir }), { applied: [2], current: 2 });
  assert.deepEqual(
    (await migrationStatus(conn, dir)).map((s) => s.state),
    ["applied", "applied"],
  );
  writeFileSync(join(dir, "002_probe.sql"), "CREATE TABLE IF NOT EXISTS probe (id BIGINT PRIMARY KEY);\n");
  await assert.rejects(migrate(conn, { dir }), /002_probe was changed after it was applied/);
  assert.equal((await migrationStatus(conn, dir))[1]?.state, "changed");
});
