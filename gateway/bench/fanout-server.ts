// The server side of the fan-out benchmark, run in a child process (one core for the server, one for
// the clients). Two variants fed by the same MarketFeed code, so each diff is encoded once in both:
//   uws  our startStreamServer (uWS topics, app.publish)
//   ws   the `ws` package with the usual broadcast send loop (the diff converted to a Buffer once,
//        then client.send() per subscriber)
// The producer offers `rate` one-symbol diffs per second (see produce) and holds back while any client's
// backlog is above BACKLOG bytes, so nobody is ever dropped.
// IPC: parent sends {cmd:"mem"|"go"|"mark"|"stop", rate?}; child answers with measurements.
import type { BookEvent } from "@perpx/shared/events";
import { Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import WebSocket, { WebSocketServer } from "ws";
import { MarketFeed, type Publisher } from "../src/stream/market-feed.js";
import { MemoryStreamSource } from "../src/stream/memory-source.js";
import { startStreamServer } from "../src/stream/stream-server.js";

const BACKLOG = 256 * 1024; // bytes: pause producing while any client has more unread
const MAX_BURST = 64; // diffs per producer turn
const noAuth = { verifyApiKey: async () => null, verifyJwt: async () => null };

export type ChildMsg =
  | { type: "ready"; port: number }
  | { type: "mem"; rss: number; heapUsed: number; external: number }
  | { type: "mark"; cpuUs: number; published: number; turns: number; atMs: number };

/** One-symbol diffs: 1–4 levels near the top of a random-walking book, ids chained. */
function diffMaker(): () => BookEvent {
  let u = 0;
  let seed = 12345;
  let mid = 500_000;
  const r = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  return () => {
    u++;
    mid += Math.round((r() - 0.5) * 2);
    const bids: [number, number][] = [];
    const asks: [number, number][] = [];
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const off = 1 + Math.floor(r() * 20);
      const qty = r() < 0.2 ? 0 : 1 + Math.floor(r() * 5000);
      if (r() < 0.5) bids.push([mid - off, qty]);
      else asks.push([mid + off, qty]);
    }
    return {
      ev: Ev.BOOK,
      seq: u,
      ts: 1_700_000_000_000 + u,
      symbolId: 1,
      firstUpdateId: u,
      lastUpdateId: u,
      prevUpdateId: u - 1,
      bids,
      asks,
    };
  };
}

export async function runChild(kind: "uws" | "ws"): Promise<void> {
  const send = (m: ChildMsg) => process.send?.(m);
  const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
  const next = diffMaker();
  // a few hundred levels so snapshots look real
  for (let i = 0; i < 200; i++) source.push([next()]);
  let backlog: () => number;
  let port: number;
  let published: () => number;
  if (kind === "uws") {
    const server = await startStreamServer({
      port: 0,
      instruments: DEFAULT_INSTRUMENTS,
      auth: noAuth,
      source,
      limits: { backpressureCheckMs: 5, maxBufferedBytes: 4 << 20, hardBackpressureBytes: 16 << 20 },
    });
    port = server.port;
    backlog = () => server.stats().maxBufferedBytes;
    published = () => server.stats().published;
  } else {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/ws", perMessageDeflate: false });
    await new Promise((r) => wss.once("listening", r));
    const topics = new Map<string, Set<WebSocket>>();
    const publisher: Publisher = {
      publish: (topic, message) => {
        const buf = Buffer.from(message);
        for (const c of topics.get(topic) ?? [])
          if (c.readyState === WebSocket.OPEN) c.send(buf, { binary: false });
      },
      subscribers: (topic) => topics.get(topic)?.size ?? 0,
    };
    const feed = new MarketFeed(DEFAULT_INSTRUMENTS, source, publisher, 5000);
    source.onEvents((evs) => feed.onBatch(evs));
    wss.on("connection", (c) => {
      c.on("message", (data) => {
        const req = JSON.parse(String(data)) as { op?: string; channels?: string[] };
        if (req.op !== "subscribe" || !req.channels) return;
        c.send(JSON.stringify({ op: "subscribe", result: "ok", channels: req.channels }));
        for (const ch of req.channels) {
          const set = topics.get(ch) ?? new Set<WebSocket>();
          topics.set(ch, set);
          set.add(c);
          if (ch === "depth:BTCUSDT") c.send(feed.feed(1)!.snapshotJson(5000));
        }
      });
      c.on("close", () => {
        for (const s of topics.values()) s.delete(c);
      });
    });
    // the same 5 ms backlog sweep the uWS server runs
    let max = 0;
    setInterval(() => {
      max = 0;
      for (const c of wss.clients) max = Math.max(max, c.bufferedAmount);
    }, 5).unref();
    port = (wss.address() as { port: number }).port;
    backlog = () => max;
    published = () => feed.stats.published;
  }
  // Paced like an engine that emits `rate` diffs/s and a source that hands over, every turn (≥ 1 ms
  // timer), all diffs that came due since the last one: a busy server gets bigger bursts per turn.
  let rate = 0;
  let t0 = 0;
  let produced = 0;
  let turns = 0;
  const produce = () => {
    if (rate === 0) return;
    turns++;
    const due = Math.floor(((performance.now() - t0) * rate) / 1000) - produced;
    if (due > 0 && backlog() < BACKLOG) {
      // at most MAX_BURST per turn: a server that falls behind stays behind (and shows it) instead of
      // queueing seconds of diffs in one turn
      const n = Math.min(due, MAX_BURST);
      for (let i = 0; i < n; i++) source.push([next()]);
      produced += n;
    }
    setTimeout(produce, 1);
  };
  let cpu = process.cpuUsage();
  process.on("message", (m: { cmd: string; rate?: number }) => {
    if (m.cmd === "mem") {
      global.gc?.();
      const u = process.memoryUsage();
      send({ type: "mem", rss: u.rss, heapUsed: u.heapUsed, external: u.external });
    } else if (m.cmd === "go") {
      const wasIdle = rate === 0;
      rate = m.rate ?? 100;
      t0 = performance.now();
      produced = 0;
      if (wasIdle) setTimeout(produce, 1);
    } else if (m.cmd === "mark") {
      const d = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      send({ type: "mark", cpuUs: d.user + d.system, published: published(), turns, atMs: Date.now() });
    } else if (m.cmd === "stop") {
      process.exit(0);
    }
  });
  send({ type: "ready", port });
}
