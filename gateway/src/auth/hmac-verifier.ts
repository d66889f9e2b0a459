// The gateway's HMAC-SHA256 check of signed requests (SPEC §8.1), built from the one-shot
// crypto.hash (RFC 2104: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message))) instead of a createHmac object per
// request: no native object and no Buffer is created per check, which matters to the garbage collector
// at tens of thousands of requests per second. The pads are derived once per key; the message is
// assembled in a reusable scratch buffer (the event loop is single-threaded and nothing awaits in
// between). The result is compared with the signature text in constant time (no early exit).
// Owner: one instance per Authenticator.
import { hash } from "node:crypto";

const BLOCK = 64;
/** a SHA-256 digest in hex */
const HEX_LENGTH = 64;

interface Pads {
  ipad: Buffer;
  opad: Buffer;
}

export class HmacVerifier {
  private readonly pads = new WeakMap<Buffer, Pads>();
  private scratch = Buffer.allocUnsafe(4096);
  private readonly outer = Buffer.allocUnsafe(BLOCK + 32);

  /**
   * true when `signature` is the lowercase hex HMAC-SHA256(secret, timestamp + method + url + body).
   * `timestamp` and `method` are ASCII (the auth hook checked the timestamp's digits; Node's parser
   * gives the method); the URL is written as UTF-8. No regex: the hex digest is compared with the
   * signature text in constant time, and only lowercase hex can equal it. A signature of another
   * length is refused before any work (it learns only that the length is wrong).
   */
  verify(
    secret: Buffer,
    timestamp: string,
    method: string,
    url: string,
    body: Buffer,
    signature: string,
  ): boolean {
    if (signature.length !== HEX_LENGTH) return false;
    const { ipad, opad } = this.padsOf(secret);
    // an upper bound without measuring the URL's UTF-8 (≤ 3 bytes per UTF-16 unit)
    const need = BLOCK + timestamp.length + method.length + 3 * url.length + body.length;
    if (need > this.scratch.length)
      this.scratch = Buffer.allocUnsafe(Math.max(need, this.scratch.length * 2));
    const s = this.scratch;
    ipad.copy(s, 0);
    let n = BLOCK + s.write(timestamp, BLOCK, "latin1");
    n += s.write(method, n, "latin1");
    n += s.write(url, n, "utf8");
    n += body.copy(s, n);
    const inner = hash("sha256", s.subarray(0, n), "binary"); // latin1: one char per byte
    opad.copy(this.outer, 0);
    this.outer.write(inner, BLOCK, "latin1");
    const mac = hash("sha256", this.outer, "hex");
    let diff = 0;
    for (let i = 0; i < HEX_LENGTH; i++) diff |= mac.charCodeAt(i) ^ signature.charCodeAt(i);
    return diff === 0;
  }

  private padsOf(secret: Buffer): Pads {
    let p = this.pads.get(secret);
    if (!p) {
      const key = secret.length > BLOCK ? hash("sha256", secret, "buffer") : secret;
      const ipad = Buffer.alloc(BLOCK, 0x36);
      const opad = Buffer.alloc(BLOCK, 0x5c);
      for (let i = 0; i < key.length; i++) {
        ipad[i] = (ipad[i] as number) ^ (key[i] as number);
        opad[i] = (opad[i] as number) ^ (key[i] as number);
      }
      p = { ipad, opad };
      this.pads.set(secret, p);
    }
    return p;
  }
}
