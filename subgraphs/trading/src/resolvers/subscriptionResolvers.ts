import { LoaderRegistry, NotFoundError, type CloudEventEnvelope } from '@hub/core';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { eventField, tenantEventStream } from '../live/tenantEventStream';
import { portfolioById } from '../loaders';
import { ORDER_EXECUTED, ORDER_UPDATED } from '../orders/orderExecutor';
import { PORTFOLIO_PERFORMANCE_UPDATED } from '../portfolios/valuationService';
import type { TradingContext } from '../services';
import { reader } from './access';

/** Authorizes a subscription: read permission and a portfolio the caller's tenant owns. */
async function subscribablePortfolio(ctx: TradingContext, portfolioId: string) {
  const identity = reader(ctx);
  const portfolio = await portfolioById(ctx).load(portfolioId);
  if (!portfolio) throw new NotFoundError('Portfolio not found');
  return { orgId: identity.orgId, portfolioId: portfolio.id };
}

/**
 * A subscription's context lives as long as the stream; fresh loaders per event keep one
 * event's batches from serving stale rows to the next.
 */
function freshLoaders(ctx: TradingContext): void {
  ctx.loaders = new LoaderRegistry();
}

export const Subscription: SubscriptionResolvers = {
  orderUpdates: {
    subscribe: async (_parent, { portfolioId }, ctx) => {
      const { orgId, portfolioId: id } = await subscribablePortfolio(ctx, portfolioId);
      return tenantEventStream(ctx.events, [ORDER_UPDATED, ORDER_EXECUTED], orgId, (event) => eventField(event, 'portfolioId') === id);
    },
    // Events carry ids only; the order is read for the subscriber, under their tenant.
    resolve: (event: CloudEventEnvelope, _args: unknown, ctx: TradingContext) => {
      freshLoaders(ctx);
      return ctx.db.run(async (unit) => {
        const order = await ctx.services.orders.require(unit, eventField(event, 'orderId') ?? '');
        const executionId = eventField(event, 'executionId');
        const [execution] = executionId ? await ctx.services.orders.executionsByIds(unit, [executionId]) : [];
        return { order, execution: execution ?? null };
      });
    },
  },
  portfolioValue: {
    subscribe: async (_parent, { portfolioId }, ctx) => {
      const { orgId, portfolioId: id } = await subscribablePortfolio(ctx, portfolioId);
      return tenantEventStream(ctx.events, [PORTFOLIO_PERFORMANCE_UPDATED], orgId, (event) => eventField(event, 'portfolioId') === id);
    },
    resolve: (event: CloudEventEnvelope, _args: unknown, ctx: TradingContext) => {
      freshLoaders(ctx);
      return ctx.db.run(async (unit) => {
        const portfolio = await ctx.services.portfolios.require(unit, eventField(event, 'portfolioId') ?? '');
        return { portfolio, ...(await ctx.services.valuations.valueOf(unit, portfolio)) };
      });
    },
  },
};
