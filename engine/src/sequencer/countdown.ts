// Dead-man switch (COUNTDOWN_CANCEL_ALL, Binance countdownCancelAll). Owner: the sequencer.
// Arming sets (or replaces) the deadline of one user and symbol; deadline 0 disarms. Before every command
// the sequencer fires, in (deadline, userId, symbolId) order, each switch whose deadline ≤ the command's
// ts: it cancels all of the user's orders on the symbol (conditional ones included) and disarms. Times
// come only from commands, so replay fires at the same commands. The armed switches are state
// (SequencerState.countdowns, in the snapshot); the heap is rebuilt from them.
import type { CountdownCancelAll } from "@perpx/shared/commands";
import { RejectReason } from "@perpx/shared/errors";
import { IndexedHeap } from "./indexed-heap.js";
import type { Countdown, SequencerState } from "./state.js";

const keyOf = (userId: number, symbolId: number) => `${userId}:${symbolId}`;

export class Countdowns {
  private readonly heap = new IndexedHeap<Countdown>(
    (a, b) =>
      a.deadline < b.deadline ||
      (a.deadline === b.deadline &&
        (a.userId < b.userId || (a.userId === b.userId && a.symbolId < b.symbolId))),
  );

  constructor(private readonly st: SequencerState) {}

  arm(cmd: CountdownCancelAll): RejectReason {
    const st = this.st;
    if (!st.accounts.has(cmd.userId)) return RejectReason.UNKNOWN_ACCOUNT;
    if (!st.symbols.has(cmd.symbolId)) return RejectReason.UNKNOWN_SYMBOL;
    if (!Number.isSafeInteger(cmd.deadline) || cmd.deadline < 0) return RejectReason.INVALID_PARAMETER;
    const key = keyOf(cmd.userId, cmd.symbolId);
    const c = st.countdowns.get(key);
    if (cmd.deadline === 0) {
      if (c !== undefined) {
        this.heap.remove(c);
        st.countdowns.delete(key);
      }
      return RejectReason.NONE;
    }
    if (c !== undefined) {
      c.deadline = cmd.deadline;
      this.heap.update(c);
    } else {
      const n: Countdown = {
        userId: cmd.userId,
        symbolId: cmd.symbolId,
        deadline: cmd.deadline,
        heapIndex: -1,
      };
      st.countdowns.set(key, n);
      this.heap.push(n);
    }
    return RejectReason.NONE;
  }

  /** Disarms and hands to `fire` every switch whose deadline ≤ ts, earliest first. */
  due(ts: number, fire: (c: Countdown) => void): void {
    for (let c = this.heap.peek(); c !== undefined && c.deadline <= ts; c = this.heap.peek()) {
      this.heap.pop();
      this.st.countdowns.delete(keyOf(c.userId, c.symbolId));
      fire(c);
    }
  }

  rebuild(): void {
    for (const c of this.st.countdowns.values()) {
      c.heapIndex = -1;
      this.heap.push(c);
    }
  }
}
