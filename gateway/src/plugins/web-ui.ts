// The browser UI (web/, docs/ui.md): the files Vite built into config.webDir, served as they are at
// exact paths (no wildcard, so nothing can reach outside the directory and /api, /health, /metrics and
// /docs are never shadowed), plus GET /api/v1/ui-config, which tells the page where the stream is.
// Files are read once at boot (a few hundred KiB): a rebuilt UI is served after a restart.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayConfig } from "../config.js";
import "./request-context.js";

/** What the UI needs from the launcher: the stream port is only known once the stream listens. */
export interface WebUiDeps {
  /** the WebSocket stream's port, undefined when there is no stream server */
  streamPort: () => number | undefined;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Paths the UI must never take over. */
const RESERVED = /^\/(api|health|metrics|docs)(\/|$)/;
/** Upper bound on what is held in memory, bytes (the built UI is ~200 KiB). */
const MAX_TOTAL_BYTES = 20 * 1024 * 1024; // 20 MiB

/**
 * Pages: the trading page at /, the admin pages at /admin. The UI holds API secrets in sessionStorage,
 * so the pages get a strict CSP: scripts only from here, connections only here and to the stream.
 */
const PAGES: Record<string, string> = { "/": "index.html", "/admin": "admin.html" };
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // lightweight-charts sizes its canvases through style attributes
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

interface StaticFile {
  body: Buffer;
  type: string;
  /** content-hashed by Vite: cache for ever */
  immutable: boolean;
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

/** url path → file, for every servable file under `dir` (undefined when the UI is not built). */
export function loadWebFiles(dir: string): Map<string, StaticFile> | undefined {
  if (!dir || !existsSync(join(dir, "index.html"))) return undefined;
  const files = new Map<string, StaticFile>();
  let total = 0;
  for (const path of listFiles(dir)) {
    const url = `/${relative(dir, path).split(sep).join("/")}`;
    const type = TYPES[extname(path)];
    if (!type || RESERVED.test(url) || url.endsWith(".map")) continue;
    const body = readFileSync(path);
    total += body.length;
    if (total > MAX_TOTAL_BYTES) throw new Error(`web UI in ${dir} is larger than ${MAX_TOTAL_BYTES} bytes`);
    files.set(url, { body, type, immutable: url.startsWith("/assets/") });
  }
  return files;
}

/** ws(s)://<host the page was loaded from>:<stream port>/ws, unless configured (PUBLIC_WS_URL). */
export function wsUrlFor(
  req: FastifyRequest,
  config: GatewayConfig,
  port: number | undefined,
): string | null {
  if (config.publicWsUrl) return config.publicWsUrl;
  if (port === undefined) return null;
  let host = config.host;
  try {
    host = new URL(`http://${req.host}`).hostname || host;
  } catch {
    // a Host header that is not a host: keep the configured one
  }
  return `${req.protocol === "https" ? "wss" : "ws"}://${host}:${port}/ws`;
}

export function webUiRoutes(config: GatewayConfig, deps: WebUiDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const files = loadWebFiles(config.webDir);
    if (!files && config.webDir)
      app.log.warn({ webDir: config.webDir }, "web UI not built: `make build-web`");

    app.get(
      "/api/v1/ui-config",
      {
        schema: {
          summary: "Where the web UI finds the WebSocket stream",
          tags: ["ui"],
          response: {
            200: {
              type: "object",
              properties: { wsUrl: { type: ["string", "null"] }, uiServed: { type: "boolean" } },
            },
          },
        },
      },
      async (req) => ({ wsUrl: wsUrlFor(req, config, deps.streamPort()), uiServed: files !== undefined }),
    );
    if (!files) return;

    const send = (f: StaticFile, page: boolean) => async (_req: FastifyRequest, reply: FastifyReply) => {
      reply
        .type(f.type)
        .header("x-content-type-options", "nosniff")
        .header("cache-control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
      if (page) reply.header("content-security-policy", CSP).header("referrer-policy", "no-referrer");
      return reply.send(f.body);
    };
    // hidden from the OpenAPI document: these are files, not API
    const opts = { schema: { hide: true } };
    for (const [url, page] of Object.entries(PAGES)) {
      const f = files.get(`/${page}`);
      if (f) app.get(url, opts, send(f, true));
    }
    for (const [url, f] of files) if (!url.endsWith(".html")) app.get(url, opts, send(f, false));
  };
}
