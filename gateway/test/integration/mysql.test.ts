// Proves the real MariaDB/MySQL is reached (SPEC §11): create a table, insert, read back.
// Uses its own throw-away database so parallel runs and a developer's data never collide.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import mysql from "mysql2/promise";

const url = process.env.MYSQL_URL ?? "mysql://perpx:perpx@127.0.0.1:3306/perpx";
const dbName = `perpx_it_${randomBytes(4).toString("hex")}`;
let conn: mysql.Connection;

before(async () => {
  const u = new URL(url);
  u.pathname = "/";
  try {
    conn = await mysql.createConnection({
      uri: u.toString(),
      connectTimeout: 5000,
      multipleStatements: false,
    });
  } catch (e) {
    throw new Error(
      `MySQL not reachable at ${u.host} (${(e as Error).message}); run \`make up\` or set MYSQL_URL`,
    );
  }
  await conn.query(`CREATE DATABASE \`${dbName}\``);
  await conn.query(`USE \`${dbName}\``);
});

after(async () => {
  if (!conn) return;
  await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  await conn.end();
});

test("mysql2 creates a table, inserts and reads back exact integers", async () => {
  await conn.query(
    "CREATE TABLE probe (id BIGINT UNSIGNED PRIMARY KEY, amount BIGINT NOT NULL, note VARCHAR(32)) ENGINE=InnoDB",
  );
  // 2^53 − 1 micro-USDT must round-trip exactly (money is integer, SPEC §2)
  await conn.execute("INSERT INTO probe (id, amount, note) VALUES (?, ?, ?), (?, ?, ?)", [
    1,
    "9007199254740991",
    "max-safe",
    2,
    "-25000000",
    "neg",
  ]);
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT id, CAST(amount AS CHAR) AS amount, note FROM probe ORDER BY id",
  );
  assert.deepEqual(
    rows.map((r) => [Number(r.id), r.amount, r.note]),
    [
      [1, "9007199254740991", "max-safe"],
      [2, "-25000000", "neg"],
    ],
  );
  const [v] = await conn.query<mysql.RowDataPacket[]>("SELECT VERSION() AS v");
  assert.match(String(v[0]?.v), /\d+\.\d+/);
});
