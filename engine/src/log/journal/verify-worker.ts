// piscina worker: verifies one segment file off the main thread (recovery with `verify: "pool"`).
// Stateless: one task = one file, read and checked here; only the small scan report goes back.
import { type ScanTask, type SegmentScan, scanSegment } from "./segment-scan.js";

export default function verify(task: ScanTask): Promise<SegmentScan> {
  return scanSegment(task);
}
