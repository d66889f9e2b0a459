// The signed-in user's state, read over REST (the source of truth): account, positions, ADL lights,
// open orders and histories. The `user` stream only says *when* to read again (debounced), and a slow
// poll keeps unrealized PnL moving with the mark. After a reconnect everything is read again.
import type { Api } from "../lib/api.js";
import type { Stream } from "../lib/stream.js";
import type {
  AccountView,
  AdlQuantileView,
  FundingPaymentView,
  OrderView,
  PositionView,
  UserTradeView,
} from "../lib/types.js";

export interface UserSnapshot {
  signedIn: boolean;
  account: AccountView | undefined;
  positions: PositionView[];
  adl: AdlQuantileView[];
  open: OrderView[];
  orders: OrderView[];
  trades: UserTradeView[];
  funding: FundingPaymentView[];
  /** the last refresh failed with this */
  error?: string;
}

const EMPTY: UserSnapshot = {
  signedIn: false,
  account: undefined,
  positions: [],
  adl: [],
  open: [],
  orders: [],
  trades: [],
  funding: [],
};
const DEBOUNCE_MS = 120;
const POLL_MS = 5_000;

export class UserData {
  snapshot: UserSnapshot = EMPTY;
  private readonly listeners = new Set<(s: UserSnapshot) => void>();
  private signedIn = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly api: Api,
    private readonly symbol: string,
    stream: Stream,
  ) {
    stream.on("user", () => this.soon());
    stream.onConnect(() => this.soon());
    setInterval(() => {
      if (this.signedIn && document.visibilityState === "visible") void this.refresh();
    }, POLL_MS);
  }

  subscribe(cb: (s: UserSnapshot) => void): void {
    this.listeners.add(cb);
    cb(this.snapshot);
  }

  setSignedIn(on: boolean): void {
    this.signedIn = on;
    this.generation++;
    if (on) void this.refresh();
    else this.publish(EMPTY);
  }

  soon(): void {
    if (!this.signedIn) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  async refresh(): Promise<void> {
    if (!this.signedIn) return;
    const gen = this.generation;
    const s = this.symbol;
    try {
      const [account, positions, adl, open, orders, trades, funding] = await Promise.all([
        this.api.get<AccountView>("/api/v1/account"),
        this.api.get<PositionView[]>("/api/v1/positions"),
        this.api.get<AdlQuantileView[]>("/api/v1/adl-quantile"),
        this.api.get<OrderView[]>(`/api/v1/orders/open?symbol=${s}`),
        this.api.get<OrderView[]>(`/api/v1/orders?symbol=${s}&limit=50`),
        this.api.get<UserTradeView[]>(`/api/v1/trades?symbol=${s}&limit=50`),
        this.api.get<FundingPaymentView[]>("/api/v1/funding?limit=50"),
      ]);
      if (gen !== this.generation) return; // signed out or in as someone else meanwhile
      this.publish({ signedIn: true, account, positions, adl, open, orders, trades, funding });
    } catch (e) {
      if (gen !== this.generation) return;
      this.publish({ ...this.snapshot, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private publish(s: UserSnapshot): void {
    this.snapshot = s;
    for (const cb of this.listeners) cb(s);
  }
}
