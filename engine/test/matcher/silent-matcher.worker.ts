// A matcher worker that never reads its rings nor answers (worker-match-port.test.ts): what a hung or
// silently dead worker looks like from the main thread. It sleeps in short slices so terminate() ends it.
const idle = new Int32Array(new SharedArrayBuffer(4));
for (;;) Atomics.wait(idle, 0, 0, 50);
