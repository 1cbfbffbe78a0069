import type { MutationResolvers } from '../generated/resolvers-types';
import { trader, writer } from './access';

export const Mutation: MutationResolvers = {
  createInstrument: (_parent, { input }, ctx) => {
    writer(ctx);
    return ctx.db.run((unit) => ctx.services.instruments.create(unit, input));
  },
  recordPriceBar: (_parent, { input }, ctx) => {
    writer(ctx);
    return ctx.db.run((unit) => ctx.services.marketData.record(unit, input));
  },
  analyseStock: (_parent, { symbol }, ctx) => {
    writer(ctx);
    return ctx.db.run(async (unit) => ctx.services.analyses.analyse(unit, await ctx.services.instruments.requireBySymbol(unit, symbol)));
  },
  createPortfolio: (_parent, { input }, ctx) => {
    writer(ctx);
    return ctx.db.run((unit) => ctx.services.portfolios.create(unit, input));
  },
  linkRiskAssessment: (_parent, { portfolioId, riskAssessmentId }, ctx) => {
    writer(ctx);
    return ctx.db.run((unit) => ctx.services.portfolios.linkRiskAssessment(unit, portfolioId, riskAssessmentId ?? null));
  },
  placeOrder: (_parent, { input }, ctx) => {
    trader(ctx);
    return ctx.db.run((unit) => ctx.services.orders.place(unit, input));
  },
  cancelOrder: (_parent, { id }, ctx) => {
    trader(ctx);
    return ctx.db.run((unit) => ctx.services.orders.cancel(unit, id));
  },
};
