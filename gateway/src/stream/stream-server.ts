// The WebSocket stream server (SPEC §9) on uWebSockets.js: one endpoint `/ws`, public channels as uWS
// topics (each update encoded once, `app.publish` fans it out in C++), the private `user` channel as one
// topic per user. Slow consumers: a sweep every backpressureCheckMs closes (4001) any socket whose
// unread backlog passed maxBufferedBytes; uWS's own hard cap (hardBackpressureBytes, with
// closeOnBackpressureLimit) is the safety net, so memory per client stays bounded and no client ever
// silently misses a diff.
import type { Instrument } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { type FeedStats, MarketFeed, type Publisher } from "./market-feed.js";
import { newSession, type Session, SessionProtocol, type SessionStats } from "./session.js";
import type { StreamAuth } from "./stream-auth.js";
import { CLOSE_CODES, CLOSE_REASONS } from "./stream-errors.js";
import { resolveStreamLimits, type StreamLimits } from "./stream-limits.js";
import type { StreamSource } from "./stream-source.js";
import { loadNativeUws, type UwsSocket } from "./uws.js";

export interface StreamServerOptions {
  /** default 127.0.0.1 (loopback); env HOST */
  host?: string;
  /** 0 picks a free port; env WS_PORT (8081) */
  port: number;
  instruments: readonly Instrument[];
  auth: StreamAuth;
  source: StreamSource;
  limits?: Partial<StreamLimits>;
  /** clock for auth windows, rate limits and the ticker window (ms); default Date.now */
  now?: () => number;
  /** where failures worth an operator's look go; default console.error */
  log?: (msg: string, detail?: unknown) => void;
}

export interface StreamStats extends FeedStats, SessionStats {
  connections: number;
  /** exceptions caught in socket handlers or batch processing (a bug: logged, the server goes on) */
  handlerErrors: number;
  /** largest unread backlog seen by the last sweep (bytes) */
  maxBufferedBytes: number;
}

export interface StreamServer {
  readonly port: number;
  readonly limits: StreamLimits;
  stats(): StreamStats;
  /** Stops listening, closes every connection with 1001 and detaches from the source. */
  close(): Promise<void>;
}

export async function startStreamServer(opts: StreamServerOptions): Promise<StreamServer> {
  const uws = loadNativeUws();
  const limits = resolveStreamLimits(opts.limits);
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((msg: string, detail?: unknown) => console.error(`[stream] ${msg}`, detail ?? ""));
  const app = uws.App();
  const sockets = new Set<UwsSocket<Session>>();
  const publisher: Publisher = {
    publish: (topic, message) => {
      app.publish(topic, message, false);
    },
    subscribers: (topic) => app.numSubscribers(topic),
  };
  const feed = new MarketFeed(opts.instruments, opts.source, publisher, limits.snapshotLevels, (err, ev) =>
    log("event skipped", { err: String(err), ev: ev.ev, seq: ev.seq }),
  );
  const sessionStats: SessionStats = {
    authenticated: 0,
    errorsSent: 0,
    authOk: 0,
    authFailed: 0,
    closes: { GOING_AWAY: 0, SLOW_CONSUMER: 0, TOO_MANY_ERRORS: 0, AUTH_FAILED: 0 },
  };
  const protocol = new SessionProtocol(feed, opts.auth, limits, now, sessionStats);
  let nextId = 1;
  let maxBuffered = 0;
  let handlerErrors = 0;
  const caught = (where: string, err: unknown) => {
    handlerErrors++;
    log(`${where} failed`, err instanceof Error ? err.stack : String(err));
  };

  app.ws<Session>("/ws", {
    maxPayloadLength: limits.maxPayloadBytes,
    maxBackpressure: limits.hardBackpressureBytes,
    closeOnBackpressureLimit: 1,
    idleTimeout: limits.idleTimeoutSec,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      if (sockets.size >= limits.maxConnections) {
        res.writeStatus("503 Service Unavailable").end("too many connections");
        return;
      }
      res.upgrade<Session>(
        newSession(nextId++, limits, now()),
        req.getHeader("sec-websocket-key"),
        req.getHeader("sec-websocket-protocol"),
        req.getHeader("sec-websocket-extensions"),
        context,
      );
    },
    open: (ws) => {
      sockets.add(ws);
    },
    message: (ws, data, isBinary) => {
      try {
        protocol.onMessage(ws, ws.getUserData(), data, isBinary);
      } catch (err) {
        caught("message handler", err);
      }
    },
    close: (ws) => {
      const s = ws.getUserData();
      s.closed = true;
      if (s.userId !== null) sessionStats.authenticated--;
      sockets.delete(ws);
    },
  });
  app.any("/*", (res) => {
    res.writeStatus("404 Not Found").end("WebSocket endpoint is /ws");
  });

  const onBatch = (events: readonly EngineEvent[]) => {
    try {
      feed.onBatch(events);
    } catch (err) {
      caught("event batch", err);
    }
  };
  const detach = opts.source.onEvents(onBatch);

  const sweep = () => {
    let max = 0;
    for (const ws of sockets) {
      const s = ws.getUserData();
      if (s.closed) continue;
      const b = ws.getBufferedAmount();
      if (b > max) max = b;
      if (b > limits.maxBufferedBytes) protocol.close(ws, s, "SLOW_CONSUMER");
    }
    maxBuffered = max;
  };
  const sweepTimer = setInterval(sweep, limits.backpressureCheckMs);
  let lastTicker = 0;
  const throttleTimer = setInterval(() => {
    const t = now();
    const tickerDue = t - lastTicker >= limits.tickerIntervalMs;
    if (tickerDue) lastTicker = t;
    feed.tick(t, tickerDue);
  }, limits.depth20IntervalMs);

  const host = opts.host ?? "127.0.0.1";
  const listenSocket = await new Promise<NonNullable<Parameters<Parameters<typeof app.listen>[2]>[0]>>(
    (resolve, reject) => {
      app.listen(host, opts.port, (ls) => {
        if (ls) resolve(ls);
        else reject(new Error(`stream server cannot listen on ${host}:${opts.port}`));
      });
    },
  );
  const port = uws.us_socket_local_port(listenSocket);
  let closed = false;

  return {
    port,
    limits,
    stats: () => ({
      ...feed.stats,
      ...sessionStats,
      closes: { ...sessionStats.closes },
      connections: sockets.size,
      handlerErrors,
      maxBufferedBytes: maxBuffered,
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      detach();
      clearInterval(sweepTimer);
      clearInterval(throttleTimer);
      uws.us_listen_socket_close(listenSocket);
      for (const ws of [...sockets]) {
        const s = ws.getUserData();
        if (!s.closed) {
          sessionStats.closes.GOING_AWAY++;
          ws.end(CLOSE_CODES.GOING_AWAY, CLOSE_REASONS.GOING_AWAY);
        }
      }
      // let the close frames leave before the sockets are torn down
      await new Promise((r) => setTimeout(r, 20));
      // App.close() (uWS ≥ 20.30, not in the bundled typings) tears down every remaining socket
      (app as typeof app & { close?: () => void }).close?.();
    },
  };
}
