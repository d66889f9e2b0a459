// AES-256-GCM for API secrets at rest. The 32-byte master key comes from EXCHANGE_MASTER_KEY (64 hex
// characters) or from `<dataDir>/master.key` (created 0600 on first use). The API key id is bound as
// additional authenticated data, so a ciphertext cannot be moved to another key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Sealed {
  /** base64: 12-byte IV, 16-byte tag, ciphertext */
  iv: string;
  tag: string;
  ct: string;
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError("master key must be 32 bytes");
    this.key = Buffer.from(masterKey);
  }

  seal(plain: string, aad: string): Sealed {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(aad, "utf8"));
    const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return { iv: iv.toString("base64"), tag: c.getAuthTag().toString("base64"), ct: ct.toString("base64") };
  }

  open(s: Sealed, aad: string): string {
    const d = createDecipheriv("aes-256-gcm", this.key, Buffer.from(s.iv, "base64"));
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(Buffer.from(s.tag, "base64"));
    return Buffer.concat([d.update(Buffer.from(s.ct, "base64")), d.final()]).toString("utf8");
  }
}

/** The master key from env, else from the data dir (generated on first use, mode 0600). */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.EXCHANGE_MASTER_KEY;
  if (fromEnv !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) throw new Error("EXCHANGE_MASTER_KEY must be 64 hex characters");
    return Buffer.from(fromEnv, "hex");
  }
  const file = join(dataDir, "master.key");
  if (existsSync(file)) {
    const hex = readFileSync(file, "utf8").trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${file} must hold 64 hex characters`);
    return Buffer.from(hex, "hex");
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}
