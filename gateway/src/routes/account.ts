// User account routes (SPEC §5, §8.2): queries answered from the read model, and the margin commands.
import { Op } from "@perpx/shared/commands";
import { MarginType, QUOTE_ASSET } from "@perpx/shared/domain";
import { formatMoney } from "@perpx/shared/fixed";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../api-error.js";
import type { CommandContext } from "../commands/context.js";
import { submitSimple } from "../commands/simple.js";
import { type DecimalInput, moneyUnits } from "../filters/decimals.js";
import { instrumentOf } from "../filters/order-filters.js";
import { principalOf } from "../plugins/request-context.js";
import { maxLeverage } from "../read-model/margin-math.js";
import type { AccountView } from "../read-model/views.js";
import * as S from "../schemas/account.js";
import type { RangeQs } from "../schemas/common.js";
import { rangeOf } from "./orders.js";

interface Wait {
  wait?: boolean;
}

function emptyAccount(userId: number): AccountView {
  const z = formatMoney(0);
  return {
    userId,
    updateTime: 0,
    assets: [
      {
        asset: QUOTE_ASSET,
        walletBalance: z,
        crossWalletBalance: z,
        unrealizedPnl: z,
        crossUnrealizedPnl: z,
        marginBalance: z,
        availableBalance: z,
        maintMargin: z,
        initialMargin: z,
        positionInitialMargin: z,
        openOrderInitialMargin: z,
      },
    ],
  };
}

export function accountRoutes(c: CommandContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const config = { auth: "user" } as const;
    const uid = (req: FastifyRequest) => principalOf(req).userId;

    app.get(
      "/api/v1/account",
      { schema: S.getAccount, config },
      async (req) => c.rm.account(uid(req)) ?? emptyAccount(uid(req)),
    );
    app.get("/api/v1/positions", { schema: S.getPositions, config }, async (req) => c.rm.positions(uid(req)));
    app.get<{ Querystring: RangeQs }>("/api/v1/trades", { schema: S.getTrades, config }, async (req) =>
      c.rm.userTrades(uid(req), rangeOf(c, req.query)),
    );
    app.get<{ Querystring: RangeQs }>("/api/v1/funding", { schema: S.getFunding, config }, async (req) =>
      c.rm.userFunding(uid(req), rangeOf(c, req.query)),
    );
    app.get<{ Querystring: RangeQs }>(
      "/api/v1/transactions",
      { schema: S.getTransactions, config },
      async (req) => c.rm.transactions(uid(req), rangeOf(c, req.query)),
    );
    app.get("/api/v1/adl-quantile", { schema: S.getAdlQuantile, config }, async (req) =>
      c.rm.adlQuantile(uid(req)),
    );

    app.post<{ Body: { symbol: string; leverage: number }; Querystring: Wait }>(
      "/api/v1/leverage",
      { schema: S.setLeverage, config },
      async (req, reply) => {
        const userId = uid(req);
        const inst = instrumentOf(c.rm, req.body.symbol);
        const max = maxLeverage(inst);
        if (req.body.leverage > max) throw new ApiError("INVALID_PARAMETER", `leverage must be 1..${max}`);
        const cmd = {
          op: Op.SET_LEVERAGE,
          ts: c.now(),
          userId,
          symbolId: inst.symbolId,
          leverage: req.body.leverage,
        } as const;
        const a = await submitSimple(
          c,
          userId,
          cmd,
          { symbol: inst.symbol, leverage: req.body.leverage },
          req.query.wait === true,
          () => c.rm.settings(userId, inst.symbolId),
        );
        return reply.code(a.status).send(a.body);
      },
    );

    app.post<{ Body: { symbol: string; marginType: "CROSSED" | "ISOLATED" }; Querystring: Wait }>(
      "/api/v1/margin-type",
      { schema: S.setMarginType, config },
      async (req, reply) => {
        const userId = uid(req);
        const inst = instrumentOf(c.rm, req.body.symbol);
        const marginType = MarginType[req.body.marginType];
        const cmd = {
          op: Op.SET_MARGIN_TYPE,
          ts: c.now(),
          userId,
          symbolId: inst.symbolId,
          marginType,
        } as const;
        const a = await submitSimple(
          c,
          userId,
          cmd,
          { symbol: inst.symbol, marginType: req.body.marginType },
          req.query.wait === true,
          () => c.rm.settings(userId, inst.symbolId),
        );
        return reply.code(a.status).send(a.body);
      },
    );

    app.post<{ Body: { symbol: string; amount: DecimalInput; type: "ADD" | "REDUCE" }; Querystring: Wait }>(
      "/api/v1/position-margin",
      { schema: S.positionMargin, config },
      async (req, reply) => {
        const userId = uid(req);
        const inst = instrumentOf(c.rm, req.body.symbol);
        const micro = moneyUnits(req.body.amount);
        const amount = req.body.type === "ADD" ? micro : -micro;
        const cmd = {
          op: Op.ADJUST_ISOLATED_MARGIN,
          ts: c.now(),
          userId,
          symbolId: inst.symbolId,
          amount,
        } as const;
        const echo = { symbol: inst.symbol, amount: formatMoney(micro), type: req.body.type };
        const a = await submitSimple(c, userId, cmd, echo, req.query.wait === true);
        return reply.code(a.status).send(a.body);
      },
    );

    app.post<{ Body: { asset: "USDT"; amount: DecimalInput; withdrawId?: string }; Querystring: Wait }>(
      "/api/v1/withdrawals",
      { schema: S.withdraw, config },
      async (req, reply) => {
        const userId = uid(req);
        const amount = moneyUnits(req.body.amount);
        const now = c.now();
        const withdrawId = req.body.withdrawId ?? `w-${c.deps.idGen.next().toString(36)}`;
        const known = c.rm.withdrawal(withdrawId);
        if (known) {
          if (known.userId !== userId) throw new ApiError("INVALID_PARAMETER", "withdrawId already used");
          return reply
            .code(req.query.wait === true ? 200 : 202)
            .send({ ...known, status: "APPLIED", duplicate: true });
        }
        const key = `w\n${withdrawId}`;
        const f = c.transfers.get(key, now);
        if (f) {
          if (f.value.userId !== userId) throw new ApiError("INVALID_PARAMETER", "withdrawId already used");
          await f.durable;
          return reply.code(202).send({
            withdrawId,
            asset: "USDT",
            amount: formatMoney(amount),
            status: "ACCEPTED",
            duplicate: true,
          });
        }
        const cmd = { op: Op.WITHDRAW, ts: now, userId, amount, withdrawId } as const;
        const echo = { withdrawId, asset: "USDT", amount: formatMoney(amount) };
        const [seq = 0] = await appendTracked(c, key, userId, cmd, now);
        if (req.query.wait !== true) return reply.code(202).send({ ...echo, status: "ACCEPTED" });
        const outcome = await c.writer.waitApplied(seq, echo, userId);
        const done = c.rm.withdrawal(withdrawId);
        return reply
          .code(200)
          .send({ ...echo, ...(done ? { walletBalance: done.walletBalance } : {}), ...outcome });
      },
    );
  };
}

/** Appends a transfer command and tracks its idempotency key until the read model knows it. */
export async function appendTracked(
  c: CommandContext,
  key: string,
  userId: number,
  cmd: Parameters<CommandContext["writer"]["append"]>[0][number],
  now: number,
): Promise<number[]> {
  const appended = c.writer.append([cmd]);
  c.transfers.add(
    key,
    { userId },
    appended.then((s) => s[0] ?? 0),
    now,
  );
  return appended;
}
