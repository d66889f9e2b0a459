#!/usr/bin/env node
// Applies the MySQL migrations of gateway/src/persistence/migrations in order (SPEC §11). Needs `make build`.
//   node scripts/migrate.mjs            create the database if missing, apply what is pending
//   node scripts/migrate.mjs status     list migrations: applied | pending | changed
// Env: MYSQL_URL (mysql://perpx:perpx@127.0.0.1:3306/perpx).
import { createDbPool, ensureDatabase, mysqlUrlFromEnv } from "../gateway/dist/src/persistence/db.js";
import { migrate, migrationStatus } from "../gateway/dist/src/persistence/migrator.js";

const url = mysqlUrlFromEnv();
const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
const pool = createDbPool(url, { connectionLimit: 1 });
try {
  if (process.argv[2] === "status") {
    const conn = await pool.getConnection();
    for (const s of await migrationStatus(conn))
      console.log(`${String(s.version).padStart(3, "0")}_${s.name}  ${s.state}`);
    conn.release();
  } else {
    await ensureDatabase(url);
    const conn = await pool.getConnection();
    const r = await migrate(conn, { log: (l) => console.log(l) });
    conn.release();
    console.log(`${safe}: schema version ${r.current} (${r.applied.length} applied now)`);
  }
} catch (e) {
  console.error(`migrate: ${e.message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
