// What the generator measures: REST latency (HdrHistogram, µs), per-second series for the plot, counts
// by "METHOD route status" (compared with /metrics) and by error name, the commands its accepted
// requests appended, and the WebSocket delivery latencies.
import * as hdr from "hdr-histogram-js";

export interface Pcts {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** A histogram of µs values; percentiles reported in ms. */
export class Hist {
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });

  recordMs(ms: number): void {
    this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  pcts(): Pcts {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.h.totalCount,
      p50: ms(this.h.getValueAtPercentile(50)),
      p90: ms(this.h.getValueAtPercentile(90)),
      p99: ms(this.h.getValueAtPercentile(99)),
      p999: ms(this.h.getValueAtPercentile(99.9)),
      max: ms(this.h.maxValue),
      mean: ms(this.h.mean),
    };
  }

  reset(): void {
    this.h.reset();
  }
}

export interface Second {
  t: number;
  sent: number;
  acked: number;
  errors: number;
  p50: number;
  p99: number;
}

const COMMAND_ROUTES = new Set([
  "POST /api/v1/order",
  "PUT /api/v1/order",
  "DELETE /api/v1/order",
  "DELETE /api/v1/orders",
  "POST /api/v1/leverage",
  "POST /api/v1/admin/users",
  "POST /api/v1/admin/deposits",
  "POST /api/v1/admin/index-price",
  "POST /api/v1/admin/funding",
]);

export class Recorder {
  readonly rest = new Hist();
  readonly byRoute = new Map<string, Hist>();
  /** "METHOD route status" → responses */
  readonly responses = new Map<string, number>();
  /** catalog error name (or HTTP_<status>, TRANSPORT) → count */
  readonly errors = new Map<string, number>();
  readonly seconds: Second[] = [];
  readonly wsAckToUpdate = new Hist();
  readonly wsTradeDelivery = new Hist();
  sent = 0;
  acked = 0;
  failed = 0;
  serverErrors = 0;
  transportErrors = 0;
  /** commands the exchange appended for this generator's requests (2xx or 504 on a command route) */
  commands = 0;
  skipped = 0;
  private readonly window = new Hist();
  private last = { sent: 0, acked: 0, errors: 0 };

  onSent(): void {
    this.sent++;
  }

  onResponse(method: string, route: string, status: number, ms: number, errorName?: string): void {
    const key = `${method} ${route}`;
    this.responses.set(`${key} ${status}`, (this.responses.get(`${key} ${status}`) ?? 0) + 1);
    this.rest.recordMs(ms);
    this.window.recordMs(ms);
    let h = this.byRoute.get(key);
    if (!h) {
      h = new Hist();
      this.byRoute.set(key, h);
    }
    h.recordMs(ms);
    if (status >= 200 && status < 300) this.acked++;
    else {
      this.failed++;
      const name = errorName ?? `HTTP_${status}`;
      this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
    }
    if (status >= 500) this.serverErrors++;
    if (COMMAND_ROUTES.has(key) && ((status >= 200 && status < 300) || status === 504)) this.commands++;
  }

  onTransportError(err: unknown): void {
    this.failed++;
    this.transportErrors++;
    const name = `TRANSPORT ${(err as { code?: string }).code ?? "ERROR"}`;
    this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
  }

  /** Starts the per-second series (after the set-up). */
  startSeries(): void {
    this.last = { sent: this.sent, acked: this.acked, errors: this.failed };
    this.window.reset();
  }

  /** Closes one second of the series; returns it. */
  tick(t: number): Second {
    const p = this.window.pcts();
    const s: Second = {
      t,
      sent: this.sent - this.last.sent,
      acked: this.acked - this.last.acked,
      errors: this.failed - this.last.errors,
      p50: p.count ? p.p50 : 0,
      p99: p.count ? p.p99 : 0,
    };
    this.last = { sent: this.sent, acked: this.acked, errors: this.failed };
    this.window.reset();
    this.seconds.push(s);
    return s;
  }
}
