// prepareGateway: keys persisted sealed in the data dir, the first admin key written to a 0600 file,
// both surviving a restart; ids seeded above the read model's highest order id.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Op } from "@perpx/shared/commands";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { signRequest } from "../../src/auth/hmac.js";
import { prepareGateway } from "../../src/bootstrap.js";
import { makeConfig } from "../../src/config.js";
import { MemoryReadModel } from "../../src/read-model/memory-read-model.js";
import { MemoryCommandLog } from "../helpers/memory-log.js";
import { SimEngine } from "../helpers/sim-engine.js";

const dir = mkdtempSync(join(tmpdir(), "perpx-boot-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the generated admin key works, and works again after a restart", async () => {
  const config = makeConfig({ dataDir: dir, logLevel: "silent" });
  const readModel = new MemoryReadModel({ instruments: DEFAULT_INSTRUMENTS });
  const start = () => {
    const log = new MemoryCommandLog();
    const engine = new SimEngine(readModel);
    log.onAppend = engine.onAppend;
    return prepareGateway({ config, log, readModel, engine, env: {} }).then((g) => ({ ...g, log }));
  };
  const first = await start();
  assert.ok(first.adminKeyFile);
  assert.equal(statSync(first.adminKeyFile).mode & 0o777, 0o600);
  const { apiKey, apiSecret } = JSON.parse(readFileSync(first.adminKeyFile, "utf8")) as {
    apiKey: string;
    apiSecret: string;
  };
  assert.ok(!readFileSync(join(dir, "api-keys.json"), "utf8").includes(apiSecret), "secrets sealed at rest");

  const call = async (app: typeof first.app) => {
    const ts = String(Date.now());
    const body = "{}";
    return app.inject({
      method: "POST",
      url: "/api/v1/admin/users",
      headers: {
        APIKEY: apiKey,
        timestamp: ts,
        signature: signRequest(apiSecret, ts, "POST", "/api/v1/admin/users", body),
        "content-type": "application/json",
      },
      payload: body,
    });
  };
  const r1 = await call(first.app);
  assert.equal(r1.statusCode, 200, r1.body);
  await first.app.close();

  const second = await start();
  assert.equal(second.adminKeyFile, first.adminKeyFile);
  await new Promise((r) => setTimeout(r, 2)); // a new timestamp: not a replay
  const r2 = await call(second.app);
  assert.equal(r2.statusCode, 200, r2.body);
  const cmd = second.log.commands()[0];
  assert.ok(cmd?.op === Op.CREATE_USER && cmd.userId > r1.json().userId, "ids keep increasing");
  await second.app.close();
});
