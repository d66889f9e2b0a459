// Micro-benchmarks of the fast OrderBook's hot operations (tinybench). Each sample is a batch of
// BATCH operations on a book holding 2 000 resting orders (2 per level, 500 levels per side); the
// state is put back outside the timed part (beforeEach/afterEach), so every batch sees the same book.
// Run: npm run build && node scripts/bench.mjs book-micro
import { Side, StpMode, TimeInForce } from "@perpx/shared/domain";
import { Bench } from "tinybench";
import { OrderBook } from "../src/matcher/order-book.js";
import { Prng } from "../src/util/prng.js";
import { CountingSink } from "./counting-sink.js";
import { environment, fmt, table } from "./report.js";

const BATCH = 1_000;
const MID = 1_000_000;
const LEVELS = 500;
const BIG_QTY = 1e12; // base orders never run out under the qty-reducing amend
const { GTC, IOC } = TimeInForce;
const NONE = StpMode.NONE;
const TEMP_USER = 7_777;

const sink = new CountingSink();
const book = new OrderBook(1, { capacity: 4_096 });
let nextId = 1;
// base book: two orders per level, ids 1..2000, users 1..100
for (let l = 1; l <= LEVELS; l++) {
  for (let k = 0; k < 2; k++) {
    book.place(nextId, 1 + (nextId % 100), Side.BUY, MID - l, BIG_QTY, GTC, NONE, sink);
    nextId++;
    book.place(nextId, 1 + (nextId % 100), Side.SELL, MID + l, BIG_QTY, GTC, NONE, sink);
    nextId++;
  }
}
const baseBids = Array.from({ length: 2 * LEVELS }, (_, i) => 1 + 2 * i); // odd ids are bids
const rng = new Prng(99);
const movePrice = Float64Array.from({ length: BATCH }, () => MID - 1 - rng.int(LEVELS));
const moveOrder = Float64Array.from({ length: BATCH }, () => baseBids[rng.int(baseBids.length)]!);
const userOf = (id: number): number => 1 + (id % 100);
const moveUser = Float64Array.from(moveOrder, userOf);
// current price of each base order, by id (bids: 4 ids per level)
const priceNow = new Float64Array(4 * LEVELS + 1);
for (const id of baseBids) priceNow[id] = MID - 1 - Math.floor((id - 1) / 4);
let firstTemp = 0;

const addTemp = (price: (k: number) => number): void => {
  firstTemp = nextId;
  for (let k = 0; k < BATCH; k++) book.place(nextId++, TEMP_USER, Side.BUY, price(k), 3, GTC, NONE, sink);
};
const dropTemp = (): void => {
  book.cancelAll(TEMP_USER, sink);
};

const bench = new Bench({ name: "OrderBook micro", time: 400, warmupTime: 100 });
bench
  .add("add: rest in an existing level", () => addTemp((k) => MID - 1 - (k % LEVELS)), {
    afterEach: dropTemp,
  })
  .add("add: rest in a new level", () => addTemp((k) => MID - LEVELS - 1 - k), { afterEach: dropTemp })
  .add(
    "cancel (by orderId)",
    () => {
      for (let k = 0; k < BATCH; k++) book.cancel(firstTemp + k, TEMP_USER, sink);
    },
    { beforeEach: () => addTemp((k) => MID - 1 - ((k * 7) % LEVELS)) },
  )
  .add(
    "match: IOC taker fills one maker",
    () => {
      for (let k = 0; k < BATCH; k++) book.place(nextId++, TEMP_USER, Side.BUY, MID, 2, IOC, NONE, sink);
    },
    {
      beforeEach: () => {
        for (let k = 0; k < BATCH; k++) book.place(nextId++, 8_888, Side.SELL, MID, 2, GTC, NONE, sink);
      },
    },
  )
  .add("amend: move price (loses priority)", () => {
    for (let k = 0; k < BATCH; k++) {
      const id = moveOrder[k]!;
      let p = movePrice[k]!;
      if (p === priceNow[id]) p = p === MID - 1 ? p - 1 : p + 1;
      book.amend(id, moveUser[k]!, p, book.remainingOf(id), sink);
      priceNow[id] = p;
    }
  })
  .add("amend: reduce qty (keeps priority)", () => {
    for (let k = 0; k < BATCH; k++) {
      const id = moveOrder[k]!;
      book.amend(id, moveUser[k]!, priceNow[id]!, book.remainingOf(id) - 1, sink);
    }
  });

await bench.run();

const rows: string[][] = [];
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== "completed") throw new Error(`${task.name}: ${r.state}`);
  const nsPerOp = (r.latency.p50 * 1e6) / BATCH;
  rows.push([task.name, fmt(nsPerOp, 1), fmt(1e9 / nsPerOp), fmt(r.latency.samplesCount)]);
}
console.log(`## Order book micro-benchmarks (engine/bench/book-micro.bench.ts)

Fast \`OrderBook\`, book of ${fmt(4 * LEVELS)} resting orders (2 per level, ${LEVELS} levels per side); each
sample is a batch of ${fmt(BATCH)} operations, setup and teardown untimed. Median over the samples.
${environment()}.

${table(["operation", "ns/op (median)", "ops/s", "batches"], rows)}

Reproduce: \`npm run build && node scripts/bench.mjs book-micro\`
`);
