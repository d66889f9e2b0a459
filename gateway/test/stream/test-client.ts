// A test client on the `ws` package (an implementation independent of uWS): collects parsed messages in
// an inbox and lets a test take the first one matching a predicate, waiting for it if needed.
import type { Socket } from "node:net";
import WebSocket from "ws";

export type Msg = Record<string, unknown>;

export class TestClient {
  /** unconsumed messages, in arrival order */
  readonly inbox: Msg[] = [];
  /** every message ever received */
  received = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiter: (() => void) | undefined;
  onMessage: ((m: Msg) => boolean) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.received++;
      const m = JSON.parse(String(data)) as Msg;
      if (this.onMessage?.(m)) return;
      this.inbox.push(m);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        resolve({ code, reason: String(reason) });
        this.waiter?.();
      });
    });
    ws.on("error", () => {});
  }

  static async connect(port: number, path = "/ws"): Promise<TestClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new TestClient(ws);
  }

  send(msg: string | object): void {
    this.ws.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  /** The underlying TCP socket (to pause reading in slow-consumer tests). */
  get socket(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  /** Removes and returns the first message matching `pred`, waiting up to `timeoutMs`. */
  async take(pred: (m: Msg) => boolean = () => true, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(
          `no matching message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox.slice(-5))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Sends a request with an `id` and returns its reply (ack or error). */
  async request(body: object, timeoutMs = 3000): Promise<Msg> {
    const id = `r${Math.random().toString(36).slice(2)}`;
    this.send({ ...body, id });
    return this.take((m) => m.id === id, timeoutMs);
  }

  close(): void {
    this.ws.terminate();
  }
}

export const isError = (name: string) => (m: Msg) =>
  (m.error as { name?: string } | undefined)?.name === name;
export const onChannel = (channel: string) => (m: Msg) => m.channel === channel;
