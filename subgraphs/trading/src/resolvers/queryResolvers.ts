import { NotFoundError } from '@hub/core';
import type { QueryResolvers } from '../generated/resolvers-types';
import { orderById, portfolioById } from '../loaders';
import { reader } from './access';

export const Query: QueryResolvers = {
  instruments: (_parent, args, ctx) => {
    reader(ctx);
    return ctx.db.run((unit) => ctx.services.instruments.page(unit, args));
  },
  instrument: (_parent, { symbol }, ctx) => {
    reader(ctx);
    return ctx.db.run((unit) => ctx.services.instruments.bySymbol(unit, symbol));
  },
  stockAnalysis: (_parent, { symbol }, ctx) => {
    reader(ctx);
    return ctx.db.run(async (unit) => {
      const instrument = await ctx.services.instruments.bySymbol(unit, symbol);
      if (!instrument) return null;
      const [analysis] = await ctx.services.analyses.latestOf(unit, [instrument.id]);
      return analysis ?? null;
    });
  },
  portfolios: (_parent, args, ctx) => {
    reader(ctx);
    return ctx.db.run((unit) => ctx.services.portfolios.page(unit, args));
  },
  portfolio: async (_parent, { id }, ctx) => {
    reader(ctx);
    const portfolio = await portfolioById(ctx).load(id);
    if (!portfolio) throw new NotFoundError('Portfolio not found');
    return portfolio;
  },
  order: async (_parent, { id }, ctx) => {
    reader(ctx);
    const order = await orderById(ctx).load(id);
    if (!order) throw new NotFoundError('Order not found');
    return order;
  },
  portfolioPerformance: (_parent, { id, from, to }, ctx) => {
    reader(ctx);
    return ctx.db.run((unit) => ctx.services.performance.performance(unit, id, from, to));
  },
};
