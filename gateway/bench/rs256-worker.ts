// piscina worker for the RS256 comparison: verifies a batch of (data, signature) pairs with one key.
import { createPublicKey, type KeyObject, verify } from "node:crypto";

let key: KeyObject | undefined;

export default function verifyBatch(task: { pem: string; items: [string, string][] }): number {
  key ??= createPublicKey(task.pem);
  let ok = 0;
  for (const [data, sig] of task.items)
    if (verify("sha256", Buffer.from(data), key, Buffer.from(sig, "base64url"))) ok++;
  return ok;
}
