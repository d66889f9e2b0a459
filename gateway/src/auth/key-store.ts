// API keys (SPEC §8.1). Owner: the KeyStore; the admin route creates keys, the auth hook looks them up.
// A created key is visible to lookup() as soon as create() resolves ("a new key works at once").
// EncryptedKeyStore keeps secrets decrypted in memory only (the HMAC needs them) and, when given a
// file, persists them sealed with AES-256-GCM (secret-box.ts), rewriting the file atomically.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Sealed, SecretBox } from "./secret-box.js";

export interface ApiKeyEntry {
  readonly apiKey: string;
  readonly userId: number;
  readonly admin: boolean;
  /** HMAC key: the secret's text as bytes */
  readonly secret: Buffer;
  readonly createdAt: number;
}

export interface CreatedApiKey {
  apiKey: string;
  /** shown once, never stored in clear */
  apiSecret: string;
  userId: number;
  admin: boolean;
  createdAt: number;
}

export interface KeyStore {
  lookup(apiKey: string): Promise<ApiKeyEntry | undefined>;
  /** The same answer synchronously, for stores that hold every key in memory (the auth hook's fast path). */
  lookupNow?(apiKey: string): ApiKeyEntry | undefined;
  /** Creates a key (random id and secret unless given), durable before it resolves. */
  create(
    userId: number,
    admin: boolean,
    given?: { apiKey: string; apiSecret: string },
  ): Promise<CreatedApiKey>;
  revoke(apiKey: string): Promise<boolean>;
  /** keys of a user, without secrets */
  list(userId: number): Promise<Omit<ApiKeyEntry, "secret">[]>;
}

/** API key ids and secrets: what a client may send in the APIKEY header. */
export const API_KEY_RE = /^[A-Za-z0-9_-]{16,64}$/;

interface StoredKey {
  apiKey: string;
  userId: number;
  admin: boolean;
  createdAt: number;
  secret: Sealed;
}

export interface EncryptedKeyStoreOptions {
  masterKey: Buffer;
  /** persistence file (embedded mode: `<dataDir>/api-keys.json`); memory only when absent */
  file?: string;
  clock?: () => number;
}

export class EncryptedKeyStore implements KeyStore {
  private readonly box: SecretBox;
  private readonly file: string | undefined;
  private readonly clock: () => number;
  private readonly byKey = new Map<string, ApiKeyEntry>();
  private readonly sealed = new Map<string, StoredKey>();

  constructor(opts: EncryptedKeyStoreOptions) {
    this.box = new SecretBox(opts.masterKey);
    this.file = opts.file;
    this.clock = opts.clock ?? Date.now;
    if (this.file && existsSync(this.file)) {
      const doc = JSON.parse(readFileSync(this.file, "utf8")) as { version: number; keys: StoredKey[] };
      for (const k of doc.keys) {
        this.sealed.set(k.apiKey, k);
        const secret = Buffer.from(this.box.open(k.secret, k.apiKey), "utf8");
        this.byKey.set(k.apiKey, {
          apiKey: k.apiKey,
          userId: k.userId,
          admin: k.admin,
          secret,
          createdAt: k.createdAt,
        });
      }
    }
  }

  async lookup(apiKey: string): Promise<ApiKeyEntry | undefined> {
    return this.byKey.get(apiKey);
  }

  lookupNow(apiKey: string): ApiKeyEntry | undefined {
    return this.byKey.get(apiKey);
  }

  async create(
    userId: number,
    admin: boolean,
    given?: { apiKey: string; apiSecret: string },
  ): Promise<CreatedApiKey> {
    const apiKey = given?.apiKey ?? randomBytes(24).toString("base64url");
    const apiSecret = given?.apiSecret ?? randomBytes(32).toString("hex");
    if (!API_KEY_RE.test(apiKey)) throw new RangeError("api key must match [A-Za-z0-9_-]{16,64}");
    if (apiSecret.length < 16) throw new RangeError("api secret must be at least 16 characters");
    const createdAt = this.clock();
    const stored: StoredKey = { apiKey, userId, admin, createdAt, secret: this.box.seal(apiSecret, apiKey) };
    this.sealed.set(apiKey, stored);
    this.persist();
    this.byKey.set(apiKey, { apiKey, userId, admin, secret: Buffer.from(apiSecret, "utf8"), createdAt });
    return { apiKey, apiSecret, userId, admin, createdAt };
  }

  async revoke(apiKey: string): Promise<boolean> {
    if (!this.sealed.delete(apiKey)) return false;
    this.persist();
    this.byKey.delete(apiKey);
    return true;
  }

  async list(userId: number): Promise<Omit<ApiKeyEntry, "secret">[]> {
    return [...this.byKey.values()]
      .filter((k) => k.userId === userId)
      .map(({ apiKey, userId: u, admin, createdAt }) => ({ apiKey, userId: u, admin, createdAt }));
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, keys: [...this.sealed.values()] }, null, 1), {
      mode: 0o600,
    });
    renameSync(tmp, this.file);
  }
}
