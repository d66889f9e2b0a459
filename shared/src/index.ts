// @perpx/shared: pure code (no I/O, no Node APIs) shared by engine and gateway.
export * from "./adl.js";
export * from "./commands.js";
export * from "./crc32.js";
export * from "./domain.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./fixed.js";
export * from "./instruments.js";
