// Public market-data routes (SPEC §8.2): no authentication, rate limited per IP.
import type { FastifyInstance } from "fastify";
import type { CommandContext } from "../commands/context.js";
import { instrumentOf } from "../filters/order-filters.js";
import type { RangeQs } from "../schemas/common.js";
import * as S from "../schemas/market.js";
import { rangeOf } from "./orders.js";

export function publicRoutes(c: CommandContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const sym = (symbol: string) => instrumentOf(c.rm, symbol).symbolId;

    app.get("/api/v1/time", { schema: S.getTime }, async () => ({ serverTime: c.now() }));
    app.get("/api/v1/instruments", { schema: S.getInstruments }, async () => c.rm.instrumentViews());
    app.get<{ Querystring: { symbol: string; limit: number } }>(
      "/api/v1/depth",
      { schema: S.getDepth },
      async (req) => c.rm.depth(sym(req.query.symbol), req.query.limit),
    );
    app.get<{ Querystring: { symbol: string; limit: number } }>(
      "/api/v1/trades/recent",
      { schema: S.getRecentTrades },
      async (req) => c.rm.recentTrades(sym(req.query.symbol), req.query.limit),
    );
    app.get<{ Querystring: { symbol: string } }>("/api/v1/ticker", { schema: S.getTicker }, async (req) =>
      c.rm.ticker24h(sym(req.query.symbol), c.now()),
    );
    app.get<{ Querystring: { symbol: string } }>(
      "/api/v1/premium-index",
      { schema: S.getPremiumIndex },
      async (req) => c.rm.premiumIndex(sym(req.query.symbol)),
    );
    app.get<{ Querystring: RangeQs & { symbol: string } }>(
      "/api/v1/funding-rate",
      { schema: S.getFundingRate },
      async (req) => c.rm.fundingRates(sym(req.query.symbol), rangeOf(c, req.query)),
    );
    app.get("/api/v1/insurance-fund", { schema: S.getInsuranceFund }, async () => c.rm.insuranceFund());
    app.get<{ Querystring: { symbol?: string } }>(
      "/api/v1/leverage-brackets",
      { schema: S.getLeverageBrackets },
      async (req) =>
        c.rm.leverageBrackets(req.query.symbol === undefined ? undefined : sym(req.query.symbol)),
    );
  };
}
