// Schedulers outside the engine that turn wall-clock time into commands in the log (SPEC §6, §7, §12):
// the engine itself never reads a clock, so periodic work (mark samples, funding, the demo index feed)
// exists only as logged commands and replays identically.
import { type Command, Op } from "@perpx/shared/commands";
import type { Instrument } from "@perpx/shared/domain";

export type Append = (cmds: readonly Command[]) => Promise<unknown>;
export type Clock = () => number;

const HOUR_MS = 3_600_000;

/** The funding time at or before `now` for an interval of `hours` (00:00/08:00/16:00 UTC for 8 h). */
export function lastFundingTime(now: number, hours: number): number {
  const step = hours * HOUR_MS;
  return Math.floor(now / step) * step;
}

export function nextFundingTime(now: number, hours: number): number {
  return lastFundingTime(now, hours) + hours * HOUR_MS;
}

export interface Scheduler {
  stop(): void;
}

/** Runs `tick` every `everyMs` (unref'd timer); errors go to onError, the schedule continues. */
function every(everyMs: number, tick: () => Promise<void>, onError: (e: unknown) => void): Scheduler {
  let busy = false;
  const t = setInterval(() => {
    if (busy) return; // never pile up when the log is slow
    busy = true;
    tick()
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  t.unref();
  return { stop: () => clearInterval(t) };
}

/**
 * Writes PAY_FUNDING for each funding time as it passes. On start it also writes the latest funding
 * time already passed: the engine ignores a (symbol, fundingTime) it has paid, so this is safe and
 * catches up on a boundary missed while the exchange was down.
 */
export function startFundingScheduler(
  append: Append,
  clock: Clock,
  intervalHours: number,
  onError: (e: unknown) => void,
  checkEveryMs = 1000,
): Scheduler {
  let last = -1;
  const tick = async () => {
    const now = clock();
    const ft = lastFundingTime(now, intervalHours);
    if (ft === last) return;
    await append([{ op: Op.PAY_FUNDING, ts: now, symbolId: 0, fundingTime: ft }]);
    last = ft;
  };
  void tick().catch(onError);
  return every(checkEveryMs, tick, onError);
}

/** MARK_SAMPLE for every symbol at a fixed cadence (SPEC §6: the premium/mark sample clock). */
export function startMarkSampler(
  append: Append,
  clock: Clock,
  everyMs: number,
  onError: (e: unknown) => void,
): Scheduler {
  return every(
    everyMs,
    () => append([{ op: Op.MARK_SAMPLE, ts: clock(), symbolId: 0 }]).then(() => undefined),
    onError,
  );
}

/**
 * The embedded demo index feed (DEMO_FEED=on): a bounded random walk per symbol around a start price,
 * written as ORACLE_PRICE commands. Randomness lives here, outside the engine, and the log records the
 * result, so replay is deterministic.
 */
export function startDemoFeed(
  append: Append,
  clock: Clock,
  instruments: readonly Instrument[],
  startPrices: ReadonlyMap<number, number>,
  everyMs: number,
  onError: (e: unknown) => void,
): Scheduler {
  const prices = new Map(startPrices);
  return every(
    everyMs,
    async () => {
      const ts = clock();
      const cmds: Command[] = [];
      for (const inst of instruments) {
        const p0 = prices.get(inst.symbolId);
        if (p0 === undefined) continue;
        // step of up to ±5 bp, in whole ticks, never below 1 tick
        const maxStep = Math.max(1, Math.floor(p0 / 20_000 / inst.tickUnits));
        const step = Math.round((Math.random() * 2 - 1) * maxStep) * inst.tickUnits;
        const p = Math.max(inst.tickUnits, p0 + step);
        prices.set(inst.symbolId, p);
        cmds.push({ op: Op.ORACLE_PRICE, ts, symbolId: inst.symbolId, price: p });
      }
      if (cmds.length) await append(cmds);
    },
    onError,
  );
}
