// Canonical snapshot of the sequencer's state and the books behind its MatchPort (SPEC §12). Owner: the
// sequencer. The bytes are deterministic: every collection is written in its iteration order, which is
// the order the commands built it (Maps and Sets keep insertion order) and which decode rebuilds as is,
// so snapshot → restore → snapshot gives the same bytes, and the state hash is sha256 of these bytes.
//
// Layout (shared/codec/snapshot-io: safeInt = f64 exact for safe integers, string = u32 length + UTF-8,
// section = u32 tag + u32 length + body; every section must be read to its end):
//   u32 magic "PXSQ", u32 version (2)
//   section HEADER:   lastSeq, nextTradeId, netDeposits, insuranceFund, feeAccount, nextEngineOrderId
//   section SYMBOLS:  n, { instrument as canonical JSON, indexPrice, lastPrice, markPrice, bookUpdateId,
//                     lastFundingRate, lastFundingTime, premiumSum, premiumCount, basisHead, n, basis…,
//                     book updateId, n, { orderId, userId, side, price, remaining } in book order }
//   section ACCOUNTS: n, { userId, crossWallet, inLiquidation, marginCalled, positions: n, { symbolId, qty,
//                     entryValue, leverage, marginType, isolatedWallet, riskKey, recoverKey, marginCalled,
//                     buy{qty,qtyPrice,qtyLoss,roQty}, sell{…}, orderIds: n, ids },
//                     clientOrderIds: n, { clientOrderId, orderId } }
//   section ORDERS:   n, { every OpenOrder field in declaration order }
//   section IDS:      txIds: n, strings; withdrawIds: n, strings
//   section TRIGGERS: n, { OpenOrder fields, callbackRate, activationPrice, active, extreme, key } in
//                     placement order (each position's triggerIds are rebuilt from this order)
//   section COUNTDOWNS: n, { userId, symbolId, deadline } in arming order
// The side aggregates are written (so the hash covers them) and checked against the orders on restore.
// The trigger books, the liquidation index and the dead-man heap are rebuilt from these fields.

import { SnapshotReader, SnapshotWriter } from "@perpx/shared/codec/snapshot-io";
import type {
  Instrument,
  MarginType,
  OrderStatus,
  OrderType,
  Side,
  StpMode,
  TimeInForce,
  WorkingType,
} from "@perpx/shared/domain";
import { notionalFactor } from "@perpx/shared/domain";
import { canonicalInstrument } from "./instrument-rules.js";
import { type BookImage, InThreadMatchPort, type MatchPort } from "./match-port.js";
import type { OpenOrder, SideOrders, TriggerOrder } from "./state.js";
import { newAccount, newPosition, remainingOf, reserve, SequencerState } from "./state.js";
import { newSymbolState } from "./symbol-state.js";

const MAGIC = 0x51535850; // "PXSQ" little-endian
const VERSION = 2;
const Section = {
  HEADER: 1,
  SYMBOLS: 2,
  ACCOUNTS: 3,
  ORDERS: 4,
  IDS: 5,
  TRIGGERS: 6,
  COUNTDOWNS: 7,
} as const;

function writeSide(w: SnapshotWriter, s: SideOrders): void {
  w.safeInt(s.qty);
  w.safeInt(s.qtyPrice);
  w.safeInt(s.qtyLoss);
  w.safeInt(s.roQty);
}
function readSide(r: SnapshotReader): SideOrders {
  return { qty: r.safeInt(), qtyPrice: r.safeInt(), qtyLoss: r.safeInt(), roQty: r.safeInt() };
}

/**
 * Size of the last snapshot encoded: the next writer starts at about that capacity, so a large state is
 * not copied through ~10 doublings of the buffer (the pause is on the apply loop).
 */
let lastSnapshotBytes = 64 * 1024;

/** A book's update id, order count and orders; straight from the book when it is on this thread. */
function writeBook(w: SnapshotWriter, port: MatchPort, symbolId: number): void {
  if (port instanceof InThreadMatchPort) {
    const book = port.bookOf(symbolId);
    w.safeInt(book.updateId);
    const countAt = w.length;
    w.safeInt(0);
    let n = 0;
    book.forEachOrder((orderId, userId, side, price, remaining) => {
      w.safeInt(orderId);
      w.safeInt(userId);
      w.safeInt(side);
      w.safeInt(price);
      w.safeInt(remaining);
      n++;
    });
    w.safeIntAt(countAt, n);
    return;
  }
  const book = port.exportBook(symbolId);
  w.safeInt(book.updateId);
  w.safeInt(book.orders.length);
  for (const o of book.orders) {
    w.safeInt(o.orderId);
    w.safeInt(o.userId);
    w.safeInt(o.side);
    w.safeInt(o.price);
    w.safeInt(o.remaining);
  }
}

export function encodeState(st: SequencerState, port: MatchPort): Uint8Array {
  // the first snapshot of a process has no size to go by: a rough per-item estimate (a low one only costs
  // a doubling or two)
  const estimate = 65_536 + 224 * st.orders.size + 128 * st.accounts.size + 256 * st.triggers.size;
  const w = new SnapshotWriter(Math.max(estimate, lastSnapshotBytes + (lastSnapshotBytes >> 4)));
  w.u32(MAGIC).u32(VERSION);
  w.begin(Section.HEADER);
  for (const x of [
    st.lastSeq,
    st.nextTradeId,
    st.netDeposits,
    st.insuranceFund,
    st.feeAccount,
    st.nextEngineOrderId,
  ])
    w.safeInt(x);
  w.end().begin(Section.SYMBOLS);
  w.safeInt(st.symbols.size);
  for (const s of st.symbols.values()) {
    w.string(JSON.stringify(s.inst));
    for (const x of [s.indexPrice, s.lastPrice, s.markPrice, s.bookUpdateId]) w.safeInt(x);
    for (const x of [s.lastFundingRate, s.lastFundingTime, s.premiumSum, s.premiumCount, s.basisHead])
      w.safeInt(x);
    w.safeInt(s.basis.length);
    for (const x of s.basis) w.safeInt(x);
    writeBook(w, port, s.inst.symbolId);
  }
  w.end().begin(Section.ACCOUNTS);
  w.safeInt(st.accounts.size);
  for (const a of st.accounts.values()) {
    w.safeInt(a.userId);
    w.safeInt(a.crossWallet);
    w.bool(a.inLiquidation);
    w.bool(a.marginCalled);
    w.safeInt(a.positions.size);
    for (const p of a.positions.values()) {
      w.safeInt(p.symbolId);
      w.safeInt(p.qty);
      w.safeInt(p.entryValue);
      w.safeInt(p.leverage);
      w.safeInt(p.marginType);
      w.safeInt(p.isolatedWallet);
      w.safeInt(p.riskKey);
      w.safeInt(p.recoverKey);
      w.bool(p.marginCalled);
      writeSide(w, p.buy);
      writeSide(w, p.sell);
      w.safeInt(p.orderIds.size);
      for (const id of p.orderIds) w.safeInt(id);
    }
    w.safeInt(a.clientOrderIds.size);
    for (const [cid, id] of a.clientOrderIds) {
      w.string(cid);
      w.safeInt(id);
    }
  }
  w.end().begin(Section.ORDERS);
  w.safeInt(st.orders.size);
  for (const o of st.orders.values()) writeOrder(w, o);
  w.end().begin(Section.IDS);
  for (const set of [st.txIds, st.withdrawIds]) {
    w.safeInt(set.size);
    for (const id of set) w.string(id);
  }
  w.end().begin(Section.TRIGGERS);
  w.safeInt(st.triggers.size);
  for (const o of st.triggers.values()) {
    writeOrder(w, o);
    for (const x of [o.callbackRate, o.activationPrice]) w.safeInt(x);
    w.bool(o.active);
    for (const x of [o.extreme, o.key]) w.safeInt(x);
  }
  w.end().begin(Section.COUNTDOWNS);
  w.safeInt(st.countdowns.size);
  for (const c of st.countdowns.values()) for (const x of [c.userId, c.symbolId, c.deadline]) w.safeInt(x);
  w.end();
  const view = w.finish();
  lastSnapshotBytes = view.length;
  // the writer was sized from the last snapshot: when it is (nearly) full, hand out its buffer instead
  // of copying 24 MiB (a view: byteOffset 0, length = the snapshot; the store handles views)
  return view.length * 8 >= view.buffer.byteLength * 7 ? view : view.slice();
}

function writeOrder(w: SnapshotWriter, o: OpenOrder): void {
  w.safeInt(o.orderId);
  w.string(o.clientOrderId);
  w.safeInt(o.userId);
  w.safeInt(o.symbolId);
  w.safeInt(o.side);
  w.safeInt(o.type);
  w.safeInt(o.tif);
  w.safeInt(o.status);
  w.safeInt(o.price);
  w.safeInt(o.bookPrice);
  w.safeInt(o.stopPrice);
  w.safeInt(o.origQty);
  w.safeInt(o.executedQty);
  w.safeInt(o.cumQuoteUnits);
  w.bool(o.reduceOnly);
  w.bool(o.closePosition);
  w.safeInt(o.workingType);
  w.safeInt(o.stp);
  w.safeInt(o.openLoss);
  w.safeInt(o.rejectReason);
  w.safeInt(o.createTime);
}

function readOrder(r: SnapshotReader): OpenOrder {
  const orderId = r.safeInt();
  const clientOrderId = r.string();
  return {
    orderId,
    clientOrderId,
    userId: r.safeInt(),
    symbolId: r.safeInt(),
    side: r.safeInt() as Side,
    type: r.safeInt() as OrderType,
    tif: r.safeInt() as TimeInForce,
    status: r.safeInt() as OrderStatus,
    price: r.safeInt(),
    bookPrice: r.safeInt(),
    stopPrice: r.safeInt(),
    origQty: r.safeInt(),
    executedQty: r.safeInt(),
    cumQuoteUnits: r.safeInt(),
    reduceOnly: r.bool(),
    closePosition: r.bool(),
    workingType: r.safeInt() as WorkingType,
    stp: r.safeInt() as StpMode,
    openLoss: r.safeInt(),
    rejectReason: r.safeInt(),
    createTime: r.safeInt(),
    pos: null,
  };
}

/** Rebuilds the state and loads the books into `port` (which must hold no books yet). */
export function decodeState(bytes: Uint8Array, port: MatchPort): SequencerState {
  const top = new SnapshotReader(bytes);
  if (top.u32() !== MAGIC) throw new RangeError("not a sequencer snapshot");
  if (top.u32() !== VERSION) throw new RangeError("unsupported sequencer snapshot version");
  const st = new SequencerState();
  let r = top.section(Section.HEADER);
  st.lastSeq = r.safeInt();
  st.nextTradeId = r.safeInt();
  st.netDeposits = r.safeInt();
  st.insuranceFund = r.safeInt();
  st.feeAccount = r.safeInt();
  st.nextEngineOrderId = r.safeInt();
  r.expectEnd();

  r = top.section(Section.SYMBOLS);
  const books: [number, BookImage][] = [];
  for (let n = r.safeInt(); n > 0; n--) {
    const inst = canonicalInstrument(JSON.parse(r.string()) as Instrument);
    const sym = newSymbolState(inst, notionalFactor(inst));
    sym.indexPrice = r.safeInt();
    sym.lastPrice = r.safeInt();
    sym.markPrice = r.safeInt();
    sym.bookUpdateId = r.safeInt();
    sym.lastFundingRate = r.safeInt();
    sym.lastFundingTime = r.safeInt();
    sym.premiumSum = r.safeInt();
    sym.premiumCount = r.safeInt();
    sym.basisHead = r.safeInt();
    for (let k = r.safeInt(); k > 0; k--) sym.basis.push(r.safeInt());
    st.symbols.set(inst.symbolId, sym);
    const image: BookImage = { updateId: r.safeInt(), orders: [] };
    for (let k = r.safeInt(); k > 0; k--) {
      image.orders.push({
        orderId: r.safeInt(),
        userId: r.safeInt(),
        side: r.safeInt() as Side,
        price: r.safeInt(),
        remaining: r.safeInt(),
      });
    }
    books.push([inst.symbolId, image]);
  }
  r.expectEnd();

  r = top.section(Section.ACCOUNTS);
  const sides: [SideOrders, SideOrders][] = [];
  for (let n = r.safeInt(); n > 0; n--) {
    const acc = newAccount(r.safeInt());
    acc.crossWallet = r.safeInt();
    acc.inLiquidation = r.bool();
    acc.marginCalled = r.bool();
    for (let k = r.safeInt(); k > 0; k--) {
      const symbolId = r.safeInt();
      const sym = st.symbols.get(symbolId);
      if (sym === undefined) throw new RangeError("snapshot: position in an unknown symbol");
      const p = newPosition(acc, sym.inst);
      p.qty = r.safeInt();
      p.entryValue = r.safeInt();
      p.leverage = r.safeInt();
      p.marginType = r.safeInt() as MarginType;
      p.isolatedWallet = r.safeInt();
      p.riskKey = r.safeInt();
      p.recoverKey = r.safeInt();
      p.marginCalled = r.bool();
      sides.push([p.buy, readSide(r)], [p.sell, readSide(r)]);
      for (let j = r.safeInt(); j > 0; j--) p.orderIds.add(r.safeInt());
      acc.positions.set(symbolId, p);
    }
    for (let k = r.safeInt(); k > 0; k--) {
      const cid = r.string();
      acc.clientOrderIds.set(cid, r.safeInt());
    }
    st.accounts.set(acc.userId, acc);
  }
  r.expectEnd();

  r = top.section(Section.ORDERS);
  for (let n = r.safeInt(); n > 0; n--) {
    const o = readOrder(r);
    st.orders.set(o.orderId, o);
    const pos = st.accounts.get(o.userId)?.positions.get(o.symbolId);
    if (pos === undefined || !pos.orderIds.has(o.orderId)) throw new RangeError("snapshot: orphan order");
    o.pos = pos;
    reserve(pos, o, remainingOf(o), 1);
  }
  r.expectEnd();

  r = top.section(Section.IDS);
  for (const set of [st.txIds, st.withdrawIds]) for (let n = r.safeInt(); n > 0; n--) set.add(r.string());
  r.expectEnd();

  r = top.section(Section.TRIGGERS);
  for (let n = r.safeInt(); n > 0; n--) {
    const base = readOrder(r);
    const o: TriggerOrder = {
      ...base,
      callbackRate: r.safeInt(),
      activationPrice: r.safeInt(),
      active: r.bool(),
      extreme: r.safeInt(),
      key: r.safeInt(),
      heapIndex: -1,
    };
    const pos = st.accounts.get(o.userId)?.positions.get(o.symbolId);
    if (pos === undefined || st.orders.has(o.orderId)) throw new RangeError("snapshot: orphan trigger order");
    o.pos = pos;
    st.triggers.set(o.orderId, o);
    pos.triggerIds.add(o.orderId);
  }
  r.expectEnd();

  r = top.section(Section.COUNTDOWNS);
  for (let n = r.safeInt(); n > 0; n--) {
    const c = { userId: r.safeInt(), symbolId: r.safeInt(), deadline: r.safeInt(), heapIndex: -1 };
    st.countdowns.set(`${c.userId}:${c.symbolId}`, c);
  }
  r.expectEnd();
  top.expectEnd();

  for (const [rebuilt, stored] of sides) {
    if (
      rebuilt.qty !== stored.qty ||
      rebuilt.qtyPrice !== stored.qtyPrice ||
      rebuilt.qtyLoss !== stored.qtyLoss ||
      rebuilt.roQty !== stored.roQty
    ) {
      throw new RangeError("snapshot: order aggregates disagree with the orders");
    }
  }
  for (const [symbolId, image] of books) {
    port.addSymbol(symbolId);
    port.importBook(symbolId, image, (id) => st.orders.get(id)?.stp ?? 0);
  }
  return st;
}
