// Kafka message format of engine event batches on the output topics (SPEC §10), schema version 1,
// UTF-8 JSON, key null, one partition per topic:
//   {"v":1,"firstSeq":10,"firstIdx":0,"seq":12,"lastIdx":2,"count":7,"events":[{...EngineEvent}, ...]}
// Every event has a position (seq, idx): its engine seq and its index among the events of that seq
// published to this topic. Positions only grow along a topic. `firstSeq/firstIdx` is the position of the
// first event and `seq/lastIdx` of the last, so one command's events may be split over several messages
// (a funding run over 100 000 positions) and a consumer can still skip exactly what it has applied:
// its cursor is the position of the last event it applied, and an event is new iff its position is
// after the cursor. A deterministic engine re-emits the same events with the same positions on replay.
import type { EngineEvent } from "@perpx/shared/events";

export const EVENT_MESSAGE_VERSION = 1;

export interface EventPosition {
  seq: number;
  idx: number;
}

/** The cursor of a consumer that has applied nothing. */
export const CURSOR_ZERO: Readonly<EventPosition> = Object.freeze({ seq: 0, idx: -1 });

/** Is position (seq, idx) strictly after the cursor? */
export function isAfter(seq: number, idx: number, cursor: EventPosition): boolean {
  return seq > cursor.seq || (seq === cursor.seq && idx > cursor.idx);
}

/**
 * The events a consumer at `cursor` has not applied yet, in order. Positions must grow: an event at or
 * before the last one kept is a copy (an engine that re-published, a redelivery in the same chunk).
 */
export function freshEvents<E extends { seq: number; idx: number }>(
  events: readonly E[],
  cursor: EventPosition,
): E[] {
  const out: E[] = [];
  let seq = cursor.seq;
  let idx = cursor.idx;
  for (const e of events) {
    if (e.seq > seq || (e.seq === seq && e.idx > idx)) {
      out.push(e);
      seq = e.seq;
      idx = e.idx;
    }
  }
  return out;
}

export interface EventBatchHeader {
  firstSeq: number;
  firstIdx: number;
  seq: number;
  lastIdx: number;
  count: number;
  /**
   * Optional "applied up to" marker: the engine had applied every command with seq ≤ applied when this
   * message was closed, and every event of those commands on this topic is in this message or before
   * it. Lets a reader know that commands which produced no event (or no further event) are done. Set on
   * the last message of each engine batch on matching_engine_output; a message with count 0 carries only
   * the marker (its seq/lastIdx then repeat the position of the last event published before it).
   */
  applied?: number;
}

function appliedField(h: EventBatchHeader): string {
  return h.applied === undefined ? "" : `,"applied":${h.applied}`;
}

/** Builds a message from events already serialized one by one (the event log measures sizes with them). */
export function encodeEventBatch(h: EventBatchHeader, eventJson: readonly string[]): Buffer {
  return Buffer.from(
    `{"v":1,"firstSeq":${h.firstSeq},"firstIdx":${h.firstIdx},"seq":${h.seq},"lastIdx":${h.lastIdx},"count":${h.count}${appliedField(h)},"events":[${eventJson.join(",")}]}`,
  );
}

/** Same layout, with the events serialized in one JSON.stringify call (≈3× faster than one per event). */
export function encodeEvents(h: EventBatchHeader, events: readonly EngineEvent[]): Buffer {
  return Buffer.from(
    `{"v":1,"firstSeq":${h.firstSeq},"firstIdx":${h.firstIdx},"seq":${h.seq},"lastIdx":${h.lastIdx},"count":${h.count}${appliedField(h)},"events":${JSON.stringify(events)}}`,
  );
}

export interface PositionedEvent {
  ev: EngineEvent;
  seq: number;
  idx: number;
}

export interface DecodedEventBatch extends EventBatchHeader {
  events: PositionedEvent[];
}

export class EventDecodeError extends Error {
  override name = "EventDecodeError";
}

export function decodeEventBatch(value: Buffer | string | null): DecodedEventBatch {
  if (value === null) throw new EventDecodeError("empty message");
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(typeof value === "string" ? value : value.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new EventDecodeError("not JSON");
  }
  if (m.v !== EVENT_MESSAGE_VERSION) throw new EventDecodeError(`unknown version ${String(m.v)}`);
  const { firstSeq, firstIdx, seq, lastIdx, count, events, applied } = m;
  if (applied !== undefined && !Number.isSafeInteger(applied)) throw new EventDecodeError("bad applied");
  if (
    !Number.isSafeInteger(firstSeq) ||
    !Number.isSafeInteger(firstIdx) ||
    !Number.isSafeInteger(seq) ||
    !Number.isSafeInteger(lastIdx) ||
    !Array.isArray(events) ||
    events.length !== count
  )
    throw new EventDecodeError("bad header");
  const out: PositionedEvent[] = new Array(events.length);
  let prevSeq = -1;
  let idx = -1;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i] as EngineEvent;
    if (
      typeof ev !== "object" ||
      ev === null ||
      !Number.isSafeInteger(ev.seq) ||
      !Number.isSafeInteger(ev.ev)
    )
      throw new EventDecodeError(`bad event ${i}`);
    if (i === 0) {
      if (ev.seq !== firstSeq) throw new EventDecodeError("first event does not match firstSeq");
      idx = firstIdx as number;
    } else if (ev.seq === prevSeq) idx++;
    else if (ev.seq > prevSeq) idx = 0;
    else throw new EventDecodeError("events out of seq order");
    prevSeq = ev.seq;
    out[i] = { ev, seq: ev.seq, idx };
  }
  if (events.length > 0 && (prevSeq !== seq || idx !== lastIdx))
    throw new EventDecodeError("last event does not match seq/lastIdx");
  const decoded: DecodedEventBatch = {
    firstSeq: firstSeq as number,
    firstIdx: firstIdx as number,
    seq: seq as number,
    lastIdx: lastIdx as number,
    count: events.length,
    events: out,
  };
  if (applied !== undefined) decoded.applied = applied as number;
  return decoded;
}
