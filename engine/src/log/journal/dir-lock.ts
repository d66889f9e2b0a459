// One writer per journal directory: two processes appending to the same segment would interleave
// records. A `journal.lock` file holds the owner's pid; a lock whose pid is no longer running (kill -9)
// is stale and taken over. Within one process a registry refuses a second open of the same directory.
import { open, readFile, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { unavailable } from "./journal-error.js";

const LOCK_NAME = "journal.lock";
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const key = resolve(dir);
  if (heldHere.has(key)) throw unavailable(`journal ${dir} is already open in this process`);
  const path = join(dir, LOCK_NAME);
  try {
    const fh = await open(path, "wx");
    await fh.writeFile(`${process.pid}\n`);
    await fh.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const pid = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      throw unavailable(`journal ${dir} is locked by running process ${pid}`);
    await writeFile(path, `${process.pid}\n`);
  }
  heldHere.add(key);
  return async () => {
    heldHere.delete(key);
    await unlink(path).catch(() => undefined);
  };
}
