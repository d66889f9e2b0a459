// Engine commands: what the gateway, the oracle feed and the schedulers write to the command log, and
// what the sequencer applies in one total order. Units: prices at the instrument's priceDecimals,
// quantities at qtyDecimals, money in micro-USDT, rates in parts per 1e8, times in ms since epoch.
// Every command carries `ts`, stamped when it enters the log: the engine never reads a clock.
import type { Instrument, MarginType, OrderType, Side, StpMode, TimeInForce, WorkingType } from "./domain.js";

/** Opcodes are part of the log format: never renumber, only append. */
export const Op = {
  CREATE_USER: 1,
  DEPOSIT: 2,
  WITHDRAW: 3,
  SET_LEVERAGE: 4,
  SET_MARGIN_TYPE: 5,
  ADJUST_ISOLATED_MARGIN: 6,
  PLACE_ORDER: 7,
  AMEND_ORDER: 8,
  CANCEL_ORDER: 9,
  CANCEL_ALL: 10,
  UPSERT_INSTRUMENT: 11,
  ORACLE_PRICE: 12,
  MARK_SAMPLE: 13,
  PAY_FUNDING: 14,
  COUNTDOWN_CANCEL_ALL: 15,
  SNAPSHOT: 16,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/**
 * Does applying the opcode change engine state? Every command is journaled (the log is the total
 * order), but only mutating ones matter for replay; SNAPSHOT asks for a snapshot and changes nothing.
 */
export const OP_MUTATES: Readonly<Record<Op, boolean>> = {
  1: true,
  2: true,
  3: true,
  4: true,
  5: true,
  6: true,
  7: true,
  8: true,
  9: true,
  10: true,
  11: true,
  12: true,
  13: true,
  14: true,
  15: true,
  16: false,
};

interface Base {
  /** ms since epoch, stamped when the command entered the log */
  ts: number;
}

export interface CreateUser extends Base {
  op: typeof Op.CREATE_USER;
  userId: number;
}
export interface Deposit extends Base {
  op: typeof Op.DEPOSIT;
  userId: number;
  /** micro-USDT, > 0 */
  amount: number;
  /** idempotency key: a txId seen before is a no-op */
  txId: string;
}
export interface Withdraw extends Base {
  op: typeof Op.WITHDRAW;
  userId: number;
  amount: number;
  withdrawId: string;
}
export interface SetLeverage extends Base {
  op: typeof Op.SET_LEVERAGE;
  userId: number;
  symbolId: number;
  leverage: number;
}
export interface SetMarginType extends Base {
  op: typeof Op.SET_MARGIN_TYPE;
  userId: number;
  symbolId: number;
  marginType: MarginType;
}
export interface AdjustIsolatedMargin extends Base {
  op: typeof Op.ADJUST_ISOLATED_MARGIN;
  userId: number;
  symbolId: number;
  /** micro-USDT; > 0 adds to the isolated wallet, < 0 removes */
  amount: number;
}
export interface PlaceOrder extends Base {
  op: typeof Op.PLACE_ORDER;
  /** assigned by the gateway before the command is logged; unique for ever */
  orderId: number;
  userId: number;
  symbolId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  /** limit price (0 for market types) */
  price: number;
  /** quantity (0 allowed only with closePosition) */
  qty: number;
  /** trigger price for STOP/TAKE_PROFIT types (0 otherwise) */
  stopPrice: number;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: WorkingType;
  /** trailing: callback rate in parts per 1e8 (0 otherwise) */
  callbackRate: number;
  /** trailing: activation price (0 = active at once) */
  activationPrice: number;
  stp: StpMode;
}
export interface AmendOrder extends Base {
  op: typeof Op.AMEND_ORDER;
  userId: number;
  symbolId: number;
  orderId: number;
  /** new limit price (the old one when unchanged) */
  price: number;
  /** new original quantity (the old one when unchanged); ≤ executed qty cancels the rest */
  qty: number;
}
export interface CancelOrder extends Base {
  op: typeof Op.CANCEL_ORDER;
  userId: number;
  symbolId: number;
  orderId: number;
}
export interface CancelAll extends Base {
  op: typeof Op.CANCEL_ALL;
  userId: number;
  symbolId: number;
}
export interface UpsertInstrument extends Base {
  op: typeof Op.UPSERT_INSTRUMENT;
  instrument: Instrument;
}
export interface OraclePrice extends Base {
  op: typeof Op.ORACLE_PRICE;
  symbolId: number;
  price: number;
}
/** Periodic mark/premium sample, written by a scheduler (SPEC §6); symbolId 0 = every symbol. */
export interface MarkSample extends Base {
  op: typeof Op.MARK_SAMPLE;
  symbolId: number;
}
/** symbolId 0 = every symbol. Paying the same (symbol, fundingTime) twice is a no-op. */
export interface PayFunding extends Base {
  op: typeof Op.PAY_FUNDING;
  symbolId: number;
  fundingTime: number;
}
/** Dead-man switch: cancel all of the user's orders on the symbol at `deadline` unless re-armed. */
export interface CountdownCancelAll extends Base {
  op: typeof Op.COUNTDOWN_CANCEL_ALL;
  userId: number;
  symbolId: number;
  /** 0 disarms */
  deadline: number;
}
export interface SnapshotRequest extends Base {
  op: typeof Op.SNAPSHOT;
}

export type Command =
  | CreateUser
  | Deposit
  | Withdraw
  | SetLeverage
  | SetMarginType
  | AdjustIsolatedMargin
  | PlaceOrder
  | AmendOrder
  | CancelOrder
  | CancelAll
  | UpsertInstrument
  | OraclePrice
  | MarkSample
  | PayFunding
  | CountdownCancelAll
  | SnapshotRequest;

/** A command as read back from the log: its position in the total order. */
export interface LoggedCommand {
  /** log position, 1-based, gap-free: the engine sequence of the command */
  seq: number;
  cmd: Command;
}
