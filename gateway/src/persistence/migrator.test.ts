import assert from "node:assert/strict";
import { test } from "node:test";
import { loadMigrations, splitStatements } from "./migrator.js";

test("statements split on ; outside quotes and comments", () => {
  const sql = `-- header; not a statement
CREATE TABLE a (x INT COMMENT 'it''s; fine') ;
/* block; comment */ INSERT INTO a VALUES (1);# trailing; comment
SELECT "a;b", \`c;d\``;
  assert.deepEqual(splitStatements(sql), [
    "CREATE TABLE a (x INT COMMENT 'it''s; fine')",
    "INSERT INTO a VALUES (1)",
    'SELECT "a;b", `c;d`',
  ]);
});

test("001_init has the SPEC §11 tables and only portable statements", () => {
  const [m] = loadMigrations();
  assert.equal(m?.version, 1);
  const stmts = splitStatements(m?.sql ?? "");
  assert.equal(stmts.length, 12);
  assert.ok(stmts.every((s) => s.startsWith("CREATE TABLE IF NOT EXISTS")));
  // VALUES() upserts and these types are accepted by MariaDB 10.11 and MySQL 8; no JSON operators,
  // no generated columns, no CHECK constraints that MySQL 8.0.16- would ignore
  assert.ok(!/\bGENERATED\b|\bCHECK\b|->>/i.test(m?.sql ?? ""));
});
