// The worker threads behind a ShardRouter: starting them, the rings each one reads and writes, and
// supervision. Owner: the ShardRouter (main thread); ShardSender, ShardDrain and ShardRouter build on
// this class and share its per-shard state.
//
// Supervision: a worker that throws or exits, or an answer that breaks the protocol, marks the router
// failed: onError is called once, every later send/drain throws MatcherUnavailableError (code + retriable
// flag), waitForEvents resolves at once, and close() terminates what is left.
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { encodeShutdown } from "@perpx/shared/codec/matcher/shutdown";
import { DEFAULT_SPINS, SpscRing } from "@perpx/shared/ring/spsc-ring";
import { InFlightQueue } from "./in-flight-queue.js";
import { type MatcherFailure, MatcherUnavailableError } from "./matcher-failure.js";
import type { MatcherWorkerData } from "./matcher-shard.js";

export interface ShardRouterOptions {
  /** matcher worker threads, one per shard (symbolId % workers) */
  workers: number;
  /** slots per input ring = commands in flight per shard; power of two (default 4096 = 256 KiB) */
  inputCapacity?: number;
  /** slots per output ring; power of two (default 16384 = 1 MiB) */
  outputCapacity?: number;
  /** ring busy-wait iterations before parking, both sides (default DEFAULT_SPINS) */
  spins?: number;
  /**
   * the workers' own busy-wait iterations before parking on an empty input ring (default `spins`): long
   * keeps a worker hot between a synchronous caller's requests, 0 leaves the cores to others
   */
  workerSpins?: number;
  /** let workers accept MatcherOp.CRASH (supervision tests) */
  testHooks?: boolean;
  /** worker entry (default: matcher-worker.js next to this file; benches swap the book) */
  workerUrl?: URL;
  /** called once, with the first failure */
  onError: (failure: MatcherFailure) => void;
}

export abstract class ShardWorkers {
  readonly shardCount: number;
  protected readonly workers: Worker[] = [];
  protected readonly exits: Promise<void>[] = [];
  protected readonly inputs: SpscRing[] = [];
  protected readonly outputs: SpscRing[] = [];
  /** per worker: the error message a dying worker posts (read synchronously, see workerGone) */
  protected readonly errorPorts: MessagePort[] = [];
  protected readonly inFlightByShard: Int32Array;
  protected readonly maxInFlight: number;
  protected readonly queue: InFlightQueue;
  protected readonly onError: (f: MatcherFailure) => void;
  protected readonly testHooks: boolean;
  protected failure: MatcherFailure | null = null;
  protected closing = false;

  protected constructor(opts: ShardRouterOptions) {
    const n = opts.workers;
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`workers must be 1…256, got ${n}`);
    const inCap = opts.inputCapacity ?? 4096;
    const outCap = opts.outputCapacity ?? 16384;
    const spins = opts.spins ?? DEFAULT_SPINS;
    this.shardCount = n;
    this.onError = opts.onError;
    this.testHooks = opts.testHooks ?? false;
    this.maxInFlight = inCap;
    this.inFlightByShard = new Int32Array(n);
    this.queue = new InFlightQueue(n * inCap);
    const url = opts.workerUrl ?? new URL("./matcher-worker.js", import.meta.url);
    for (let i = 0; i < n; i++) {
      const input = SpscRing.create(inCap, { spins });
      const output = SpscRing.create(outCap, { spins });
      this.inputs.push(input);
      this.outputs.push(output);
      const channel = new MessageChannel();
      channel.port1.unref();
      this.errorPorts.push(channel.port1);
      const workerData: MatcherWorkerData = {
        shard: i,
        shardCount: n,
        input: input.sab,
        output: output.sab,
        spins: opts.workerSpins ?? spins,
        testHooks: this.testHooks,
        errors: channel.port2,
      };
      const w = new Worker(url, { workerData, transferList: [channel.port2] });
      w.on("error", (e: Error) => this.fail(i, `worker ${i} threw: ${e.message}`));
      this.exits.push(
        new Promise<void>((resolve) =>
          w.once("exit", (code) => {
            if (!this.closing) this.fail(i, `worker ${i} exited (code ${code})`);
            resolve();
          }),
        ),
      );
      this.workers.push(w);
    }
  }

  /** Resolves once every thread is running (rejects when one fails to start). */
  protected async online(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            w.once("online", resolve);
            w.once("error", (e) =>
              reject(new MatcherUnavailableError(`worker ${i} failed to start: ${e.message}`)),
            );
          }),
      ),
    );
  }

  /** The shard (worker index) that owns a symbol. */
  shardOf(symbolId: number): number {
    return symbolId % this.shardCount;
  }

  /** Commands sent whose COMMAND_DONE has not been delivered yet. */
  get inFlight(): number {
    return this.queue.size;
  }

  /** The first failure, or null while healthy. */
  get failed(): MatcherFailure | null {
    return this.failure;
  }

  /** Tests only: the thread of a shard (e.g. to terminate it). */
  workerOf(shard: number): Worker {
    return this.workers[shard]!;
  }

  protected unavailable(): MatcherUnavailableError {
    return new MatcherUnavailableError(this.failure?.message ?? "router closed");
  }

  /** Throws when the shard's worker is gone (see workerGone). */
  protected checkOpen(shard: number): void {
    if (this.workerGone(shard)) throw this.unavailable();
  }

  /**
   * A closed output ring with nothing left to read while answers are owed: the worker died (or the
   * router failed already). Fails the router then, and says so.
   */
  protected workerGone(shard: number): boolean {
    if (this.failure !== null) return true;
    const out = this.outputs[shard]!;
    const owed = this.inFlightByShard[shard]!;
    if (this.closing || owed === 0 || !out.closed || out.poll(1) > 0) return false;
    const posted = receiveMessageOnPort(this.errorPorts[shard]!)?.message;
    this.fail(
      shard,
      typeof posted === "string"
        ? `worker ${shard} threw: ${posted}`
        : `worker ${shard} stopped (output ring closed) with ${owed} answers owed`,
    );
    return true;
  }

  /**
   * A synchronous caller that waited too long for a shard gives up on it: the router fails as it would
   * for a dead worker (onError once, later calls throw), and the error to throw is returned.
   */
  giveUp(shard: number, message: string): MatcherUnavailableError {
    this.fail(shard, message);
    return this.unavailable();
  }

  protected fail(shard: number, message: string): void {
    if (this.failure !== null) return;
    this.failure = { code: "MATCHER_FAILED", retriable: false, shard, message };
    for (const r of this.outputs) r.wake(); // resolves a pending waitForEvents
    try {
      this.onError(this.failure);
    } catch {
      // the callback's own failure must not hide the shard's
    }
  }

  /**
   * Stops the workers: SHUTDOWN to each healthy one (answers not drained are dropped), terminate after
   * `timeoutMs` or at once when the router has failed. Later sends throw.
   */
  async close(timeoutMs = 2000): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (this.failure === null) {
        for (const r of this.inputs) {
          const off = r.tryClaim(1);
          if (off >= 0) encodeShutdown(r.view, off);
          r.publish();
        }
      }
    }
    const timeout = this.failure === null ? timeoutMs : 0;
    await Promise.all(
      this.workers.map(async (w, i) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<"late">((resolve) => {
          timer = setTimeout(() => resolve("late"), timeout);
        });
        if ((await Promise.race([this.exits[i]!, late])) === "late") await w.terminate();
        clearTimeout(timer);
        await this.exits[i];
      }),
    );
    for (const p of this.errorPorts) p.close();
  }
}
