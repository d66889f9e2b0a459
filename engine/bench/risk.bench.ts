// Risk benchmark (Markdown on stdout): liquidation detection per mark tick with 100 000 open positions,
// and trigger evaluation per price move with 100 000 resting conditional orders, each measured as the
// whole ORACLE_PRICE command through Sequencer.apply (mark, MarkEvent, trigger books, liquidation index),
// against a naive scan of the same state. Medians of RUNS runs of TICKS ticks.
// Reproduce: `npx tsc -b && node scripts/bench.mjs risk`
// (PERPX_BENCH_POSITIONS / PERPX_BENCH_TRIGGERS change the sizes, default 100 000 each).
import { cpus } from "node:os";
import type { Command, PlaceOrder } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import { MarginType, OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import type { EngineEvent } from "@perpx/shared/events";
import { DEFAULT_INSTRUMENTS } from "@perpx/shared/instruments";
import { ReferenceBook } from "../src/matcher/reference-book.js";
import { isolatedRisk } from "../src/sequencer/account-risk.js";
import { InThreadMatchPort } from "../src/sequencer/match-port.js";
import { Sequencer } from "../src/sequencer/sequencer.js";
import type { Position } from "../src/sequencer/state.js";
import { firesUp } from "../src/sequencer/trigger-book.js";
import { seededRandom } from "../src/util/prng.js";

const POSITIONS = Number(process.env.PERPX_BENCH_POSITIONS ?? 100_000);
const TRIGGERS = Number(process.env.PERPX_BENCH_TRIGGERS ?? 100_000);
const RUNS = 5;
const TICKS = 2_000;
const U = 1_000_000;
const BTC = DEFAULT_INSTRUMENTS[0]!;
const CENTER = 500_000; // 50 000.0

const lines: string[] = [];
const out = (s = "") => lines.push(s);
const fmt = (n: number, d = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

type Cmd = Command extends infer C ? (C extends Command ? Omit<C, "ts"> : never) : never;

class Driver {
  readonly seq = new Sequencer({
    matcher: new InThreadMatchPort((id) => new ReferenceBook(id)),
    instruments: [BTC],
  });
  private ts = 1_750_000_000_000;
  private readonly events: EngineEvent[] = [];
  run(cmd: Cmd): void {
    this.ts += 1;
    this.events.length = 0;
    this.seq.apply({ seq: this.seq.lastSeq + 1, cmd: { ...cmd, ts: this.ts } as Command }, this.events);
  }
  /** µs of one command */
  timed(cmd: Cmd): number {
    const t0 = performance.now();
    this.run(cmd);
    return (performance.now() - t0) * 1000;
  }
}

function order(o: Partial<PlaceOrder> & Pick<PlaceOrder, "orderId" | "userId" | "side">): Cmd {
  return {
    op: Op.PLACE_ORDER,
    symbolId: 1,
    clientOrderId: `c${o.orderId}`,
    type: OrderType.LIMIT,
    tif: TimeInForce.GTC,
    price: 0,
    qty: 0,
    stopPrice: 0,
    reduceOnly: false,
    closePosition: false,
    workingType: WorkingType.MARK_PRICE,
    callbackRate: 0,
    activationPrice: 0,
    stp: StpMode.NONE,
    ...o,
  } as Cmd;
}

/** POSITIONS open positions: pairs trading once at ±1 % of 50 000, leverage 2–20, 30 % isolated. */
function buildPositions(): { d: Driver; buildMs: number } {
  const d = new Driver();
  const r = seededRandom(1);
  const t0 = performance.now();
  d.run({ op: Op.ORACLE_PRICE, symbolId: 1, price: CENTER });
  let orderId = 1;
  for (let i = 0; i < POSITIONS / 2; i++) {
    const a = 2 * i + 1;
    const b = a + 1;
    // 1 000–30 000 USDT: 100 000 users stay under the engine's 2^51 micro-USDT net-deposit bound
    const deposit = Math.floor((1_000 + r() * 29_000) * U);
    const leverage = 2 + Math.floor(r() * 19);
    const isolated = r() < 0.3;
    for (const u of [a, b]) {
      d.run({ op: Op.CREATE_USER, userId: u });
      d.run({ op: Op.DEPOSIT, userId: u, amount: deposit, txId: `d${u}` });
      d.run({ op: Op.SET_LEVERAGE, userId: u, symbolId: 1, leverage });
      if (isolated)
        d.run({ op: Op.SET_MARGIN_TYPE, userId: u, symbolId: 1, marginType: MarginType.ISOLATED });
    }
    const price = CENTER - 5_000 + Math.floor(r() * 10_001);
    // notional = deposit × leverage × (10 %..60 %): margin used 10–60 % of the deposit
    const qty = Math.max(1, Math.floor((deposit * leverage * (0.1 + 0.5 * r())) / (price * 100)));
    d.run(order({ orderId: orderId++, userId: a, side: Side.SELL, price, qty }));
    d.run(order({ orderId: orderId++, userId: b, side: Side.BUY, price, qty }));
  }
  return { d, buildMs: performance.now() - t0 };
}

/** 100 000 conditional orders on the mark: 80 % stop / take-profit 1–10 % away, 20 % trailing. */
function buildTriggers(): { d: Driver; buildMs: number } {
  const d = new Driver();
  const r = seededRandom(2);
  const t0 = performance.now();
  d.run({ op: Op.ORACLE_PRICE, symbolId: 1, price: CENTER });
  const users = Math.ceil(TRIGGERS / 200);
  for (let u = 1; u <= users; u++) {
    d.run({ op: Op.CREATE_USER, userId: u });
    d.run({ op: Op.DEPOSIT, userId: u, amount: 1_000_000 * U, txId: `d${u}` });
  }
  for (let i = 0; i < TRIGGERS; i++) {
    const userId = 1 + (i % users);
    const side = r() < 0.5 ? Side.BUY : Side.SELL;
    const away = (pct: number, up: boolean) => Math.round(CENTER * (1 + (up ? pct : -pct)));
    if (r() < 0.8) {
      const type = [
        OrderType.STOP,
        OrderType.STOP_MARKET,
        OrderType.TAKE_PROFIT,
        OrderType.TAKE_PROFIT_MARKET,
      ][Math.floor(r() * 4)]!;
      const up = firesUp({ type, side });
      const stopPrice = away(0.01 + 0.09 * r(), up);
      const limit = type === OrderType.STOP || type === OrderType.TAKE_PROFIT;
      d.run(
        order({
          orderId: i + 1,
          userId,
          side,
          type,
          qty: 1,
          stopPrice,
          price: limit ? stopPrice : 0,
          tif: limit ? TimeInForce.GTC : TimeInForce.IOC,
        }),
      );
    } else {
      const activation = r() < 0.5 ? away(0.01 + 0.04 * r(), side === Side.SELL) : 0;
      const callbackRate = 2_000_000 + Math.floor(r() * 3_000_001);
      d.run(
        order({
          orderId: i + 1,
          userId,
          side,
          type: OrderType.TRAILING_STOP_MARKET,
          qty: 1,
          tif: TimeInForce.IOC,
          callbackRate,
          activationPrice: activation,
        }),
      );
    }
  }
  return { d, buildMs: performance.now() - t0 };
}

function openPositions(d: Driver): number {
  let n = 0;
  for (const acc of d.seq.accounts()) for (const p of acc.positions.values()) if (p.qty !== 0) n++;
  return n;
}

interface Sample {
  median: number;
  p99: number;
  max: number;
}

function stats(xs: number[]): Sample {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p99: s[Math.floor(s.length * 0.99)]!,
    max: s[s.length - 1]!,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** RUNS runs of TICKS oracle moves: a bounded random walk of ±`step` around the center within ±`band`. */
interface TickResult {
  runs: Sample[];
  checks: number;
  liq: number;
  /** the slowest tick: liquidations and ADL fills it ran */
  worst: { us: number; liq: number; adl: number };
}

function ticks(d: Driver, step: number, band: number, seed: number): TickResult {
  const r = seededRandom(seed);
  const runs: Sample[] = [];
  const before = { ...d.seq.liquidationStats() };
  const worst = { us: 0, liq: 0, adl: 0 };
  let price = CENTER;
  for (let run = 0; run < RUNS; run++) {
    const xs: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      price = Math.round(price * (1 + (r() * 2 - 1) * step));
      price = Math.min(Math.max(price, Math.round(CENTER * (1 - band))), Math.round(CENTER * (1 + band)));
      const { liquidations: l0, adlFills: a0 } = d.seq.liquidationStats();
      const us = d.timed({ op: Op.ORACLE_PRICE, symbolId: 1, price });
      xs.push(us);
      if (us > worst.us) {
        const now = d.seq.liquidationStats();
        worst.us = us;
        worst.liq = now.liquidations - l0;
        worst.adl = now.adlFills - a0;
      }
    }
    runs.push(stats(xs));
  }
  const after = d.seq.liquidationStats();
  return { runs, checks: after.checks - before.checks, liq: after.liquidations - before.liquidations, worst };
}

function naiveLiquidationScan(d: Driver): number {
  const xs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    let n = 0;
    for (const acc of d.seq.accounts()) {
      const r = d.seq.risk(acc.userId)!;
      if (r.marginBalance <= r.maintMargin && r.maintMargin > 0) n++;
      for (const p of acc.positions.values()) {
        if (p.marginType !== MarginType.ISOLATED || p.qty === 0) continue;
        const ir = isolatedRisk(p as Position, d.seq.symbol(p.symbolId)!);
        if (ir.equity <= ir.maintMargin) n++;
      }
    }
    xs.push((performance.now() - t0) * 1000);
    if (n < 0) throw new Error("unreachable");
  }
  return median(xs);
}

function naiveTriggerScan(d: Driver): number {
  const all: { up: boolean; stop: number }[] = [];
  for (let id = 1; id <= TRIGGERS; id++) {
    const o = d.seq.triggerOrder(id);
    if (o !== undefined) all.push({ up: firesUp(o), stop: o.stopPrice });
  }
  const xs: number[] = [];
  for (let k = 0; k < 50; k++) {
    const price = CENTER + (k % 7) * 10;
    const t0 = performance.now();
    let fired = 0;
    for (const o of all) if (o.up ? price >= o.stop : price <= o.stop) fired++;
    xs.push((performance.now() - t0) * 1000);
    if (fired < 0) throw new Error("unreachable");
  }
  return median(xs);
}

function row(label: string, res: TickResult): string {
  const med = median(res.runs.map((s) => s.median));
  const p99 = median(res.runs.map((s) => s.p99));
  const max = Math.max(...res.runs.map((s) => s.max));
  const per = res.runs.map((s) => fmt(s.median, 2)).join(" / ");
  const checks = fmt(res.checks / (RUNS * TICKS), 2);
  const w =
    res.worst.liq > 0 ? ` (that tick: ${res.worst.liq} liquidations, ${res.worst.adl} ADL fills)` : "";
  return `| ${label} | ${fmt(med, 2)} | ${fmt(p99, 1)} | ${fmt(max, 0)}${w} | ${per} | ${checks} | ${res.liq} |`;
}

function main(): void {
  out("## Risk: liquidation detection and trigger evaluation");
  out();
  out(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}. Reproduce: \`npx tsc -b && node scripts/bench.mjs risk\`.`,
  );
  out(
    `Each tick is one ORACLE_PRICE command through \`Sequencer.apply\` (new mark, MarkEvent, MARK_PRICE trigger ` +
      `books, liquidation index); µs per command, ${RUNS} runs × ${TICKS} ticks, the median of the run medians.`,
  );
  out();

  const p = buildPositions();
  if (global.gc) global.gc();
  out(
    `### ${fmt(POSITIONS, 0)} open positions (BTCUSDT, leverage 2–20, 30 % isolated, entries ±1 %; built in ${fmt(p.buildMs / 1000, 1)} s; ` +
      `${fmt(openPositions(p.d), 0)} positions, ${fmt(p.d.seq.riskIndexSize(), 0)} index entries)`,
  );
  out();
  out("| mark ticks | median µs | p99 µs | max µs | run medians µs | exact checks per tick | liquidations |");
  out("|---|---:|---:|---:|---|---:|---:|");
  out(row("±0.02 % steps within ±0.1 % (nothing liquidatable)", ticks(p.d, 0.0002, 0.001, 3)));
  out(row("±0.2 % steps within ±1 %", ticks(p.d, 0.002, 0.01, 4)));
  out(row("±0.5 % steps within ±4 % (keys reached, some liquidations)", ticks(p.d, 0.005, 0.04, 5)));
  out(
    `| peer: naive scan of every account (exact check), per tick | ${fmt(naiveLiquidationScan(p.d), 0)} | | | | ${fmt(POSITIONS, 0)} | |`,
  );
  out();

  const t = buildTriggers();
  if (global.gc) global.gc();
  out(
    `### ${fmt(TRIGGERS, 0)} resting conditional orders on the mark (80 % stop / take-profit 1–10 % away, 20 % trailing ` +
      `2–5 %, half with activation 1–5 % away; built in ${fmt(t.buildMs / 1000, 1)} s)`,
  );
  out();
  out("| mark ticks | median µs | p99 µs | max µs | run medians µs | exact checks per tick | liquidations |");
  out("|---|---:|---:|---:|---|---:|---:|");
  out(row("±0.02 % steps within ±0.5 % (nothing fires)", ticks(t.d, 0.0002, 0.005, 6)));
  out(row("±0.1 % steps within ±0.5 % (trailing highs move)", ticks(t.d, 0.001, 0.005, 7)));
  out(
    `| peer: naive scan of the 80 000 stop / take-profit conditions, per tick | ${fmt(naiveTriggerScan(t.d), 0)} | | | | | |`,
  );
  out();
}

try {
  main();
} finally {
  process.stdout.write(`${lines.join("\n")}\n`);
}
