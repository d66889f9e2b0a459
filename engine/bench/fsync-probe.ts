// pwrite + fdatasync latency of this disk (see fsync-latency.ts), 4 KiB and 64 KiB. Not a `*.bench.ts`: the
// engine benchmark records the same figures (its "fsync" part); this is the quick standalone probe.
//   npx tsc -b && node engine/dist/bench/fsync-probe.js [count]

import { fsyncLatency } from "./fsync-latency.js";
import { fmt } from "./report.js";

const count = Number(process.argv[2] ?? 2000);
for (const bytes of [4096, 65_536]) {
  const r = await fsyncLatency(bytes, count);
  const [p50, p90, p99, p999, max] = r.ms.map((x) => fmt(x, 3));
  process.stdout.write(
    `${bytes} B × ${count}: p50 ${p50} p90 ${p90} p99 ${p99} p99.9 ${p999} max ${max} ms\n`,
  );
}
