// Admin routes (SPEC §8.2): role `admin` (JWT) or an admin API key. Commands answer 200 once durable
// (and, where the answer needs the engine's result — deposits, instruments, funding — once applied,
// unless ?wait=false); a timeout is 504 TIMEOUT {status: UNKNOWN}, safe to retry (idempotent ids).
import { Op } from "@perpx/shared/commands";
import { formatDecimal, formatMoney } from "@perpx/shared/fixed";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../api-error.js";
import { ADMIN_USER_ID } from "../auth/admin-bootstrap.js";
import type { CommandContext } from "../commands/context.js";
import { submitSimple } from "../commands/simple.js";
import { type DecimalInput, moneyUnits, priceUnits } from "../filters/decimals.js";
import { buildInstrument, type InstrumentBody } from "../filters/instrument-input.js";
import { instrumentOf } from "../filters/order-filters.js";
import { instrumentView } from "../read-model/format.js";
import * as S from "../schemas/admin.js";
import { appendTracked } from "./account.js";

interface Wait {
  wait: boolean;
}

const MAX_REMEMBERED_USERS = 100_000;

export function adminRoutes(c: CommandContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const config = { auth: "admin" } as const;
    const keys = c.deps.keys;

    app.post<{ Body: { name?: string }; Querystring: Wait }>(
      "/api/v1/admin/users",
      { schema: S.createUser, config },
      async (req) => {
        const userId = c.deps.idGen.next();
        const a = await submitSimple(
          c,
          undefined,
          { op: Op.CREATE_USER, ts: c.now(), userId },
          { userId },
          req.query.wait,
        );
        if (c.createdUsers.size >= MAX_REMEMBERED_USERS) c.createdUsers.clear();
        c.createdUsers.add(userId);
        return a.body;
      },
    );

    app.post<{ Body: { userId: number; admin?: boolean } }>(
      "/api/v1/admin/api-keys",
      { schema: S.createApiKey, config },
      async (req) => {
        const { userId } = req.body;
        const admin = req.body.admin ?? false;
        if (userId === ADMIN_USER_ID && !admin)
          throw new ApiError("INVALID_PARAMETER", "user 0 is the operator: admin keys only");
        if (userId !== ADMIN_USER_ID && !c.rm.userExists(userId) && !c.createdUsers.has(userId)) {
          throw new ApiError("NOT_FOUND", `unknown user ${userId}`);
        }
        const k = await keys.create(userId, admin);
        return { apiKey: k.apiKey, apiSecret: k.apiSecret, userId, admin };
      },
    );

    app.delete<{ Querystring: { apiKey: string } }>(
      "/api/v1/admin/api-keys",
      { schema: S.revokeApiKey, config },
      async (req) => {
        if (!(await keys.revoke(req.query.apiKey))) throw new ApiError("NOT_FOUND", "no such API key");
        return { apiKey: req.query.apiKey, revoked: true };
      },
    );

    app.post<{
      Body: { userId: number; asset: "USDT"; amount: DecimalInput; txId: string };
      Querystring: Wait;
    }>("/api/v1/admin/deposits", { schema: S.deposit, config }, async (req, reply) => {
      const { userId, txId } = req.body;
      const amount = moneyUnits(req.body.amount);
      const now = c.now();
      const echo = { txId, userId, asset: "USDT", amount: formatMoney(amount) };
      const known = c.rm.deposit(txId);
      if (known) return { ...known, status: "APPLIED", duplicate: true };
      const key = `d\n${txId}`;
      const f = c.transfers.get(key, now);
      let seq: number;
      let duplicate = false;
      if (f) {
        seq = await f.durable;
        duplicate = true;
      } else
        [seq = 0] = await appendTracked(
          c,
          key,
          userId,
          { op: Op.DEPOSIT, ts: now, userId, amount, txId },
          now,
        );
      if (!req.query.wait)
        return reply.code(202).send({ ...echo, status: "ACCEPTED", ...(duplicate ? { duplicate } : {}) });
      const outcome = await c.writer.waitApplied(seq, echo);
      const view = c.rm.deposit(txId);
      return { ...echo, ...view, ...outcome, ...(duplicate ? { duplicate } : {}) };
    });

    app.post<{ Body: InstrumentBody; Querystring: Wait }>(
      "/api/v1/admin/instruments",
      { schema: S.upsertInstrument, config },
      async (req, reply) => {
        const existing = c.rm.instrument(req.body.symbol);
        // a new symbol takes the next id; two admins listing at once on two gateways could collide:
        // the engine refuses an id clash (documented in the README)
        const symbolId = existing?.symbolId ?? Math.max(0, ...c.rm.instruments().map((i) => i.symbolId)) + 1;
        const instrument = buildInstrument(req.body, symbolId);
        const cmd = { op: Op.UPSERT_INSTRUMENT, ts: c.now(), instrument } as const;
        const a = await submitSimple(
          c,
          undefined,
          cmd,
          { symbol: instrument.symbol, symbolId },
          req.query.wait,
          () => ({
            instrument: instrumentView(c.rm.instrumentById(symbolId) ?? instrument),
          }),
        );
        return reply.code(a.status).send(a.body);
      },
    );

    app.post<{ Body: { symbol: string; price: DecimalInput } }>(
      "/api/v1/admin/index-price",
      { schema: S.indexPrice, config },
      async (req) => {
        const inst = instrumentOf(c.rm, req.body.symbol);
        const price = priceUnits(req.body.price, inst);
        await c.writer.append([{ op: Op.ORACLE_PRICE, ts: c.now(), symbolId: inst.symbolId, price }]);
        return { symbol: inst.symbol, price: formatDecimal(price, inst.priceDecimals) };
      },
    );

    app.post<{ Body: { symbol?: string; fundingTime?: number }; Querystring: Wait }>(
      "/api/v1/admin/funding",
      { schema: S.payFunding, config },
      async (req, reply) => {
        const inst = req.body.symbol === undefined ? undefined : instrumentOf(c.rm, req.body.symbol);
        const now = c.now();
        const fundingTime = req.body.fundingTime ?? now;
        const [seq = 0] = await c.writer.append([
          { op: Op.PAY_FUNDING, ts: now, symbolId: inst?.symbolId ?? 0, fundingTime },
        ]);
        const echo = { symbol: inst?.symbol ?? "", fundingTime };
        if (!req.query.wait) return reply.code(202).send({ ...echo, status: "ACCEPTED" });
        await c.writer.waitApplied(seq, echo);
        const targets = inst ? [inst] : c.rm.instruments();
        return targets.flatMap((i) =>
          c.rm.fundingRates(i.symbolId, { startTime: fundingTime, endTime: fundingTime, limit: 1 }),
        );
      },
    );

    app.get<{ Querystring: { limit: number } }>(
      "/api/v1/admin/insurance-fund",
      { schema: S.insuranceFund, config },
      async (req) => ({
        ...c.rm.insuranceFund(),
        history: c.rm.insuranceHistory(req.query.limit),
      }),
    );

    app.post<{ Body: Record<string, never>; Querystring: Wait }>(
      "/api/v1/admin/snapshot",
      { schema: S.snapshot, config },
      async (req, reply) => {
        const [appended = 0] = await c.writer.append([{ op: Op.SNAPSHOT, ts: c.now() }]);
        // distributed mode: append() answers a ticket, not a seq (gateway-log.ts): 0 = not known yet
        if (!req.query.wait) return reply.code(202).send({ seq: Math.max(0, appended), status: "ACCEPTED" });
        const seq = await c.writer.engineSeq(appended, { seq: 0 });
        // applied: the engine has serialized its state at this seq and is writing it to the store
        await c.writer.waitApplied(seq, { seq });
        return { seq, status: "TAKEN" };
      },
    );

    app.get("/api/v1/admin/solvency", { schema: S.solvency, config }, async () => c.rm.solvency());

    app.get<{ Querystring: { limit: number } }>(
      "/api/v1/admin/positions/at-risk",
      { schema: S.positionsAtRisk, config },
      async (req) => c.rm.positionsAtRisk(req.query.limit),
    );
  };
}
