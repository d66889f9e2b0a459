// One connection's side of the protocol (SPEC §9): rate limits, parsing, subscribe/unsubscribe with the
// initial message of each channel, auth (queueing what arrives while a verifier runs), error replies
// and abuse closes. Owner: the stream server's thread; the Session object is the uWS user data.

import { type MarketFeed, userTopic } from "./market-feed.js";
import {
  type Channel,
  type ClientRequest,
  isProtocolError,
  parseRequest,
  type RequestId,
  resolveChannel,
} from "./protocol.js";
import type { StreamAuth, StreamAuthResult } from "./stream-auth.js";
import {
  CLOSE_CODES,
  CLOSE_REASONS,
  type CloseCodeName,
  errorReply,
  type StreamErrorName,
} from "./stream-errors.js";
import type { StreamLimits } from "./stream-limits.js";

/** The part of a uWS WebSocket the protocol uses (uWS's WebSocket<Session> satisfies it). */
export interface SessionSocket {
  send(message: string): number;
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  end(code?: number, shortMessage?: string): void;
  cork(cb: () => void): unknown;
}

export interface Session {
  readonly id: number;
  userId: number | null;
  authPending: boolean;
  authFailures: number;
  /** subscribed channel names */
  readonly channels: Set<string>;
  /** messages received while an auth verifier runs, replayed in order afterwards */
  queue: string[];
  closed: boolean;
  msgTokens: number;
  errTokens: number;
  refilledAt: number;
}

export interface SessionStats {
  /** open connections with a user */
  authenticated: number;
  errorsSent: number;
  authOk: number;
  authFailed: number;
  closes: Record<CloseCodeName, number>;
}

/** Messages that may wait behind a running auth. */
const MAX_QUEUED = 16;
const SEND_DROPPED = 2; // uWS send(): 2 = dropped at the hard backpressure limit

export function newSession(id: number, limits: StreamLimits, now: number): Session {
  return {
    id,
    userId: null,
    authPending: false,
    authFailures: 0,
    channels: new Set(),
    queue: [],
    closed: false,
    msgTokens: limits.messagesBurst,
    errTokens: limits.errorsBurst,
    refilledAt: now,
  };
}

export class SessionProtocol {
  constructor(
    private readonly feed: MarketFeed,
    private readonly auth: StreamAuth,
    private readonly limits: StreamLimits,
    private readonly now: () => number,
    readonly stats: SessionStats,
  ) {}

  onMessage(ws: SessionSocket, s: Session, data: ArrayBuffer, isBinary: boolean): void {
    if (s.closed) return;
    const t = this.now();
    const elapsed = Math.max(0, t - s.refilledAt);
    s.refilledAt = t;
    s.msgTokens = Math.min(
      this.limits.messagesBurst,
      s.msgTokens + (elapsed * this.limits.messagesPerSecond) / 1000,
    );
    s.errTokens = Math.min(this.limits.errorsBurst, s.errTokens + elapsed / 1000);
    if (s.msgTokens < 1) {
      this.error(ws, s, "RATE_LIMITED", "too many messages");
      return;
    }
    s.msgTokens -= 1;
    if (isBinary) {
      this.error(ws, s, "INVALID_PARAMETER", "binary frames are not supported");
      return;
    }
    if (data.byteLength > this.limits.maxMessageBytes) {
      this.error(ws, s, "PAYLOAD_TOO_LARGE", `messages are limited to ${this.limits.maxMessageBytes} bytes`);
      return;
    }
    const text = Buffer.from(data).toString("utf8");
    if (s.authPending) {
      if (s.queue.length >= MAX_QUEUED) this.error(ws, s, "RATE_LIMITED", "too many messages during auth");
      else s.queue.push(text);
      return;
    }
    this.handle(ws, s, text);
  }

  private handle(ws: SessionSocket, s: Session, text: string): void {
    const req = parseRequest(text);
    if (isProtocolError(req)) {
      this.error(ws, s, req.error, req.msg, req.op, req.id);
      return;
    }
    switch (req.op) {
      case "subscribe":
        this.subscribe(ws, s, req.channels, req.snapshot, req.id);
        return;
      case "unsubscribe":
        this.unsubscribe(ws, s, req.channels, req.id);
        return;
      case "auth":
        this.authenticate(ws, s, req);
        return;
      case "ping":
        this.reply(ws, s, {
          op: "pong",
          ...(req.id === undefined ? {} : { id: req.id }),
          time: this.now(),
        });
        return;
    }
  }

  private resolveAll(
    ws: SessionSocket,
    s: Session,
    names: string[],
    op: string,
    id?: RequestId,
  ): Channel[] | null {
    const out: Channel[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      const c = resolveChannel(name, this.feed.bySymbol);
      if (isProtocolError(c)) {
        this.error(ws, s, c.error, c.msg, op, id);
        return null;
      }
      if (!seen.has(c.name)) out.push(c);
      seen.add(c.name);
    }
    return out;
  }

  private subscribe(ws: SessionSocket, s: Session, names: string[], snapshot: boolean, id?: RequestId): void {
    const channels = this.resolveAll(ws, s, names, "subscribe", id);
    if (!channels) return;
    if (s.userId === null && channels.some((c) => c.kind === "user")) {
      this.error(ws, s, "AUTH_REQUIRED", "authenticate before subscribing to user", "subscribe", id);
      return;
    }
    const added = channels.filter((c) => !s.channels.has(c.name)).length;
    if (s.channels.size + added > this.limits.maxSubscriptions) {
      this.error(
        ws,
        s,
        "TOO_MANY_SUBSCRIPTIONS",
        `at most ${this.limits.maxSubscriptions} channels per connection`,
        "subscribe",
        id,
      );
      return;
    }
    // Subscribe and send each channel's initial message in this same synchronous block: the depth
    // snapshot then reflects exactly the diffs published before the subscription, none after.
    ws.cork(() => {
      this.reply(ws, s, {
        op: "subscribe",
        ...(id === undefined ? {} : { id }),
        result: "ok",
        channels: channels.map((c) => c.name),
      });
      for (const c of channels) {
        if (s.closed) return;
        s.channels.add(c.name);
        if (c.kind === "user") {
          ws.subscribe(userTopic(s.userId!));
          continue;
        }
        ws.subscribe(c.name);
        const f = this.feed.feed(c.instrument.symbolId);
        if (!f) continue;
        let initial: string | undefined;
        if (c.kind === "depth" && snapshot) initial = f.snapshotJson(this.limits.snapshotLevels);
        else if (c.kind === "depth20") initial = f.depth20Json();
        else if (c.kind === "ticker") initial = this.feed.tickerMessage(f, this.now());
        else if (c.kind === "markPrice") initial = f.lastMark;
        if (initial !== undefined) this.send(ws, s, initial);
      }
    });
  }

  private unsubscribe(ws: SessionSocket, s: Session, names: string[], id?: RequestId): void {
    const channels = this.resolveAll(ws, s, names, "unsubscribe", id);
    if (!channels) return;
    for (const c of channels) {
      if (!s.channels.delete(c.name)) continue;
      ws.unsubscribe(c.kind === "user" ? userTopic(s.userId!) : c.name);
    }
    this.reply(ws, s, {
      op: "unsubscribe",
      ...(id === undefined ? {} : { id }),
      result: "ok",
      channels: channels.map((c) => c.name),
    });
  }

  private authenticate(ws: SessionSocket, s: Session, req: Extract<ClientRequest, { op: "auth" }>): void {
    const id = req.id;
    if (s.userId !== null) {
      this.error(ws, s, "ALREADY_AUTHENTICATED", "one user per connection", "auth", id);
      return;
    }
    let verify: () => Promise<StreamAuthResult>;
    if ("token" in req) {
      verify = () => this.auth.verifyJwt(req.token);
    } else {
      if (Math.abs(this.now() - req.timestamp) > this.limits.authWindowMs) {
        this.authFailed(ws, s, "TIMESTAMP_OUTSIDE_WINDOW", "timestamp outside the ±60 s window", id);
        return;
      }
      if (!/^[0-9a-f]{64}$/.test(req.signature)) {
        this.authFailed(ws, s, "INVALID_SIGNATURE", "signature must be 64 lowercase hex characters", id);
        return;
      }
      verify = () => this.auth.verifyApiKey(req.apiKey, req.timestamp, req.signature);
    }
    s.authPending = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.limits.authTimeoutMs);
    });
    // a verifier that throws instead of rejecting must not escape into uWS's callback
    const verified = new Promise<StreamAuthResult>((resolve) => resolve(verify()));
    Promise.race([verified, timeout])
      .then(
        (r) => r,
        () => "error" as const,
      )
      .then((r) => {
        clearTimeout(timer);
        s.authPending = false;
        if (s.closed) return;
        ws.cork(() => {
          if (r === "timeout" || r === "error") {
            this.error(ws, s, "INTERNAL_ERROR", "auth verifier unavailable, retry", "auth", id);
          } else if (r === null || "reject" in r) {
            const name = r?.reject ?? ("token" in req ? "UNAUTHORIZED" : "INVALID_SIGNATURE");
            this.authFailed(ws, s, name, "authentication failed", id);
          } else {
            s.userId = r.userId;
            this.stats.authOk++;
            this.stats.authenticated++;
            this.reply(ws, s, {
              op: "auth",
              ...(id === undefined ? {} : { id }),
              result: "ok",
              userId: r.userId,
            });
          }
          this.drainQueue(ws, s);
        });
      });
  }

  private authFailed(
    ws: SessionSocket,
    s: Session,
    name: StreamErrorName,
    msg: string,
    id?: RequestId,
  ): void {
    this.stats.authFailed++;
    s.authFailures++;
    this.error(ws, s, name, msg, "auth", id);
    if (s.authFailures >= this.limits.maxAuthFailures) this.close(ws, s, "AUTH_FAILED");
  }

  private drainQueue(ws: SessionSocket, s: Session): void {
    const q = s.queue;
    s.queue = [];
    for (let i = 0; i < q.length; i++) {
      if (s.closed) return;
      if (s.authPending) {
        s.queue.push(...q.slice(i));
        return;
      }
      this.handle(ws, s, q[i]!);
    }
  }

  private reply(ws: SessionSocket, s: Session, body: object): void {
    this.send(ws, s, JSON.stringify(body));
  }

  private send(ws: SessionSocket, s: Session, json: string): void {
    if (s.closed) return;
    if (ws.send(json) === SEND_DROPPED) this.close(ws, s, "SLOW_CONSUMER");
  }

  private error(
    ws: SessionSocket,
    s: Session,
    name: StreamErrorName,
    msg: string,
    op?: string,
    id?: RequestId,
  ): void {
    if (s.closed) return;
    this.stats.errorsSent++;
    this.send(ws, s, errorReply(name, msg, op, id));
    if (s.errTokens < 1) {
      this.close(ws, s, "TOO_MANY_ERRORS");
      return;
    }
    s.errTokens -= 1;
  }

  /** Closes with one of the documented codes (the close handler marks the session closed). */
  close(ws: SessionSocket, s: Session, name: CloseCodeName): void {
    if (s.closed) return;
    this.stats.closes[name]++;
    ws.end(CLOSE_CODES[name], CLOSE_REASONS[name]);
    s.closed = true;
  }
}
