import assert from "node:assert/strict";
import { test } from "node:test";
import { assertNativeUws, loadNativeUws } from "./uws.js";

test("the native uWS addon loads on this machine", () => {
  const uws = loadNativeUws();
  assert.equal(typeof uws.App, "function");
  assert.ok(String(uws.App).includes("[native code]"));
});

test("the JS fallback is refused loudly", () => {
  const fallback = { App: () => ({}) };
  assert.throws(() => assertNativeUws(fallback, ["/x/node_modules/ws/index.js"]), /native addon not loaded/);
  // a native-looking App without the addon in the cache is refused too, and vice versa
  assert.throws(() => assertNativeUws({ App: Math.max }, []), /addon in require.cache: none/);
  assert.throws(() => assertNativeUws(fallback, ["/n/binaries/uws_linux_x64_115.node"]), /App native: false/);
  assertNativeUws({ App: Math.max }, ["/n/binaries/uws_linux_x64_115.node"]);
});
