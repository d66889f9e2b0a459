// The web UI's files and /api/v1/ui-config (plugins/web-ui.ts): pages with a CSP, hashed assets cached
// for ever, nothing outside the built directory, the API untouched, no files in the OpenAPI document.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Harness, makeHarness } from "../helpers/harness.js";

const dir = mkdtempSync(join(tmpdir(), "perpx-web-"));
let h: Harness;

before(async () => {
  mkdirSync(join(dir, "assets"));
  mkdirSync(join(dir, "api"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>trade</title>");
  writeFileSync(join(dir, "admin.html"), "<!doctype html><title>admin</title>");
  writeFileSync(join(dir, "assets", "main-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "assets", "main-abc123.js.map"), "{}");
  writeFileSync(join(dir, "favicon.svg"), "<svg/>");
  writeFileSync(join(dir, "api", "v1.json"), "{}"); // must never shadow the API
  h = await makeHarness({ config: { webDir: dir, publicWsUrl: "wss://stream.example/ws" } });
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

test("pages at / and /admin carry a CSP; assets are immutable; maps and unknown paths are not served", async () => {
  const page = await h.app.inject("/");
  assert.equal(page.statusCode, 200);
  assert.match(page.headers["content-type"] as string, /^text\/html/);
  assert.match(page.body, /trade/);
  assert.match(page.headers["content-security-policy"] as string, /script-src 'self'/);
  assert.equal(page.headers["cache-control"], "no-cache");
  const admin = await h.app.inject("/admin");
  assert.match(admin.body, /admin/);
  const js = await h.app.inject("/assets/main-abc123.js");
  assert.equal(js.statusCode, 200);
  assert.match(js.headers["content-type"] as string, /^text\/javascript/);
  assert.match(js.headers["cache-control"] as string, /immutable/);
  assert.equal((await h.app.inject("/favicon.svg")).statusCode, 200);
  for (const p of ["/assets/main-abc123.js.map", "/index.html", "/assets/../index.html", "/nope.js"]) {
    const r = await h.app.inject(p);
    assert.notEqual(r.statusCode, 200, p);
  }
  assert.equal((await h.app.inject({ method: "POST", url: "/" })).statusCode, 405);
});

test("the API, health and docs stay where they are; the files are not API", async () => {
  assert.equal((await h.app.inject("/api/v1/v1.json")).json().error, "NOT_FOUND");
  assert.equal((await h.app.inject("/api/v1/time")).statusCode, 200);
  assert.equal((await h.app.inject("/health/live")).statusCode, 200);
  const doc = (await h.app.inject("/docs")).json() as { paths: Record<string, unknown> };
  assert.ok(doc.paths["/api/v1/ui-config"]);
  assert.ok(doc.paths["/api/v1/admin/positions/at-risk"]);
  assert.equal(doc.paths["/"], undefined);
  assert.equal(doc.paths["/assets/main-abc123.js"], undefined);
});

test("ui-config names the configured stream URL", async () => {
  const r = await h.app.inject("/api/v1/ui-config");
  assert.deepEqual(r.json(), { wsUrl: "wss://stream.example/ws", uiServed: true });
});

test("without a built UI there are no pages, and ui-config says where the stream is not", async () => {
  const bare = await makeHarness({ config: { webDir: join(dir, "missing") } });
  try {
    assert.equal((await bare.app.inject("/")).statusCode, 404);
    assert.deepEqual((await bare.app.inject("/api/v1/ui-config")).json(), { wsUrl: null, uiServed: false });
  } finally {
    await bare.close();
  }
});
