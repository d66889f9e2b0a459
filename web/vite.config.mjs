// Vite builds the two pages (index.html: trading, admin.html: admin) into web/dist, which the gateway
// serves at / and /admin (gateway/src/plugins/web-ui.ts). Type checking is `tsc -b` at the root
// (web/tsconfig.json); Vite only transpiles. `npm run dev -w @perpx/web` proxies /api to a running
// exchange on :8080 for UI work with hot reload.
import { resolve } from "node:path";
import { defineConfig } from "vite";

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // lightweight-charts alone is ~170 KiB minified
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      input: { index: resolve(root, "index.html"), admin: resolve(root, "admin.html") },
    },
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
