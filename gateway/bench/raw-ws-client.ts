// The cheapest WebSocket client we could write for the fan-out benchmark: a raw TCP socket that does
// the HTTP upgrade, sends one masked text frame, and afterwards only walks the server's frame headers
// to count messages (payload bytes are skipped, never copied or parsed). With 1 000 of them on one of
// the machine's 2 cores, the clients must cost far less than the servers being measured.
import { connect, type Socket } from "node:net";

const UPGRADE = (port: number) =>
  `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/** A masked client text frame (mask key 0: the payload is sent as is). */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new RangeError("short frames only");
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

export class RawWsClient {
  /** data frames received (text, binary, continuation) */
  frames = 0;
  bytes = 0;
  private readonly header = Buffer.alloc(14);
  private headerLen = 0;
  /** payload bytes of the current frame still to skip */
  private skip = 0;
  private upgraded = false;
  private head = "";

  private constructor(readonly socket: Socket) {}

  static open(port: number): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      const c = new RawWsClient(socket);
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.on("connect", () => socket.write(UPGRADE(port)));
      socket.on("data", (chunk: Buffer) => {
        if (c.upgraded) {
          c.walk(chunk);
          return;
        }
        c.head += chunk.toString("latin1");
        const end = c.head.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!c.head.startsWith("HTTP/1.1 101")) {
          reject(new Error(`upgrade refused: ${c.head.slice(0, 40)}`));
          return;
        }
        c.upgraded = true;
        const rest = Buffer.from(c.head.slice(end + 4), "latin1");
        c.head = "";
        if (rest.length) c.walk(rest);
        resolve(c);
      });
    });
  }

  send(text: string): void {
    this.socket.write(clientTextFrame(text));
  }

  close(): void {
    this.socket.destroy();
  }

  private walk(buf: Buffer): void {
    this.bytes += buf.length;
    let i = 0;
    while (i < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.header[this.headerLen++] = buf[i++]!;
      if (this.headerLen < 2) continue;
      const len7 = this.header[1]! & 0x7f;
      const need = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      if (this.headerLen < need) continue;
      const len =
        len7 === 126
          ? this.header.readUInt16BE(2)
          : len7 === 127
            ? Number(this.header.readBigUInt64BE(2))
            : len7;
      const opcode = this.header[0]! & 0x0f;
      if (opcode <= 2) this.frames++;
      this.headerLen = 0;
      this.skip = len;
    }
  }
}
