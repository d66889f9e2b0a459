// The first admin key (SPEC §8.1, embedded mode): from EXCHANGE_ADMIN_KEY / EXCHANGE_ADMIN_SECRET when
// set, otherwise generated once and written to a 0600 file in the data dir; only the path is printed.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyStore } from "./key-store.js";

/** userId of the exchange operator: admin keys not tied to a trading account */
export const ADMIN_USER_ID = 0;

export async function ensureAdminKey(
  keys: KeyStore,
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ apiKey: string; file?: string }> {
  const apiKey = env.EXCHANGE_ADMIN_KEY;
  const apiSecret = env.EXCHANGE_ADMIN_SECRET;
  if (apiKey && apiSecret) {
    const have = await keys.lookup(apiKey);
    if (!have || have.secret.toString("utf8") !== apiSecret) {
      if (have) await keys.revoke(apiKey);
      await keys.create(ADMIN_USER_ID, true, { apiKey, apiSecret });
    }
    return { apiKey };
  }
  const file = join(dataDir, "admin-key.json");
  if (existsSync(file)) return { apiKey: "(see file)", file };
  const created = await keys.create(ADMIN_USER_ID, true);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    file,
    `${JSON.stringify({ apiKey: created.apiKey, apiSecret: created.apiSecret }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  return { apiKey: created.apiKey, file };
}
