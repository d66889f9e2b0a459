// A client that stops reading is closed with 4001 once its unread backlog passes maxBufferedBytes;
// the server's memory stays bounded and a healthy client on the same topic misses nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { type BookEvent, Ev } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { MemoryStreamSource } from "../../src/stream/memory-source.js";
import { startStreamServer } from "../../src/stream/stream-server.js";
import { DepthFollower } from "./depth-follower.js";
import { TestClient } from "./test-client.js";

const noAuth = { verifyApiKey: async () => null, verifyJwt: async () => null };
const MiB = 1024 * 1024;
const DIFFS = 12_000;
const LEVELS = 300;
// a callable gc without --expose-gc on the command line (the test runner does not pass it)
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** A BOOK event rewriting 300 bid levels (≈ 7 KB on the wire). */
function bigDiff(u: number): BookEvent {
  const bids: [number, number][] = [];
  for (let i = 0; i < LEVELS; i++) bids.push([400_000 + i, 1 + ((u + i) % 997)]);
  return {
    ev: Ev.BOOK,
    seq: u,
    ts: 1_700_000_000_000 + u,
    symbolId: 1,
    firstUpdateId: u,
    lastUpdateId: u,
    prevUpdateId: u - 1,
    bids,
    asks: [],
  };
}

test("slow consumer: closed with 4001, memory bounded, others unaffected", async () => {
  const source = new MemoryStreamSource(DEFAULT_INSTRUMENTS);
  const server = await startStreamServer({
    port: 0,
    instruments: DEFAULT_INSTRUMENTS,
    auth: noAuth,
    source,
    limits: { maxBufferedBytes: 512 * 1024, hardBackpressureBytes: 4 * MiB, backpressureCheckMs: 20 },
  });
  try {
    const healthy = await TestClient.connect(server.port);
    const follower = new DepthFollower("depth:BTCUSDT", "snapshot");
    healthy.onMessage = (m) => {
      if (m.channel !== "depth:BTCUSDT") return false;
      follower.onMessage(m);
      return true;
    };
    let published = 0;
    healthy.ws.on("message", (d: Buffer) => {
      published += d.length;
    });
    await healthy.request({ op: "subscribe", channels: ["depth:BTCUSDT"] });
    const slow = await TestClient.connect(server.port);
    await slow.request({ op: "subscribe", channels: ["depth:BTCUSDT"] });
    slow.socket.pause(); // stops reading: the kernel buffers fill, then uWS's

    const mem = () => {
      gc();
      return process.memoryUsage();
    };
    const m0 = mem();
    let u = 0;
    let closedAt = -1;
    // native memory (uWS buffers live there) = rss − V8's committed heap, which grows on its own
    const native = (m: NodeJS.MemoryUsage) => m.rss - m.heapTotal;
    let maxNative = native(m0);
    let maxHeap = m0.heapUsed;
    let maxBuffered = 0;
    // publish ≈ 70 MiB: had the slow client's backlog been kept, memory would grow by as much
    while (u < DIFFS) {
      for (let i = 0; i < 20; i++) source.push([bigDiff(++u)]);
      const st = server.stats();
      maxBuffered = Math.max(maxBuffered, st.maxBufferedBytes);
      if (closedAt < 0 && st.closes.SLOW_CONSUMER === 1) closedAt = u;
      if (u % 2_000 === 0) {
        const m = mem();
        maxNative = Math.max(maxNative, native(m));
        maxHeap = Math.max(maxHeap, m.heapUsed);
      }
      await new Promise((r) => setTimeout(r, 1));
      while (follower.lastU < u - 200) await new Promise((r) => setTimeout(r, 1));
    }
    while (follower.lastU < u) await new Promise((r) => setTimeout(r, 2));
    assert.ok(closedAt > 0, "the slow client was closed");
    assert.equal(server.stats().connections, 1, "only the healthy client remains");
    const nativeGrowth = (maxNative - native(m0)) / MiB;
    const heapGrowth = (maxHeap - m0.heapUsed) / MiB;
    const publishedMiB = published / MiB;
    console.log(
      `# slow client closed after ${closedAt} diffs (≈ ${((closedAt * published) / u / MiB).toFixed(1)} MiB ` +
        `published to it, most of it in kernel buffers); largest uWS backlog seen ${(maxBuffered / 1024).toFixed(0)} KiB; ` +
        `${publishedMiB.toFixed(0)} MiB published in all; native memory (rss − V8 heap) grew at most ${nativeGrowth.toFixed(1)} MiB, ` +
        `JS heap ${heapGrowth.toFixed(1)} MiB`,
    );
    assert.ok(maxBuffered <= 4 * MiB, "no backlog above the hard cap");
    assert.ok(heapGrowth < 8, `JS heap flat (grew ${heapGrowth.toFixed(1)} MiB)`);
    assert.ok(publishedMiB > 60);
    // the backlog bound is the real guarantee (above); rss − heap moves ±15 MiB with allocator churn
    // (the same without any slow client), so this only catches gross growth
    assert.ok(nativeGrowth < 64, `native memory bounded (grew ${nativeGrowth.toFixed(1)} MiB)`);

    // the healthy client saw every diff, chained and checksummed
    assert.equal(follower.chainBreaks, 0);
    assert.equal(follower.checksumBad, 0);
    assert.equal(follower.applied, u);

    // when the slow client reads again it gets what was buffered, then the documented close
    slow.socket.resume();
    assert.deepEqual(await slow.closed, { code: 4001, reason: "slow consumer" });
    healthy.close();
  } finally {
    await server.close();
  }
});
