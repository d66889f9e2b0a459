// Waiting for the journal to move on: for the next append (execute-ahead: the runner waits here each
// time it has applied everything appended — once per event-loop turn at a steady rate, so this is kept
// cheap: every waiter shares one promise, and one timer object, re-armed, bounds every wait), and for
// the durable seq to pass a given seq (waitFor). Owner: the journal (main thread).

const RESOLVED_FALSE = Promise.resolve(false);

/** The next append: resolves true when one happens, false after the wait's timeout or on close. */
export class AppendSignal {
  private pending: Promise<boolean> | null = null;
  private settle: ((ok: boolean) => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerMs = 0;
  private closed = false;

  /** Resolves true at the next wake(), false after `timeoutMs` (the first waiter's, if several share it). */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.closed || timeoutMs <= 0) return RESOLVED_FALSE;
    if (this.pending) return this.pending;
    this.pending = new Promise<boolean>((resolve) => {
      this.settle = resolve;
    });
    if (this.timer && this.timerMs === timeoutMs) this.timer.refresh();
    else {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(this.onTimeout, timeoutMs);
      this.timerMs = timeoutMs;
    }
    return this.pending;
  }

  get waiting(): boolean {
    return this.settle !== null;
  }

  wake(ok = true): void {
    const settle = this.settle;
    if (!settle) return;
    this.pending = null;
    this.settle = null;
    // the timer stays armed (it finds no waiter when it fires): re-arming one costs less than a new one
    settle(ok);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake(false);
  }

  private readonly onTimeout = (): void => this.wake(false);
}

interface Waiter {
  after: number;
  resolve: (ok: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Callers of waitFor: each resolves true once the durable seq passes its `after`, false on timeout. */
export class DurableWaiters {
  private waiters: Waiter[] = [];

  wait(after: number, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const w: Waiter = {
        after,
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** The durable seq is now `durableSeq`. */
  notify(durableSeq: number): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (durableSeq > w.after) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Resolves every waiter false. */
  close(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }
}
