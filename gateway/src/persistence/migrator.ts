// Versioned MySQL migrations (SPEC §11): files `NNN_name.sql` in migrations/, applied in version order,
// each recorded in `schema_migrations` (version, name, sha-256 of the file, time). Running it again
// applies only what is missing; an applied file that was edited afterwards is an error (write a new
// migration instead). MySQL DDL commits implicitly, so every migration must be re-runnable on its own
// (CREATE TABLE IF NOT EXISTS …): a run interrupted halfway is finished by the next one.
// A named lock (GET_LOCK, per database) keeps two migrators from interleaving.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type mysql from "mysql2/promise";

/** The .sql files live next to the sources (tsc does not copy them): dist/src/persistence → src/persistence. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../src/persistence/migrations/", import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) continue;
    const sql = readFileSync(`${dir.replace(/\/$/, "")}/${file}`, "utf8");
    out.push({
      version: Number(m[1]),
      name: m[2] as string,
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++)
    if ((out[i] as Migration).version === (out[i - 1] as Migration).version)
      throw new Error(`two migrations with version ${(out[i] as Migration).version}`);
  return out;
}

/**
 * Splits a SQL script into statements on `;` outside quotes, backticks and comments; comments are
 * dropped. Enough for DDL scripts (no stored procedures or DELIMITER).
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      continue;
    }
    if (c === "#") {
      while (i < sql.length && sql[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === "\\" && c !== "`") j += 2;
        else if (sql[j] === c && sql[j + 1] === c)
          j += 2; // doubled quote
        else if (sql[j] === c) break;
        else j++;
      }
      cur += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ";") {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const label = (m: Migration) => `${String(m.version).padStart(3, "0")}_${m.name}`;

export interface MigrateResult {
  applied: number[];
  current: number;
}

type Conn = Pick<mysql.Connection, "query">;

async function appliedVersions(conn: Conn): Promise<Map<number, string>> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INT UNSIGNED NOT NULL PRIMARY KEY,
       name VARCHAR(128) NOT NULL,
       checksum CHAR(64) NOT NULL,
       applied_at BIGINT NOT NULL COMMENT 'ms'
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  );
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT version, checksum FROM schema_migrations");
  return new Map(rows.map((r) => [Number(r.version), String(r.checksum)]));
}

/** Applies every migration not applied yet, in order. Needs a single connection (the lock is per session). */
export async function migrate(
  conn: Conn,
  opts: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const migrations = loadMigrations(opts.dir);
  const [[db]] = await conn.query<mysql.RowDataPacket[]>("SELECT DATABASE() AS db");
  if (!db?.db) throw new Error("no database selected: put one in the MySQL URL");
  const lock = `perpx_migrate:${String(db.db)}`.slice(0, 64);
  const [[got]] = await conn.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, 30) AS ok", [lock]);
  if (Number(got?.ok) !== 1) throw new Error(`could not take the migration lock ${lock} within 30 s`);
  try {
    const done = await appliedVersions(conn);
    const applied: number[] = [];
    for (const m of migrations) {
      const sum = done.get(m.version);
      if (sum !== undefined) {
        if (sum !== m.checksum)
          throw new Error(`migration ${label(m)} was changed after it was applied (checksum differs)`);
        continue;
      }
      for (const stmt of splitStatements(m.sql)) await conn.query(stmt);
      await conn.query(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
        [m.version, m.name, m.checksum, Date.now()],
      );
      applied.push(m.version);
      opts.log?.(`applied ${label(m)}`);
    }
    const current = Math.max(0, ...done.keys(), ...applied);
    return { applied, current };
  } finally {
    await conn.query("SELECT RELEASE_LOCK(?)", [lock]);
  }
}

export interface MigrationStatus {
  version: number;
  name: string;
  state: "applied" | "pending" | "changed";
}

export async function migrationStatus(conn: Conn, dir?: string): Promise<MigrationStatus[]> {
  const done = await appliedVersions(conn);
  return loadMigrations(dir).map((m) => {
    const sum = done.get(m.version);
    const state = sum === undefined ? "pending" : sum === m.checksum ? "applied" : "changed";
    return { version: m.version, name: m.name, state };
  });
}
