// The Node/V8 flags of every process that runs the engine: `make run` (embedded exchange), `make
// run-engine`, `make replay` (Makefile ENGINE_NODE_FLAGS, which node-flags.test.ts keeps equal to this
// list), the engine benchmark (engine/bench/engine.bench.ts re-starts itself with them) and the
// crash-test child. Why each one: docs/engine-performance.md "Node flags". Owner: the engine.

export const ENGINE_NODE_FLAGS: readonly string[] = [
  // one V8 platform worker thread instead of 4: the parallel scavenger and concurrent marker get one
  // helper, so a GC no longer puts 3–4 runnable threads on top of the event loop and the journal's write
  // thread on a 2-core machine (published p99 at 100k commands/s, journal on: 13.4 → 5.7 ms median)
  "--v8-pool-size=1",
  // a 64 MiB young generation: ~3× fewer scavenges of the sequencer's per-command objects
  "--max-semi-space-size=64",
];
