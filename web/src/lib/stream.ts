// The WebSocket stream (docs/stream.md) with one connection per page: channels are reference-counted,
// the connection comes back by itself (exponential backoff with jitter, at once when the browser goes
// online again), and after every (re)connect it authenticates, resubscribes every channel and tells
// listeners, so books resync from the fresh snapshots and views reload what they may have missed.
import { type Credentials, hmacHex, type ServerClock } from "./api.js";

export type StreamState = "connecting" | "live" | "reconnecting" | "unavailable";

export interface StreamStatus {
  state: StreamState;
  /** ms until the next attempt (reconnecting) */
  retryInMs?: number;
  attempt?: number;
  /** why the last connection ended or an auth failed */
  detail?: string;
}

type Handler = (msg: Record<string, unknown>) => void;

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/** a connection that lived this long resets the backoff */
const STABLE_MS = 5_000;

export class Stream {
  private ws: WebSocket | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<(s: StreamStatus) => void>();
  private readonly connectListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(name: string, msg: string) => void>();
  private creds: Credentials | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private status: StreamStatus = { state: "connecting" };
  private stopped = false;
  /** auth and the resubscription are sent: single subscribes may follow */
  private ready = false;
  private openedAt = 0;

  constructor(
    private readonly url: string | null,
    private readonly clock: ServerClock,
  ) {
    window.addEventListener("online", () => this.reconnectNow());
    if (!url) this.setStatus({ state: "unavailable", detail: "the exchange runs without a stream" });
    else this.connect();
  }

  /** Listens to a channel; subscribes on the first listener, unsubscribes after the last. */
  on(channel: string, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      this.send({ op: "subscribe", channels: [channel] });
    }
    set.add(handler);
    return () => {
      const s = this.handlers.get(channel);
      if (!s) return;
      s.delete(handler);
      if (s.size === 0) {
        this.handlers.delete(channel);
        this.send({ op: "unsubscribe", channels: [channel] });
      }
    };
  }

  /** Subscribing again to a subscribed channel makes the server send its initial message again. */
  resubscribe(channel: string): void {
    this.send({ op: "subscribe", channels: [channel] });
  }

  onStatus(cb: (s: StreamStatus) => void): void {
    this.statusListeners.add(cb);
    cb(this.status);
  }
  /** after each successful (re)connect, once every channel is resubscribed */
  onConnect(cb: () => void): void {
    this.connectListeners.add(cb);
  }
  onError(cb: (name: string, msg: string) => void): void {
    this.errorListeners.add(cb);
  }

  /** One user per connection (SPEC §9): a new identity means a new connection. */
  setCredentials(c: Credentials | null): void {
    this.creds = c;
    if (!c) this.handlers.delete("user");
    this.reconnectNow();
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000);
  }

  private setStatus(s: StreamStatus): void {
    this.status = s;
    for (const cb of this.statusListeners) cb(s);
  }

  private send(msg: unknown): void {
    if (this.ready && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private reconnectNow(): void {
    if (!this.url || this.stopped) return;
    clearTimeout(this.timer);
    const old = this.ws;
    this.ws = undefined;
    this.ready = false;
    if (old) {
      old.onclose = null;
      old.close(1000);
    }
    this.attempt = 0;
    this.connect();
  }

  private connect(): void {
    if (!this.url || this.stopped) return;
    this.setStatus({ state: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => void this.opened(ws);
    ws.onmessage = (ev) => this.dispatch(ev.data);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.ready = false;
      if (this.openedAt > 0 && Date.now() - this.openedAt >= STABLE_MS) this.attempt = 0;
      this.openedAt = 0;
      this.scheduleReconnect(ev.reason || `closed (${ev.code})`);
    };
  }

  private async opened(ws: WebSocket): Promise<void> {
    const c = this.creds;
    if (c) {
      // later messages wait on the server until the auth is verified, so subscribe right after it
      if (c.kind === "jwt") ws.send(JSON.stringify({ op: "auth", token: c.token, id: "auth" }));
      else {
        const ts = this.clock.stamp();
        const signature = await hmacHex(c.apiSecret, `${ts}GET/ws`);
        if (this.ws !== ws) return;
        ws.send(JSON.stringify({ op: "auth", apiKey: c.apiKey, timestamp: ts, signature, id: "auth" }));
      }
    }
    const channels = [...this.handlers.keys()].filter((ch) => ch !== "user" || c);
    if (channels.length > 0) ws.send(JSON.stringify({ op: "subscribe", channels }));
    this.ready = true;
    this.openedAt = Date.now();
    this.setStatus({ state: "live" });
    for (const cb of this.connectListeners) cb();
  }

  private scheduleReconnect(detail: string): void {
    if (this.stopped) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt++;
    this.setStatus({ state: "reconnecting", retryInMs: delay, attempt: this.attempt, detail });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private dispatch(data: unknown): void {
    if (typeof data !== "string") return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    const err = msg.error as { name?: string; msg?: string } | undefined;
    if (err && typeof err === "object") {
      for (const cb of this.errorListeners) cb(err.name ?? "ERROR", err.msg ?? "");
      return;
    }
    const ch = msg.channel;
    if (typeof ch !== "string") return;
    for (const h of this.handlers.get(ch) ?? []) h(msg);
  }
}

/** A human line for the connection indicator. */
export function statusText(s: StreamStatus): string {
  switch (s.state) {
    case "live":
      return "Live";
    case "connecting":
      return "Connecting…";
    case "unavailable":
      return "Stream unavailable";
    default:
      return s.retryInMs === undefined
        ? "Reconnecting…"
        : `Disconnected — reconnecting in ${Math.max(1, Math.round(s.retryInMs / 1000))} s (attempt ${s.attempt ?? 1})`;
  }
}
