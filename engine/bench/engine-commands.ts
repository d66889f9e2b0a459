// Seeded sequencer command streams for the engine benchmark (engine.bench.ts), built before any timing.
//
// `engineStream`: set-up (instruments, oracle prices, users with deposits — done up front) followed by
// exchange-core-like order flow from stream-gen.ts, one book stream per symbol interleaved at random:
// 9% GTC / 3% IOC / 6% cancel / 82% amend (a price move) after a prefill of ~1 000 resting orders per
// symbol, 1 000 users. The book streams use STP NONE, and every user has far more margin than its orders
// and positions need, so the sequencer accepts every command and its books evolve exactly like the
// generator's simulated book (the benchmark checks: rejects must be 0). A stream-gen amend gives the new
// remaining qty (unchanged: a pure price move); the sequencer's AMEND_ORDER takes the new original qty,
// which is then the order's original qty.
//
// `restingState`: commands that leave N resting orders and M open positions (snapshot pause and size).
import type { Command, LoggedCommand } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";
import { OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import { makeInstrument } from "@perpx/shared/instruments";
import { Prng } from "../src/util/prng.js";
import { generateStream, StreamOp } from "./stream-gen.js";

/** stream-gen prices sit around 1 000 000 ticks: 100 000.0 USDT at a 0.1 tick */
const MID = 1_000_000;
const USDT = 1_000_000;
const T0 = 1_700_000_000_000;

export function benchInstrument(symbolId: number): Instrument {
  return {
    ...makeInstrument({
      symbolId,
      symbol: `BENCH${symbolId}USDT`,
      baseAsset: `BENCH${symbolId}`,
      tickSize: "0.1",
      stepSize: "0.001",
      minQty: "0.001",
      maxQty: "1000",
      maxMarketQty: "100",
      minNotional: "5",
    }),
    // stream-gen IOCs are limit orders at the last trade ± 5 %: keep them inside the band
    pricePercentBand: 10_000_000, // 10 % in parts per 1e8
  };
}

export interface EngineStream {
  /** instruments, oracle prices, users and deposits, and each symbol's prefill of resting orders */
  setup: Command[];
  /** the order flow that is timed */
  flow: Command[];
  symbols: number;
  users: number;
}

function place(
  ts: number,
  orderId: number,
  userId: number,
  symbolId: number,
  side: Side,
  price: number,
  qty: number,
  tif: TimeInForce,
): Command {
  return {
    op: Op.PLACE_ORDER,
    ts,
    orderId,
    userId,
    symbolId,
    clientOrderId: `c${orderId}`,
    side,
    type: OrderType.LIMIT,
    tif,
    price,
    qty,
    stopPrice: 0,
    reduceOnly: false,
    closePosition: false,
    workingType: WorkingType.CONTRACT_PRICE,
    callbackRate: 0,
    activationPrice: 0,
    stp: StpMode.NONE,
  };
}

function preamble(symbols: number, users: number, deposit: number): Command[] {
  const out: Command[] = [];
  let ts = T0;
  for (let s = 1; s <= symbols; s++)
    out.push({ op: Op.UPSERT_INSTRUMENT, ts: ts++, instrument: benchInstrument(s) });
  for (let s = 1; s <= symbols; s++) out.push({ op: Op.ORACLE_PRICE, ts: ts++, symbolId: s, price: MID });
  for (let u = 1; u <= users; u++) {
    out.push({ op: Op.CREATE_USER, ts: ts++, userId: u });
    out.push({ op: Op.DEPOSIT, ts: ts++, userId: u, amount: deposit, txId: `d${u}` });
  }
  return out;
}

/** `ops` order-flow commands in all (after the prefill), over `symbols` symbols (ids 1…symbols). */
export function engineStream(seed: number, symbols: number, ops: number): EngineStream {
  const users = 1_000; // stream-gen's "mixed" users
  const setup = preamble(symbols, users, 1_000_000 * USDT);
  const flow: Command[] = [];
  const perSymbol = Math.ceil(ops / symbols);
  const streams = Array.from({ length: symbols }, (_, i) => generateStream(seed + i, "mixed", perSymbol));
  /** orderId → original qty, per symbol (ids are offset by symbol so they are unique engine-wide) */
  const origQty = streams.map((s) => new Float64Array(s.length + 1));
  const next = new Array<number>(symbols).fill(0);
  let ts = T0 + setup.length;
  const convert = (k: number, i: number): Command => {
    const s = streams[k]!;
    const orig = origQty[k]!;
    const symbolId = k + 1;
    const id = s.orderId[i]!;
    const orderId = symbolId * 100_000_000 + id;
    const userId = s.userId[i]!;
    ts++;
    switch (s.op[i]) {
      case StreamOp.PLACE:
        orig[id] = s.qty[i]!;
        return place(
          ts,
          orderId,
          userId,
          symbolId,
          s.side[i] as Side,
          s.price[i]!,
          s.qty[i]!,
          s.tif[i] as TimeInForce,
        );
      case StreamOp.CANCEL:
        return { op: Op.CANCEL_ORDER, ts, userId, symbolId, orderId };
      default:
        return {
          op: Op.AMEND_ORDER,
          ts,
          userId,
          symbolId,
          orderId,
          price: s.price[i]!,
          qty: orig[id]!,
        };
    }
  };
  for (let k = 0; k < symbols; k++) {
    for (let i = 0; i < streams[k]!.prefill; i++) setup.push(convert(k, i));
    next[k] = streams[k]!.prefill;
  }
  const rng = new Prng(seed ^ 0x51ed);
  let left = streams.reduce((n, s) => n + s.length - s.prefill, 0);
  while (left > 0 && flow.length < ops) {
    let k = rng.int(symbols);
    while (next[k]! >= streams[k]!.length) k = (k + 1) % symbols;
    flow.push(convert(k, next[k]!));
    next[k]!++;
    left--;
  }
  return { setup, flow, symbols, users };
}

/**
 * Leaves `positions` open positions (pairs of users who traded with each other) and `orders` resting
 * orders (buys below and sells above the mid, never crossing) over 2 symbols.
 */
export function restingState(orders: number, positions: number): Command[] {
  const symbols = 2;
  const perUser = 100; // open orders per user and symbol stay under maxOpenOrders (200)
  const users = Math.max(positions, Math.ceil(orders / (perUser * symbols)), 2);
  const out = preamble(symbols, users, 100_000 * USDT);
  let ts = T0 + out.length;
  let id = 1;
  for (let u = 1; u + 1 <= positions; u += 2) {
    const symbolId = 1 + ((u >> 1) % symbols);
    out.push(place(ts++, id++, u, symbolId, Side.SELL, MID, 5, TimeInForce.GTC));
    out.push(place(ts++, id++, u + 1, symbolId, Side.BUY, MID, 5, TimeInForce.GTC));
  }
  for (let n = 0; n < orders; n++) {
    const userId = 1 + (n % users);
    const symbolId = 1 + (Math.floor(n / users) % symbols);
    const side = n % 2 === 0 ? Side.BUY : Side.SELL;
    const away = 1 + (n % 997);
    out.push(
      place(
        ts++,
        id++,
        userId,
        symbolId,
        side,
        side === Side.BUY ? MID - away : MID + away,
        1 + (n % 7),
        TimeInForce.GTC,
      ),
    );
  }
  return out;
}

/** Commands as logged (seq from 1). */
export function logged(cmds: readonly Command[], firstSeq = 1): LoggedCommand[] {
  return cmds.map((cmd, i) => ({ seq: firstSeq + i, cmd }));
}
