// Child process of engine-crash.test.ts: opens the embedded engine on a data dir (journal + snapshots
// every 500 commands; books in-thread or in matcher workers), recovers (newest snapshot + replay), starts
// the runner, and appends seeded commands from 4 concurrent producers (new users, deposits, orders,
// cancels) until it is killed with SIGKILL. stdout, one line per fact, written as soon as it is true:
//   ready <lastSeq> <restoredFrom> <appliedSeq>   recovered and running
//   ack <seq> <identity>                          append() resolved: the command is durable
//   snap <seq>                                    the runner serialized a snapshot at seq
//   node crash-child.js <dataDir> <run> <workers>
import type { Command } from "@perpx/shared/commands";
import { Op } from "@perpx/shared/commands";
import { OrderType, Side, StpMode, TimeInForce, WorkingType } from "@perpx/shared/domain";
import { OrderBook } from "../../src/matcher/order-book.js";
import { openEmbeddedEngine } from "../../src/runtime/embedded-engine.js";
import { identityOf } from "./command-identity.js";
import { CENTER, INSTRUMENTS, Rng } from "./random-session.js";

const [dataDir, runArg, workersArg] = process.argv.slice(2);
if (!dataDir || runArg === undefined || workersArg === undefined)
  throw new Error("usage: crash-child <dataDir> <run> <workers>");
const run = Number(runArg);
const PRODUCERS = 4;
const U = 1_000_000;

const engine = await openEmbeddedEngine({
  dataDir,
  bookFactory: (id) => new OrderBook(id),
  snapshotEvery: 500,
  initialInstruments: INSTRUMENTS,
  clock: () => 1_700_000_000_000,
  matcher: { workers: Number(workersArg) },
  onWarning: (m) => process.stderr.write(`crash-child ${run}: ${m}\n`),
  onFatal: (e) => {
    process.stderr.write(`crash-child ${run}: engine stopped: ${String(e)}\n`);
    process.exit(3);
  },
});
const { log, runner, sequencer } = engine;
await runner.start();
process.stdout.write(`ready ${log.lastSeq()} ${engine.restoredFrom} ${runner.appliedSeq}\n`);

const rng = new Rng(1000 + run);
// ts: unique per command over all runs, increasing within a run (runs never overlap in time)
let ts = 1_700_000_000_000 + run * 10_000_000;
let k = 0;
const users: number[] = [...sequencer.accounts()].map((a) => a.userId);
const open: { orderId: number; userId: number; symbolId: number }[] = [];
for (const a of sequencer.accounts())
  for (const p of a.positions.values())
    for (const id of p.orderIds) open.push({ orderId: id, userId: a.userId, symbolId: p.symbolId });

function nextCommand(): Command {
  ts++;
  k++;
  const r = rng.next();
  if (users.length < 3 || r < 0.03) {
    const userId = run * 1000 + users.length + 1;
    users.push(userId);
    return { op: Op.CREATE_USER, ts, userId };
  }
  const userId = users[rng.int(users.length)]!;
  if (r < 0.12)
    return { op: Op.DEPOSIT, ts, userId, amount: rng.range(1_000, 20_000) * U, txId: `r${run}-${k}` };
  const inst = rng.pick(INSTRUMENTS);
  const symbolId = inst.symbolId;
  if (r < 0.14) {
    const c = CENTER.get(symbolId)!;
    return { op: Op.ORACLE_PRICE, ts, symbolId, price: c + rng.range(-20, 20) * inst.tickUnits };
  }
  if (r < 0.35 && open.length > 0) {
    const o = open.splice(rng.int(open.length), 1)[0]!;
    return { op: Op.CANCEL_ORDER, ts, userId: o.userId, symbolId: o.symbolId, orderId: o.orderId };
  }
  const orderId = run * 10_000_000 + k;
  const side = rng.chance(0.5) ? Side.BUY : Side.SELL;
  // around the centre, crossing often: trades, positions and fees, and resting orders to cancel
  const price = CENTER.get(symbolId)! + rng.range(-30, 30) * inst.tickUnits;
  open.push({ orderId, userId, symbolId });
  return {
    op: Op.PLACE_ORDER,
    ts,
    orderId,
    userId,
    symbolId,
    clientOrderId: `c${orderId}`,
    side,
    type: OrderType.LIMIT,
    tif: rng.chance(0.8) ? TimeInForce.GTC : TimeInForce.IOC,
    price,
    qty: rng.range(1, 20) * inst.stepUnits,
    stopPrice: 0,
    reduceOnly: false,
    closePosition: false,
    workingType: WorkingType.CONTRACT_PRICE,
    callbackRate: 0,
    activationPrice: 0,
    stp: StpMode.NONE,
  };
}

let lastSnap = runner.lastSnapshot?.seq ?? -1;
async function producer(): Promise<never> {
  for (;;) {
    // mostly one command per append (a gateway request), sometimes a few in one call
    const n = rng.chance(0.9) ? 1 : rng.range(2, 5);
    const cmds: Command[] = [];
    for (let i = 0; i < n; i++) cmds.push(nextCommand());
    const seqs = await log.append(cmds);
    let out = "";
    for (let i = 0; i < n; i++) out += `ack ${seqs[i]} ${identityOf(cmds[i]!)}\n`;
    const snap = runner.lastSnapshot?.seq ?? -1;
    if (snap !== lastSnap) {
      lastSnap = snap;
      out += `snap ${snap}\n`;
    }
    process.stdout.write(out);
  }
}
await Promise.all(Array.from({ length: PRODUCERS }, producer));
