// The receive side of a ShardRouter: decodes the workers' answers from the output rings and delivers
// them to a sink in the order the commands were sent, across all shards (the in-flight FIFO says which
// output ring holds the next answer). Owner: the ShardRouter (main thread), the rings' only consumer.
import { decodeEvent } from "@perpx/shared/codec/matcher/decode";
import { EventFields } from "@perpx/shared/codec/matcher/fields";
import { DecodeStatus, MatcherOp } from "@perpx/shared/codec/matcher/opcodes";
import { dispatchEvent, type MatcherEventSink } from "./matcher-events.js";
import { ShardSender } from "./shard-sender.js";

/** output slots polled per drain step */
const DRAIN_BATCH = 256;

export abstract class ShardDrain extends ShardSender {
  /** commands whose COMMAND_DONE has been delivered (statistic) */
  completed = 0;
  private readonly ev = new EventFields();
  private eventsThisCommand = 0;

  /**
   * Delivers the answers that have arrived, in send order, stopping at the first command whose answer is
   * not complete yet (its events so far are delivered). Never blocks. Returns the commands completed.
   */
  drain(sink: MatcherEventSink, maxCommands = Number.POSITIVE_INFINITY): number {
    if (this.failure !== null) throw this.unavailable();
    this.flush();
    const ev = this.ev;
    let done = 0;
    const queue = this.queue;
    while (queue.size > 0 && done < maxCommands) {
      const s = queue.headShard();
      const ring = this.outputs[s]!;
      const n = ring.poll(DRAIN_BATCH);
      if (n === 0) break;
      const view = ring.view;
      let off = ring.readOffset();
      let used = 0;
      while (used < n) {
        const status = decodeEvent(view, off, ev);
        used++;
        if (status !== DecodeStatus.OK) {
          ring.release(used);
          return this.protocolError(s, `undecodable event (status ${status}, opcode ${view.getUint8(off)})`);
        }
        if (ev.op === MatcherOp.COMMAND_DONE) {
          if (ev.seq !== queue.headSeq() || ev.eventCount !== this.eventsThisCommand) {
            ring.release(used);
            return this.protocolError(
              s,
              `COMMAND_DONE seq ${ev.seq} with ${ev.eventCount} events, expected seq ${queue.headSeq()} ` +
                `with ${this.eventsThisCommand}`,
            );
          }
          this.eventsThisCommand = 0;
          queue.pop();
          this.inFlightByShard[s]!--;
          this.completed++;
          done++;
          sink.commandDone(ev.seq);
          // keep reading this batch while the next answer is from the same shard: one release per batch
          if (done >= maxCommands || queue.size === 0 || queue.headShard() !== s) break;
          off = ring.next(off);
          continue;
        }
        this.eventsThisCommand++;
        dispatchEvent(ev, sink);
        off = ring.next(off);
      }
      ring.release(used);
    }
    return done;
  }

  private protocolError(shard: number, message: string): never {
    this.fail(shard, `shard ${shard} protocol error: ${message}`);
    throw this.unavailable();
  }
}
