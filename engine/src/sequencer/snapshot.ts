// Canonical snapshot of the sequencer's state and the books behind its MatchPort (SPEC §12). Owner: the
// sequencer. The bytes are deterministic: every collection is written in its iteration order, which is
// the order the commands built it (Maps and Sets keep insertion order) and which decode rebuilds as is,
// so snapshot → restore → snapshot gives the same bytes, and the state hash is sha256 of these bytes.
//
// Layout (all numbers float64 little-endian, exact for safe integers; strings u32 length + UTF-8):
//   magic "PXSQ", u32 version
//   lastSeq, nextTradeId, netDeposits, insuranceFund, feeAccount
//   symbols:  n, { instrument as canonical JSON, indexPrice, lastPrice, markPrice, bookUpdateId,
//                  book updateId, n, { orderId, userId, side, price, remaining } in book order }
//   accounts: n, { userId, crossWallet, inLiquidation, positions: n, { symbolId, qty, entryValue, leverage,
//                  marginType, isolatedWallet, buy{qty,qtyPrice,qtyLoss,roQty}, sell{…}, orderIds: n, ids },
//                  clientOrderIds: n, { clientOrderId, orderId } }
//   orders:   n, { every OpenOrder field in declaration order }
//   txIds: n, strings; withdrawIds: n, strings
// The side aggregates are written (so the hash covers them) and checked against the orders on restore.
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
import type { BookImage, MatchPort } from "./match-port.js";
import type { OpenOrder, SideOrders } from "./state.js";
import { newAccount, newPosition, remainingOf, reserve, SequencerState } from "./state.js";

const MAGIC = 0x51535850; // "PXSQ" little-endian
const VERSION = 1;

class Writer {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private static readonly enc = new TextEncoder();

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(x: number): void {
    this.room(4);
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
  }
  num(x: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }
  str(s: string): void {
    const b = Writer.enc.encode(s);
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

class Reader {
  private readonly view: DataView;
  private pos = 0;
  private static readonly dec = new TextDecoder("utf-8", { fatal: true });
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  u32(): number {
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  num(): number {
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    if (!Number.isSafeInteger(x)) throw new RangeError("snapshot: not a safe integer");
    return x;
  }
  str(): string {
    const n = this.u32();
    if (this.pos + n > this.buf.length) throw new RangeError("snapshot: truncated");
    const s = Reader.dec.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  done(): boolean {
    return this.pos === this.buf.length;
  }
}

function writeSide(w: Writer, s: SideOrders): void {
  w.num(s.qty);
  w.num(s.qtyPrice);
  w.num(s.qtyLoss);
  w.num(s.roQty);
}
function readSide(r: Reader): SideOrders {
  return { qty: r.num(), qtyPrice: r.num(), qtyLoss: r.num(), roQty: r.num() };
}

export function encodeState(st: SequencerState, port: MatchPort): Uint8Array {
  const w = new Writer();
  w.u32(MAGIC);
  w.u32(VERSION);
  for (const x of [st.lastSeq, st.nextTradeId, st.netDeposits, st.insuranceFund, st.feeAccount]) w.num(x);
  w.num(st.symbols.size);
  for (const s of st.symbols.values()) {
    w.str(JSON.stringify(s.inst));
    for (const x of [s.indexPrice, s.lastPrice, s.markPrice, s.bookUpdateId]) w.num(x);
    const book = port.exportBook(s.inst.symbolId);
    w.num(book.updateId);
    w.num(book.orders.length);
    for (const o of book.orders)
      for (const x of [o.orderId, o.userId, o.side, o.price, o.remaining]) w.num(x);
  }
  w.num(st.accounts.size);
  for (const a of st.accounts.values()) {
    w.num(a.userId);
    w.num(a.crossWallet);
    w.num(a.inLiquidation ? 1 : 0);
    w.num(a.positions.size);
    for (const p of a.positions.values()) {
      for (const x of [p.symbolId, p.qty, p.entryValue, p.leverage, p.marginType, p.isolatedWallet]) w.num(x);
      writeSide(w, p.buy);
      writeSide(w, p.sell);
      w.num(p.orderIds.size);
      for (const id of p.orderIds) w.num(id);
    }
    w.num(a.clientOrderIds.size);
    for (const [cid, id] of a.clientOrderIds) {
      w.str(cid);
      w.num(id);
    }
  }
  w.num(st.orders.size);
  for (const o of st.orders.values()) writeOrder(w, o);
  for (const set of [st.txIds, st.withdrawIds]) {
    w.num(set.size);
    for (const id of set) w.str(id);
  }
  return w.bytes();
}

function writeOrder(w: Writer, o: OpenOrder): void {
  w.num(o.orderId);
  w.str(o.clientOrderId);
  for (const x of [o.userId, o.symbolId, o.side, o.type, o.tif, o.status, o.price, o.bookPrice, o.stopPrice])
    w.num(x);
  for (const x of [o.origQty, o.executedQty, o.cumQuoteUnits]) w.num(x);
  w.num(o.reduceOnly ? 1 : 0);
  w.num(o.closePosition ? 1 : 0);
  for (const x of [o.workingType, o.stp, o.openLoss, o.rejectReason, o.createTime]) w.num(x);
}

function readOrder(r: Reader): OpenOrder {
  const orderId = r.num();
  const clientOrderId = r.str();
  return {
    orderId,
    clientOrderId,
    userId: r.num(),
    symbolId: r.num(),
    side: r.num() as Side,
    type: r.num() as OrderType,
    tif: r.num() as TimeInForce,
    status: r.num() as OrderStatus,
    price: r.num(),
    bookPrice: r.num(),
    stopPrice: r.num(),
    origQty: r.num(),
    executedQty: r.num(),
    cumQuoteUnits: r.num(),
    reduceOnly: r.num() === 1,
    closePosition: r.num() === 1,
    workingType: r.num() as WorkingType,
    stp: r.num() as StpMode,
    openLoss: r.num(),
    rejectReason: r.num(),
    createTime: r.num(),
  };
}

/** Rebuilds the state and loads the books into `port` (which must hold no books yet). */
export function decodeState(bytes: Uint8Array, port: MatchPort): SequencerState {
  const r = new Reader(bytes);
  if (r.u32() !== MAGIC) throw new RangeError("not a sequencer snapshot");
  if (r.u32() !== VERSION) throw new RangeError("unsupported sequencer snapshot version");
  const st = new SequencerState();
  st.lastSeq = r.num();
  st.nextTradeId = r.num();
  st.netDeposits = r.num();
  st.insuranceFund = r.num();
  st.feeAccount = r.num();
  const books: [number, BookImage][] = [];
  for (let n = r.num(); n > 0; n--) {
    const inst = canonicalInstrument(JSON.parse(r.str()) as Instrument);
    st.symbols.set(inst.symbolId, {
      inst,
      factor: notionalFactor(inst),
      indexPrice: r.num(),
      lastPrice: r.num(),
      markPrice: r.num(),
      bookUpdateId: r.num(),
    });
    const image: BookImage = { updateId: r.num(), orders: [] };
    for (let k = r.num(); k > 0; k--) {
      image.orders.push({
        orderId: r.num(),
        userId: r.num(),
        side: r.num() as Side,
        price: r.num(),
        remaining: r.num(),
      });
    }
    books.push([inst.symbolId, image]);
  }
  const sides: [SideOrders, SideOrders][] = [];
  for (let n = r.num(); n > 0; n--) {
    const acc = newAccount(r.num());
    acc.crossWallet = r.num();
    acc.inLiquidation = r.num() === 1;
    for (let k = r.num(); k > 0; k--) {
      const symbolId = r.num();
      const sym = st.symbols.get(symbolId);
      if (sym === undefined) throw new RangeError("snapshot: position in an unknown symbol");
      const p = newPosition(acc.userId, sym.inst);
      p.qty = r.num();
      p.entryValue = r.num();
      p.leverage = r.num();
      p.marginType = r.num() as MarginType;
      p.isolatedWallet = r.num();
      sides.push([p.buy, readSide(r)], [p.sell, readSide(r)]);
      for (let j = r.num(); j > 0; j--) p.orderIds.add(r.num());
      acc.positions.set(symbolId, p);
    }
    for (let k = r.num(); k > 0; k--) {
      const cid = r.str();
      acc.clientOrderIds.set(cid, r.num());
    }
    st.accounts.set(acc.userId, acc);
  }
  for (let n = r.num(); n > 0; n--) {
    const o = readOrder(r);
    st.orders.set(o.orderId, o);
    const pos = st.accounts.get(o.userId)?.positions.get(o.symbolId);
    if (pos === undefined || !pos.orderIds.has(o.orderId)) throw new RangeError("snapshot: orphan order");
    reserve(pos, o, remainingOf(o), 1);
  }
  for (const set of [st.txIds, st.withdrawIds]) for (let n = r.num(); n > 0; n--) set.add(r.str());
  if (!r.done()) throw new RangeError("snapshot: trailing bytes");
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
