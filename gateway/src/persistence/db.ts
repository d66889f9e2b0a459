// MySQL connections of the read side (SPEC §11): writes go to the master (MYSQL_URL), history reads to
// the report replica (MYSQL_REPORT_URL, default = MYSQL_URL). BIGINT columns come back as decimal
// strings (never a lossy double) and are turned into safe integers by `int()` below.
import mysql from "mysql2/promise";

export type Pool = mysql.Pool;
export type PoolConnection = mysql.PoolConnection;
export type Queryable = Pick<mysql.Pool, "query">;

export const DEFAULT_MYSQL_URL = "mysql://perpx:perpx@127.0.0.1:3306/perpx";

export function mysqlUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.MYSQL_URL ?? DEFAULT_MYSQL_URL;
}

export function reportUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.MYSQL_REPORT_URL ?? mysqlUrlFromEnv(env);
}

export interface PoolOptions {
  /** connections in the pool (default 4) */
  connectionLimit?: number;
  /** TCP connect timeout, ms (default 3000) */
  connectTimeoutMs?: number;
}

export function createDbPool(url: string, opts: PoolOptions = {}): Pool {
  return mysql.createPool({
    uri: url,
    connectionLimit: opts.connectionLimit ?? 4,
    connectTimeout: opts.connectTimeoutMs ?? 3000,
    supportBigNumbers: true,
    bigNumberStrings: true, // BIGINT → "9007199254740991", never a rounded double
    decimalNumbers: false,
    dateStrings: true,
    timezone: "Z",
    multipleStatements: false,
    enableKeepAlive: true,
  });
}

/** The database named in a URL. */
export function databaseOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new RangeError(`bad database name in MySQL URL: "${name}"`);
  return name;
}

/** CREATE DATABASE IF NOT EXISTS for the database of the URL (connects without a database). */
export async function ensureDatabase(url: string): Promise<void> {
  const db = databaseOf(url);
  const u = new URL(url);
  u.pathname = "/";
  const conn = await mysql.createConnection({ uri: u.toString(), connectTimeout: 3000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await conn.end();
  }
}

/** DROP DATABASE IF EXISTS (tests and benchmarks). */
export async function dropDatabase(url: string): Promise<void> {
  const db = databaseOf(url);
  const u = new URL(url);
  u.pathname = "/";
  const conn = await mysql.createConnection({ uri: u.toString(), connectTimeout: 3000 });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  } finally {
    await conn.end();
  }
}

/** A BIGINT/INT column (string or number) as a safe integer; throws rather than round. */
export function int(v: unknown): number {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${String(v)}`);
  return n;
}

/** Is this a connection-level failure (server gone, refused, timed out) rather than a bad statement? */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    (code.startsWith("ECONN") ||
      code === "PROTOCOL_CONNECTION_LOST" ||
      code === "ETIMEDOUT" ||
      code === "EPIPE" ||
      code === "ER_SERVER_SHUTDOWN" ||
      code === "PROTOCOL_SEQUENCE_TIMEOUT" ||
      code === "ER_CON_COUNT_ERROR")
  );
}
