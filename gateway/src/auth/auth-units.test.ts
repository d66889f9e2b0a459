// Replay cache bounds, encrypted key persistence, admin bootstrap, HMAC known answer.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { timestampOf } from "../plugins/auth.js";
import { ensureAdminKey } from "./admin-bootstrap.js";
import { signRequest } from "./hmac.js";
import { HmacVerifier } from "./hmac-verifier.js";
import { EncryptedKeyStore } from "./key-store.js";
import { ReplayCache } from "./replay-cache.js";
import { loadMasterKey, SecretBox } from "./secret-box.js";

const dir = mkdtempSync(join(tmpdir(), "perpx-auth-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("HMAC: SPEC §8.1 string, lowercase hex, constant-time verify", () => {
  const body = `{"symbol":"BTCUSDT"}`;
  const sig = signRequest("secret", "1700000000000", "POST", "/api/v1/order", body);
  assert.match(sig, /^[0-9a-f]{64}$/);
  const buf = Buffer.from(body);
  const verifySignature = (...a: Parameters<HmacVerifier["verify"]>) => new HmacVerifier().verify(...a);
  assert.ok(verifySignature(Buffer.from("secret"), "1700000000000", "POST", "/api/v1/order", buf, sig));
  assert.ok(!verifySignature(Buffer.from("secret"), "1700000000001", "POST", "/api/v1/order", buf, sig));
  assert.ok(
    !verifySignature(Buffer.from("secret"), "1700000000000", "POST", "/api/v1/order", buf, sig.toUpperCase()),
  );
  assert.ok(
    !verifySignature(Buffer.from("secret"), "1700000000000", "POST", "/api/v1/order", buf, `${sig}00`),
  );
});

test("HmacVerifier agrees with createHmac on any key length, body and URL, and refuses near misses", () => {
  const v = new HmacVerifier();
  const bodies = ["", '{"a":1}', ` {\n\t"x" : "é€😀" } `, "x".repeat(10_000)];
  const secrets = ["s", "0123456789abcdef", "k".repeat(64), "long-".repeat(40)];
  for (const sec of secrets) {
    for (const body of bodies) {
      const key = Buffer.from(sec);
      const url = "/api/v1/order?symbol=BTCUSDT&x=ü";
      const sig = signRequest(key, "1700000000000", "POST", url, body);
      const buf = Buffer.from(body);
      assert.ok(v.verify(key, "1700000000000", "POST", url, buf, sig), `${sec.length} ${body.length}`);
      assert.equal(
        v.verify(key, "1700000000000", "POST", url, buf, sig),
        sig === signRequest(key, "1700000000000", "POST", url, body),
      );
      assert.ok(!v.verify(key, "1700000000001", "POST", url, buf, sig));
      assert.ok(!v.verify(key, "1700000000000", "PUT", url, buf, sig));
      assert.ok(!v.verify(Buffer.from(`${sec}x`), "1700000000000", "POST", url, buf, sig));
      assert.ok(!v.verify(key, "1700000000000", "POST", url, Buffer.from(`${body} `), sig));
      const flipped = sig[63] === "0" ? "1" : "0";
      assert.ok(!v.verify(key, "1700000000000", "POST", url, buf, `${sig.slice(0, 63)}${flipped}`));
      assert.ok(!v.verify(key, "1700000000000", "POST", url, buf, sig.toUpperCase()));
      assert.ok(!v.verify(key, "1700000000000", "POST", url, buf, `${sig}0`));
    }
  }
});

test("HmacVerifier agrees with createHmac on random keys (up to 3 blocks), URLs and bodies", () => {
  const v = new HmacVerifier();
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const chars = "abcXYZ019-_./?=&é€😀 ";
  const str = (len: number) => Array.from({ length: len }, () => chars[rnd(chars.length)]).join("");
  for (let i = 0; i < 2000; i++) {
    const key = Buffer.from(Array.from({ length: 1 + rnd(200) }, () => rnd(256)));
    const ts = String(1_700_000_000_000 + rnd(1e6));
    const method = ["GET", "POST", "PUT", "DELETE"][rnd(4)] as string;
    const url = `/api/v1/${str(rnd(60))}`;
    const body = Buffer.from(str(rnd(i % 100 === 0 ? 6000 : 300)));
    const sig = signRequest(key, ts, method, url, body);
    assert.ok(v.verify(key, ts, method, url, body, sig), `case ${i}`);
    const at = rnd(64);
    const other = sig[at] === "a" ? "b" : "a";
    assert.ok(!v.verify(key, ts, method, url, body, sig.slice(0, at) + other + sig.slice(at + 1)));
  }
});

test("HmacVerifier refuses signatures of another length or not lowercase hex", () => {
  const v = new HmacVerifier();
  const key = Buffer.from("0123456789abcdef");
  const body = Buffer.from("{}");
  const sig = signRequest(key, "1", "POST", "/x", body);
  assert.ok(v.verify(key, "1", "POST", "/x", body, sig));
  for (const bad of [
    "",
    sig.slice(0, 63),
    `${sig} `,
    ` ${sig.slice(1)}`,
    `${sig.slice(0, 63)}G`,
    sig.toUpperCase(),
  ]) {
    assert.ok(!v.verify(key, "1", "POST", "/x", body, bad), bad);
  }
});

test("timestampOf: 1 to 16 ASCII digits, anything else -1", () => {
  assert.equal(timestampOf("1700000000000"), 1_700_000_000_000);
  assert.equal(timestampOf("0"), 0);
  assert.equal(timestampOf("0000000000000042"), 42);
  for (const bad of ["", "soon", "17e11", "-1", "+1", " 1", "1 ", "1.5", "12345678901234567", "١٢"]) {
    assert.equal(timestampOf(bad), -1, bad);
  }
});

test("replay cache: replays refused inside the window, entries expire, full cache fails closed", () => {
  const c = new ReplayCache(60_000, 3);
  const t = 1_700_000_000_000;
  assert.equal(c.check("k", "s1", t, t), "fresh");
  assert.equal(c.check("k", "s1", t, t + 59_000), "replay");
  assert.equal(c.check("k2", "s1", t, t), "fresh");
  assert.equal(c.check("k", "s2", t, t), "fresh");
  assert.equal(c.check("k", "s3", t, t), "full");
  assert.equal(c.check("k", "s3", t + 61_000, t + 62_000), "fresh"); // the first three expired
  assert.equal(c.size, 1);
});

test("replay cache: hex signatures are remembered per key by their 52-bit prefix", () => {
  const c = new ReplayCache(60_000, 100);
  const t = 1_700_000_000_000;
  const sig = (head: string) => head.padEnd(64, "0");
  assert.equal(c.check("k", sig("0123456789abcdef"), t, t), "fresh");
  assert.equal(c.check("k", sig("0123456789abcdef"), t + 1, t + 30_000), "replay");
  assert.equal(c.check("k", sig("0123456789abc"), t, t), "replay"); // same first 13 hex digits
  assert.equal(c.check("k", sig("0123456789abd"), t, t), "fresh");
  assert.equal(c.check("other", sig("0123456789abcdef"), t, t), "fresh");
  assert.equal(c.size, 3);
  assert.equal(c.check("k", sig("0123456789abcdef"), t + 61_000, t + 62_000), "fresh");
  assert.equal(c.size, 1);
});

test("keys persist sealed with AES-256-GCM and reload; the file never holds the secret", async () => {
  const masterKey = loadMasterKey(dir, {});
  assert.equal(statSync(join(dir, "master.key")).mode & 0o777, 0o600);
  assert.deepEqual(loadMasterKey(dir, {}), masterKey);
  const file = join(dir, "api-keys.json");
  const s = new EncryptedKeyStore({ masterKey, file });
  const k = await s.create(7, false);
  const text = readFileSync(file, "utf8");
  assert.ok(!text.includes(k.apiSecret));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const again = new EncryptedKeyStore({ masterKey, file });
  assert.equal((await again.lookup(k.apiKey))?.secret.toString(), k.apiSecret);
  assert.equal((await again.list(7)).length, 1);
  assert.throws(() => new EncryptedKeyStore({ masterKey: Buffer.alloc(32, 1), file }), "wrong master key");
  assert.ok(await again.revoke(k.apiKey));
  assert.equal(await new EncryptedKeyStore({ masterKey, file }).lookup(k.apiKey), undefined);
});

test("a sealed secret is bound to its key id", () => {
  const box = new SecretBox(Buffer.alloc(32, 7));
  const sealed = box.seal("s3cr3t", "key-a");
  assert.equal(box.open(sealed, "key-a"), "s3cr3t");
  assert.throws(() => box.open(sealed, "key-b"));
});

test("admin bootstrap: from env, or generated once into a 0600 file", async () => {
  const s = new EncryptedKeyStore({ masterKey: Buffer.alloc(32, 3) });
  const env = {
    EXCHANGE_ADMIN_KEY: "admin-key-0123456789",
    EXCHANGE_ADMIN_SECRET: "admin-secret-0123456789",
  };
  await ensureAdminKey(s, dir, env);
  const e = await s.lookup(env.EXCHANGE_ADMIN_KEY);
  assert.ok(e?.admin && e.userId === 0);
  const sub = join(dir, "boot");
  const r = await ensureAdminKey(s, sub, {});
  assert.ok(r.file);
  assert.equal(statSync(r.file).mode & 0o777, 0o600);
  const created = JSON.parse(readFileSync(r.file, "utf8")) as { apiKey: string };
  assert.ok((await s.lookup(created.apiKey))?.admin);
});
