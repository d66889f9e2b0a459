// Wire shapes. REST answers are the gateway's own view types (type-only imports: nothing of the gateway
// is bundled); stream messages follow docs/stream.md. Decimals are strings, times ms since epoch.
export type {
  AccountView,
  AdlQuantileView,
  AtRiskPositionView,
  FundingPaymentView,
  InstrumentView,
  InsuranceFundView,
  InsuranceHistoryView,
  OrderView,
  PositionView,
  PremiumIndexView,
  PublicTradeView,
  SolvencyView,
  TickerView,
  UserTradeView,
} from "@perpx/gateway/read-model/views";

export type Level = [price: string, qty: string];

export interface DepthSnapshotMsg {
  channel: string;
  type: "snapshot";
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
  E: number;
  cs: number;
}

export interface DepthDiffMsg {
  channel: string;
  U: number;
  u: number;
  pu: number;
  b: Level[];
  a: Level[];
  E: number;
  cs: number;
}

/** trades:SYM — m: buyer is maker; X: NORMAL | LIQUIDATION | ADL */
export interface TradeMsg {
  channel: string;
  t: number;
  p: string;
  q: string;
  m: boolean;
  T: number;
  X: string;
}

/** markPrice:SYM — p mark, i index, r predicted funding rate, T next funding time */
export interface MarkMsg {
  channel: string;
  p: string;
  i: string;
  r: string;
  T: number;
  E: number;
}

/** forceOrder:SYM — S: side of the forced (taking) order */
export interface ForceOrderMsg {
  channel: string;
  t: number;
  X: string;
  S: string;
  p: string;
  q: string;
  T: number;
}

/** ticker:SYM — 24 h rolling: P change %, c last, v base volume, q quote volume */
export interface TickerMsg {
  channel: string;
  p: string;
  P: string;
  o: string;
  h: string;
  l: string;
  c: string;
  v: string;
  q: string;
  n: number;
}

/** user — e: order | fill | position | balance | marginCall | funding | deposit | withdrawal | leverage | reject */
export interface UserMsg {
  channel: "user";
  e: string;
  seq: number;
  E: number;
  [k: string]: unknown;
}

export interface UiConfig {
  wsUrl: string | null;
  uiServed: boolean;
}
