// The binary messages of the matcher rings (main thread ⇄ matcher worker), one layout file each.
// Every message fits one 64-byte ring slot (shared/src/ring/ring-layout.ts).
export * from "./amend.js";
export * from "./amend-result.js";
export * from "./cancel.js";
export * from "./cancel-all.js";
export * from "./cancel-all-result.js";
export * from "./cancel-result.js";
export * from "./command-done.js";
export * from "./crash.js";
export * from "./decode.js";
export * from "./fields.js";
export * from "./level.js";
export * from "./opcodes.js";
export * from "./outcome.js";
export * from "./place.js";
export * from "./removed.js";
export * from "./restore-end.js";
export * from "./restore-order.js";
export * from "./sample-request.js";
export * from "./sample-result.js";
export * from "./shutdown.js";
export * from "./snapshot-book.js";
export * from "./snapshot-order.js";
export * from "./snapshot-request.js";
export * from "./trade.js";
export * from "./u64.js";
