// Loads uWebSockets.js (`@trufflesuite/uws-js-unofficial`) and refuses to run on its JS fallback.
// The package silently falls back to a `ws`-based emulation when its native binary does not load (wrong
// ABI, glibc, platform); the fallback has the same API but none of the fan-out performance, and
// `us_listen_socket_close` existing proves nothing. So we check that the native addon is really loaded.
import { createRequire } from "node:module";
import type * as Uws from "@trufflesuite/uws-js-unofficial";

export type UwsModule = typeof Uws;
export type { TemplatedApp, WebSocket as UwsSocket } from "@trufflesuite/uws-js-unofficial";

const require = createRequire(import.meta.url);
const PACKAGE = "@trufflesuite/uws-js-unofficial";

/**
 * Throws unless `mod` is the native build: its `App` is a native function and a uWS `.node` addon is in
 * the CommonJS module cache. Pure so the refusal itself can be tested with a fake module.
 */
export function assertNativeUws(mod: { App: unknown }, cacheKeys: readonly string[]): void {
  const addon = cacheKeys.find((k) => /uws_[a-z0-9]+_[a-z0-9]+_\d+\.node$/.test(k));
  const nativeApp =
    typeof mod.App === "function" && Function.prototype.toString.call(mod.App).includes("[native code]");
  if (addon && nativeApp) return;
  throw new Error(
    `uWebSockets.js native addon not loaded (${PACKAGE} fell back to its JS emulation): ` +
      `platform ${process.platform}-${process.arch}, Node ABI ${process.versions.modules}, ` +
      `addon in require.cache: ${addon ?? "none"}, App native: ${nativeApp}. ` +
      "Use Node 20/22 on x64/arm64 with glibc >= 2.28, and do not set UWS_USE_FALLBACK.",
  );
}

let loaded: UwsModule | undefined;

/** The native uWS module (loaded once); throws a clear error if only the JS fallback is available. */
export function loadNativeUws(): UwsModule {
  if (loaded) return loaded;
  const mod = require(PACKAGE) as UwsModule;
  assertNativeUws(mod, Object.keys(require.cache));
  loaded = mod;
  return mod;
}
