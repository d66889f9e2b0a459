// The depth stream against a real book: a seeded random order flow (≥ 100 000 orders by default,
// 1 000 000 with PERPX_STRESS=long) over two symbols, pushed through MemoryStreamSource into the uWS
// server, followed by independent `ws` clients — some with the snapshot-on-subscribe, some with
// Binance's procedure against an out-of-band HTTP snapshot, some joining or resubscribing mid-flow.
// At the end every local book equals the engine book, every pu chained and every checksum matched;
// the trades / forceOrder / ticker streams saw every trade.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { test } from "node:test";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { priceText, qtyText } from "../../src/stream/market-wire.js";
import { MemoryStreamSource } from "../../src/stream/memory-source.js";
import { startStreamServer } from "../../src/stream/stream-server.js";
import { DepthFollower, type Snapshot } from "./depth-follower.js";
import { OrderFlow } from "./order-flow.js";
import { TestClient } from "./test-client.js";

const LONG = process.env.PERPX_STRESS === "long";
const ORDERS = LONG ? 1_000_000 : 100_000;
const SYMBOLS = DEFAULT_INSTRUMENTS.map((i) => i.symbol);
const noAuth = { verifyApiKey: async () => null, verifyJwt: async () => null };

/** The REST-style depth endpoint a Binance-procedure client fetches out of band. */
function snapshotServer(source: MemoryStreamSource): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const inst = DEFAULT_INSTRUMENTS.find((i) => i.symbol === url.searchParams.get("symbol"));
    const snap = inst && source.depthSnapshot(inst.symbolId, Number(url.searchParams.get("limit") ?? 5000));
    if (!inst || !snap) {
      res.writeHead(400).end();
      return;
    }
    const fmt = (side: [number, number][]) => side.map(([p, q]) => [priceText(inst, p), qtyText(inst, q)]);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ lastUpdateId: snap.lastUpdateId, bids: fmt(snap.bids), asks: fmt(snap.asks) }));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    ),
  );
}

async function fetchSnapshot(port: number, symbol: string): Promise<Snapshot> {
  const res = await fetch(`http://127.0.0.1:${port}/depth?symbol=${symbol}&limit=5000`);
  return (await res.json()) as Snapshot;
}

interface Follower {
  client: TestClient;
  books: Map<string, DepthFollower>;
}

/** Subscribes to depth of every symbol; "binance" followers sync from the HTTP snapshot. */
async function follow(port: number, httpPort: number, mode: "snapshot" | "binance"): Promise<Follower> {
  const client = await TestClient.connect(port);
  const books = new Map(SYMBOLS.map((s) => [`depth:${s}`, new DepthFollower(`depth:${s}`, mode)]));
  client.onMessage = (m) => {
    const f = books.get(m.channel as string);
    f?.onMessage(m);
    return f !== undefined;
  };
  const ack = await client.request({
    op: "subscribe",
    channels: [...books.keys()],
    snapshot: mode === "snapshot",
  });
  assert.equal(ack.result, "ok");
  if (mode === "binance") {
    for (const f of books.values()) {
      for (;;) {
        const snap = await fetchSnapshot(httpPort, f.channel.slice(6));
        if (!f.snapshotTooOld(snap)) {
          f.load(snap);
          break;
        }
        f.refetches++;
      }
    }
  }
  return { client, books };
}

test(
  `depth stream: ${ORDERS} orders, snapshot and Binance-procedure clients agree with the engine book`,
  { timeout: LONG ? 600_000 : 60_000 },
  async () => {
    const t0 = Date.now();
    const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
    const server = await startStreamServer({
      port: 0,
      instruments: DEFAULT_INSTRUMENTS,
      auth: noAuth,
      source,
    });
    const http = await snapshotServer(source);
    const flow = new OrderFlow(20_240_601, DEFAULT_INSTRUMENTS);
    const btc = flow.symbols[0]!;
    try {
      const followers: Follower[] = [
        await follow(server.port, http.port, "snapshot"),
        await follow(server.port, http.port, "binance"),
      ];
      const market = await TestClient.connect(server.port);
      let trades = 0;
      let forced = 0;
      let marks = 0;
      let lastTicker: Record<string, unknown> | undefined;
      let lastMark: Record<string, unknown> | undefined;
      let lastDepth20: Record<string, unknown> | undefined;
      market.onMessage = (m) => {
        if (m.channel === "trades:BTCUSDT") trades++;
        else if (m.channel === "forceOrder:BTCUSDT") forced++;
        else if (m.channel === "ticker:BTCUSDT") lastTicker = m;
        else if (m.channel === "depth20:BTCUSDT") lastDepth20 = m;
        else if (m.channel === "markPrice:BTCUSDT") {
          marks++;
          lastMark = m;
        } else return false;
        return true;
      };
      await market.request({
        op: "subscribe",
        channels: [
          "trades:BTCUSDT",
          "forceOrder:BTCUSDT",
          "ticker:BTCUSDT",
          "markPrice:BTCUSDT",
          "depth20:BTCUSDT",
        ],
      });

      const rand = (() => {
        let x = 7;
        return () => {
          x = (x * 48_271) % 2_147_483_647;
          return x / 2_147_483_647;
        };
      })();
      const joins = new Map<number, () => Promise<void>>([
        [
          Math.floor(ORDERS * 0.3),
          async () => void followers.push(await follow(server.port, http.port, "snapshot")),
        ],
        [
          Math.floor(ORDERS * 0.5),
          async () => void followers.push(await follow(server.port, http.port, "binance")),
        ],
        [
          Math.floor(ORDERS * 0.7),
          async () => {
            // resubscribing while subscribed resends a snapshot on the same, continuing stream
            const f = followers[0]!;
            await f.client.request({ op: "subscribe", channels: ["depth:BTCUSDT"] });
          },
        ],
      ]);
      let nextJoin = [...joins.keys()].sort((a, b) => a - b);
      const lag = () => {
        let worst = 0;
        for (const f of followers) {
          for (const [i, s] of flow.symbols.entries()) {
            const b = f.books.get(`depth:${SYMBOLS[i]}`)!;
            if (b.synced) worst = Math.max(worst, s.lastU - b.lastU);
          }
        }
        return worst;
      };
      while (flow.orders < ORDERS) {
        source.push(flow.nextBatch(1 + Math.floor(rand() * 32)));
        const [due, ...later] = nextJoin;
        if (due !== undefined && flow.orders >= due) {
          await joins.get(due)?.();
          nextJoin = later;
        }
        // let the clients read; keep them within ~2 000 update ids so nobody becomes a slow consumer
        await new Promise((r) => setImmediate(r));
        const stuck = Date.now() + 5_000;
        while (lag() > 2_000) {
          if (Date.now() > stuck) assert.fail(`a follower stopped advancing (lag ${lag()} update ids)`);
          await new Promise((r) => setTimeout(r, 1));
        }
      }
      const deadline = Date.now() + 10_000;
      while (lag() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const tickerDeadline = Date.now() + 3_000;
      while ((lastTicker?.n ?? 0) !== btc.trades && Date.now() < tickerDeadline)
        await new Promise((r) => setTimeout(r, 20));

      for (const [fi, f] of followers.entries()) {
        for (const [i, s] of flow.symbols.entries()) {
          const b = f.books.get(`depth:${SYMBOLS[i]}`)!;
          const what = `follower ${fi} (${b.mode}) ${b.channel}`;
          assert.equal(b.lastU, s.lastU, `${what}: caught up`);
          assert.equal(b.chainBreaks, 0, `${what}: every pu chained`);
          assert.equal(b.checksumBad, 0, `${what}: every checksum matched`);
          assert.equal(b.checksumsOk, b.applied, `${what}: checked every diff`);
          if (b.mode === "snapshot") assert.equal(b.dropped, 0, `${what}: no stale diff after a WS snapshot`);
          const engine = s.book.depth(Number.MAX_SAFE_INTEGER);
          const fmt = (side: [number, number][]) =>
            side.map(([p, q]) => [priceText(s.inst, p), qtyText(s.inst, q)]);
          assert.deepEqual(b.bids.all(), fmt(engine.bids), `${what}: bids equal the engine book`);
          assert.deepEqual(b.asks.all(), fmt(engine.asks), `${what}: asks equal the engine book`);
        }
      }
      const resubscribed = followers[0]?.books.get("depth:BTCUSDT");
      assert.ok(resubscribed && resubscribed.snapshots >= 2, "resubscribe resent a snapshot");
      assert.equal(trades, btc.trades, "every BTC trade on trades:BTCUSDT");
      assert.equal(forced, btc.forced, "every liquidation/ADL fill on forceOrder:BTCUSDT");
      assert.ok(btc.forced > 0);
      assert.equal(lastTicker?.n, btc.trades, "the 24 h ticker counts every trade");
      assert.equal(marks, btc.marks, "every mark price update");
      assert.equal(lastMark?.p, priceText(btc.inst, btc.lastMark));
      // the throttled top-20 ends on the final book
      const d20Deadline = Date.now() + 1_000;
      while (lastDepth20?.lastUpdateId !== btc.lastU && Date.now() < d20Deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const top20 = btc.book.depth(20);
      const fmt20 = (side: [number, number][]) =>
        side.map(([p, q]) => [priceText(btc.inst, p), qtyText(btc.inst, q)]);
      assert.deepEqual(
        [lastDepth20?.bids, lastDepth20?.asks],
        [fmt20(top20.bids), fmt20(top20.asks)],
        "depth20",
      );
      const stats = server.stats();
      assert.equal(stats.resyncs, 0);
      assert.equal(stats.badEvents, 0);
      assert.equal(stats.closes.SLOW_CONSUMER, 0);
      const applied = followers.reduce(
        (n, f) => n + [...f.books.values()].reduce((k, b) => k + b.applied, 0),
        0,
      );
      console.log(
        `# ${flow.orders} orders, ${btc.trades + flow.symbols[1]!.trades} trades, ${stats.batches} batches, ` +
          `${stats.published} messages published, ${applied} diffs applied and checksummed by ${followers.length} followers ` +
          `(binance refetches: ${followers.map((f) => [...f.books.values()].map((b) => b.refetches).join("/")).join(" ")}), ` +
          `books ${flow.symbols
            .map((s) => {
              const d = s.book.depth(1e9);
              return `${d.bids.length}+${d.asks.length}`;
            })
            .join(", ")} levels, ${Date.now() - t0} ms`,
      );
      for (const f of followers) f.client.close();
      market.close();
    } finally {
      http.server.close();
      await server.close();
    }
  },
);
