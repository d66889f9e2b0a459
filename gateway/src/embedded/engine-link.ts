// The gateway's EngineLink in the embedded deployment: the engine runs in this process, its event
// batches feed the in-memory read model first, then wake the requests waiting for a result.
// Owner: this link is the only subscriber that writes the read model.
import type { EngineRunner } from "@perpx/engine/runtime/engine-runner";
import { Ev } from "@perpx/shared/events";
import type { ReadModel } from "../read-model/read-model.js";
import type { OrderView } from "../read-model/views.js";
import type { EngineLink } from "../types.js";

interface OrderWaiter {
  userId: number;
  resolve: (v: OrderView | undefined) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class EmbeddedEngineLink implements EngineLink {
  private readonly orderWaiters = new Map<number, OrderWaiter[]>();
  private caughtUp = false;

  constructor(
    private readonly runner: EngineRunner,
    private readonly readModel: ReadModel,
    private readonly logLastSeq: () => number,
  ) {
    runner.subscribe((events) => {
      readModel.apply(events);
      if (this.orderWaiters.size === 0) return;
      for (const e of events) {
        if (e.ev !== Ev.ORDER) continue;
        const list = this.orderWaiters.get(e.orderId);
        if (!list) continue;
        this.orderWaiters.delete(e.orderId);
        for (const w of list) {
          clearTimeout(w.timer);
          w.resolve(readModel.orderById(w.userId, e.orderId));
        }
      }
    });
  }

  /** Call once the runner has replayed the log at start. */
  markCaughtUp(): void {
    this.caughtUp = true;
  }

  async waitForOrder(userId: number, orderId: number, timeoutMs: number): Promise<OrderView | undefined> {
    // The PLACE command is durable (seq ≤ the log's last seq now); once that much is applied the read
    // model knows the order, whatever its outcome. Waiting on the seq avoids racing the event batch.
    const target = this.logLastSeq();
    if (!(await this.runner.waitApplied(target, timeoutMs))) return this.pending(userId, orderId, timeoutMs);
    return this.readModel.orderById(userId, orderId) ?? this.pending(userId, orderId, timeoutMs);
  }

  waitForSeq(seq: number, timeoutMs: number): Promise<boolean> {
    return this.runner.waitApplied(seq, timeoutMs);
  }

  ready(): boolean {
    return this.caughtUp && this.runner.appliedSeq >= this.logLastSeq() - 10_000;
  }

  /** The order's events have not arrived yet (e.g. appended by another request later): wait for them. */
  private pending(userId: number, orderId: number, timeoutMs: number): Promise<OrderView | undefined> {
    const now = this.readModel.orderById(userId, orderId);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const list = this.orderWaiters.get(orderId) ?? [];
      const w: OrderWaiter = {
        userId,
        resolve,
        timer: setTimeout(() => {
          const l = this.orderWaiters.get(orderId);
          if (l) {
            l.splice(l.indexOf(w), 1);
            if (l.length === 0) this.orderWaiters.delete(orderId);
          }
          resolve(undefined);
        }, timeoutMs),
      };
      list.push(w);
      this.orderWaiters.set(orderId, list);
    });
  }
}
