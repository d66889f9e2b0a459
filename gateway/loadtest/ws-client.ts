// One WebSocket connection of the load test (SPEC §9): optional API-key auth (signature over
// timestamp + "GET" + "/ws", signed by the gateway's own helper), subscriptions, and every message handed
// to `onMessage` with its receipt time (performance.now() and Date.now()).
import WebSocket from "ws";
import { signRequest } from "../src/auth/hmac.js";
import type { KeyPair } from "./rest.js";

export type WsMessage = Record<string, unknown>;

export class WsClient {
  private ws: WebSocket | undefined;
  messages = 0;
  closedUnexpectedly = 0;
  private closing = false;

  constructor(
    private readonly url: string,
    private readonly onMessage: (m: WsMessage, wallMs: number, perfMs: number) => void,
  ) {}

  /** Connects, authenticates when a key is given, subscribes; resolves once the subscribe is confirmed. */
  async open(channels: readonly string[], key?: KeyPair): Promise<void> {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const pending = new Map<string, (m: WsMessage) => void>();
    ws.on("message", (data: WebSocket.RawData) => {
      const perf = performance.now();
      const wall = Date.now();
      this.messages++;
      const m = JSON.parse(data.toString()) as WsMessage;
      const id = typeof m.id === "string" ? m.id : undefined;
      const waiter = id === undefined ? undefined : pending.get(id);
      if (waiter && id !== undefined) {
        pending.delete(id);
        waiter(m);
        return;
      }
      this.onMessage(m, wall, perf);
    });
    ws.on("close", () => {
      if (!this.closing) this.closedUnexpectedly++;
    });
    const ask = (msg: WsMessage): Promise<WsMessage> =>
      new Promise((resolve) => {
        pending.set(String(msg.id), resolve);
        ws.send(JSON.stringify(msg));
      });
    if (key) {
      const timestamp = String(Date.now());
      const r = await ask({
        op: "auth",
        id: "auth",
        apiKey: key.apiKey,
        timestamp,
        signature: signRequest(key.apiSecret, timestamp, "GET", "/ws", ""),
      });
      if (r.result !== "ok") throw new Error(`ws auth refused: ${JSON.stringify(r)}`);
    }
    const r = await ask({ op: "subscribe", id: "sub", channels: [...channels] });
    if (r.result !== "ok") throw new Error(`ws subscribe refused: ${JSON.stringify(r)}`);
  }

  close(): void {
    this.closing = true;
    this.ws?.close();
  }
}
