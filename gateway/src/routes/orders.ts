// User order routes (SPEC §8.2, §8.3): place, batch, amend, cancel, cancel-all, countdown, queries.
import { Op } from "@perpx/shared/commands";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { CommandContext } from "../commands/context.js";
import type { OrderChanges, OrderRefInput } from "../commands/order-changes.js";
import { AfterAppend, type Answer, ackJson, type OrderEntry } from "../commands/order-entry.js";
import { submitSimple } from "../commands/simple.js";
import { instrumentOf, type OrderBody } from "../filters/order-filters.js";
import { principalOf } from "../plugins/request-context.js";
import type { RangeQs } from "../schemas/common.js";
import * as S from "../schemas/orders.js";

interface Wait {
  wait?: boolean;
}

export function orderRoutes(c: CommandContext, entry: OrderEntry, changes: OrderChanges) {
  return async (app: FastifyInstance): Promise<void> => {
    const user = { auth: "user" } as const;

    app.post<{ Body: OrderBody; Querystring: Wait }>(
      "/api/v1/order",
      { schema: S.placeOrder, config: user },
      // not async: a new order's ack is sent from the one `then` on its append's promise (a returned
      // promise or reply would cost Fastify another `then`, and a returned reply a thenable resolution)
      (req, reply) => {
        const a = entry.place(principalOf(req).userId, req.body, req.query.wait === true);
        if (a instanceof AfterAppend)
          a.durable.then(
            () => reply.code(202).header("content-type", JSON_UTF8).send(ackJson(a.ref)),
            (e) => sendFailure(reply, e),
          );
        else if (a instanceof Promise)
          a.then(
            (x) => sendAnswer(reply, x),
            (e) => sendFailure(reply, e),
          );
        else sendAnswer(reply, a);
      },
    );

    app.post<{ Body: { orders: unknown[] }; Querystring: Wait }>(
      "/api/v1/orders/batch",
      { schema: S.batchOrders, config: user },
      async (req, reply) => {
        const a = await entry.placeBatch(principalOf(req).userId, req.body.orders, req.query.wait === true);
        return reply.code(a.status).send(a.body);
      },
    );

    app.put<{
      Body: OrderRefInput & { price?: string | number; quantity?: string | number };
      Querystring: Wait;
    }>("/api/v1/order", { schema: S.amendOrder, config: user }, async (req, reply) => {
      const a = await changes.amend(principalOf(req).userId, req.body, req.query.wait === true);
      return reply.code(a.status).send(a.body);
    });

    app.delete<{ Querystring: OrderRefInput & Wait }>(
      "/api/v1/order",
      { schema: S.cancelOrder, config: user },
      async (req, reply) => {
        const a = await changes.cancel(principalOf(req).userId, req.query, req.query.wait === true);
        return reply.code(a.status).send(a.body);
      },
    );

    app.get<{ Querystring: OrderRefInput }>(
      "/api/v1/order",
      { schema: S.getOrder, config: user },
      async (req) => changes.getOrder(principalOf(req).userId, req.query),
    );

    app.delete<{ Querystring: { symbol: string } & Wait }>(
      "/api/v1/orders",
      { schema: S.cancelAll, config: user },
      async (req, reply) => {
        const userId = principalOf(req).userId;
        const inst = instrumentOf(c.rm, req.query.symbol);
        const cmd = { op: Op.CANCEL_ALL, ts: c.now(), userId, symbolId: inst.symbolId } as const;
        const a = await submitSimple(c, userId, cmd, { symbol: inst.symbol }, req.query.wait === true);
        return reply.code(a.status).send(a.body);
      },
    );

    app.post<{ Body: { symbol: string; countdownTime: number }; Querystring: Wait }>(
      "/api/v1/countdown-cancel-all",
      { schema: S.countdown, config: user },
      async (req, reply) => {
        const userId = principalOf(req).userId;
        const inst = instrumentOf(c.rm, req.body.symbol);
        const now = c.now();
        const t = req.body.countdownTime;
        const deadline = t === 0 ? 0 : now + t;
        const cmd = {
          op: Op.COUNTDOWN_CANCEL_ALL,
          ts: now,
          userId,
          symbolId: inst.symbolId,
          deadline,
        } as const;
        const echo = { symbol: inst.symbol, countdownTime: t, deadline };
        const a = await submitSimple(c, userId, cmd, echo, req.query.wait === true);
        return reply.code(a.status).send(a.body);
      },
    );

    app.get<{ Querystring: { symbol?: string } }>(
      "/api/v1/orders/open",
      { schema: S.openOrders, config: user },
      async (req) => {
        const symbolId =
          req.query.symbol === undefined ? undefined : instrumentOf(c.rm, req.query.symbol).symbolId;
        return c.rm.openOrders(principalOf(req).userId, symbolId);
      },
    );

    app.get<{ Querystring: RangeQs }>(
      "/api/v1/orders",
      { schema: S.orderHistory, config: user },
      async (req) => c.rm.orderHistory(principalOf(req).userId, rangeOf(c, req.query)),
    );
  };
}

/** the content type Fastify gives serialized JSON; set on a pre-serialized answer, it skips the serializer */
const JSON_UTF8 = "application/json; charset=utf-8";

function sendAnswer(reply: FastifyReply, a: Answer<unknown>): void {
  reply.code(a.status).send(a.body);
}

/** a rejection, to Fastify's error handler (which only takes Error objects) */
function sendFailure(reply: FastifyReply, e: unknown): void {
  reply.send(e instanceof Error ? e : new Error(String(e)));
}

/** RangeQs → RangeQuery (symbol resolved to its id; UNKNOWN_SYMBOL when not listed). */
export function rangeOf(
  c: CommandContext,
  q: RangeQs,
): { symbolId?: number; startTime?: number; endTime?: number; limit: number } {
  const out: { symbolId?: number; startTime?: number; endTime?: number; limit: number } = { limit: q.limit };
  if (q.symbol !== undefined) out.symbolId = instrumentOf(c.rm, q.symbol).symbolId;
  if (q.startTime !== undefined) out.startTime = q.startTime;
  if (q.endTime !== undefined) out.endTime = q.endTime;
  return out;
}
