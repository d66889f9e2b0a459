// Kafka message format of the recorded total order, topic `matching_engine_sequence` (our addition to
// SPEC §10; docs/DISTRIBUTED.md). Schema version 1, UTF-8 JSON, key null, one partition:
//
//   {"v":1,"type":"start","instance":"<uuid>","at":1700000000000}
//       written by an engine when it takes over (after fencing the previous writer); a restarting
//       reader knows it has read the whole recorded sequence when it sees its own start record.
//   {"v":1,"type":"seq","first":101,"runs":[["save_order_from_client_v2",0,57,3],["matching_engine_input",0,12,1]]}
//       decisions: seq 101..103 are offsets 57..59 of save_order_from_client_v2 partition 0, seq 104 is
//       offset 12 of matching_engine_input. Runs are gap-free in seq; a run covers consecutive offsets.
//       Topic names are logical (unprefixed).
import { INPUT_TOPICS, type InputTopic } from "./topics.js";

export const SEQUENCE_MESSAGE_VERSION = 1;

/** count commands taken from `topic`/`partition` at offsets offset, offset+1, … */
export type Run = [topic: InputTopic, partition: number, offset: number, count: number];

export interface StartRecord {
  v: 1;
  type: "start";
  instance: string;
  /** wall-clock ms when the engine took over (information only; not engine state) */
  at: number;
}
export interface SeqRecord {
  v: 1;
  type: "seq";
  first: number;
  runs: Run[];
}
export type SequenceRecord = StartRecord | SeqRecord;

export function encodeSequenceRecord(r: SequenceRecord): Buffer {
  return Buffer.from(JSON.stringify(r));
}

export class SequenceDecodeError extends Error {
  override name = "SequenceDecodeError";
}

function isRun(x: unknown): x is Run {
  return (
    Array.isArray(x) &&
    x.length === 4 &&
    INPUT_TOPICS.includes(x[0] as InputTopic) &&
    Number.isSafeInteger(x[1]) &&
    Number.isSafeInteger(x[2]) &&
    Number.isSafeInteger(x[3]) &&
    (x[3] as number) > 0
  );
}

export function decodeSequenceRecord(value: Buffer | string | null): SequenceRecord {
  if (value === null) throw new SequenceDecodeError("empty message");
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(typeof value === "string" ? value : value.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new SequenceDecodeError("not JSON");
  }
  if (m.v !== SEQUENCE_MESSAGE_VERSION) throw new SequenceDecodeError(`unknown version ${String(m.v)}`);
  if (m.type === "start") {
    if (typeof m.instance !== "string" || !Number.isSafeInteger(m.at))
      throw new SequenceDecodeError("bad start record");
    return m as unknown as StartRecord;
  }
  if (m.type === "seq") {
    if (!Number.isSafeInteger(m.first) || (m.first as number) < 1) throw new SequenceDecodeError("bad first");
    if (!Array.isArray(m.runs) || m.runs.length === 0 || !m.runs.every(isRun))
      throw new SequenceDecodeError("bad runs");
    return m as unknown as SeqRecord;
  }
  throw new SequenceDecodeError(`unknown type ${String(m.type)}`);
}

/** Number of seqs a record covers. */
export function runsLength(runs: readonly Run[]): number {
  let n = 0;
  for (const r of runs) n += r[3];
  return n;
}

/** Appends one pick to a run list, extending the last run when it continues it. */
export function pushPick(runs: Run[], topic: InputTopic, partition: number, offset: number): void {
  const last = runs[runs.length - 1];
  if (last && last[0] === topic && last[1] === partition && last[2] + last[3] === offset) last[3]++;
  else runs.push([topic, partition, offset, 1]);
}
