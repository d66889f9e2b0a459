// piscina worker for the snapshot store: compresses or decompresses one snapshot body per task, so a
// multi-megabyte state never blocks the main thread (sequencer or gateway). Stateless.
import { move, transferableSymbol, valueSymbol } from "piscina";
import {
  type CompressResult,
  type CompressTask,
  compress,
  type DecompressResult,
  type DecompressTask,
  decompress,
} from "./snapshot-codec.js";

export default function run(task: CompressTask | DecompressTask): unknown {
  const result = task.kind === "compress" ? compress(task) : decompress(task);
  const bytes = "body" in result ? result.body : result.data;
  // hand the result's buffer over instead of copying it, unless it is shared (a pooled small Buffer,
  // or the task's own input when the codec is "none")
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || bytes.byteLength < 4096)
    return result;
  return movable(result, bytes.buffer as ArrayBuffer);
}

/** piscina's documented way to transfer part of a result: an object with its two symbols, marked by move() */
function movable(value: CompressResult | DecompressResult, buffer: ArrayBuffer): unknown {
  const wrapper = {
    get [transferableSymbol]() {
      return [buffer];
    },
    get [valueSymbol]() {
      return value;
    },
  };
  return move(wrapper as unknown as Parameters<typeof move>[0]);
}
