import { NotFoundError } from '@hub/core';
import type {
  InstrumentResolvers,
  InstrumentReturnResolvers,
  OrderResolvers,
  PortfolioResolvers,
  PositionResolvers,
  StockAnalysisResolvers,
} from '../generated/resolvers-types';
import {
  analysisById,
  executionsOfOrder,
  instrumentById,
  latestAnalysisOfInstrument,
  latestBarOfInstrument,
  orderById,
  portfolioById,
  positionsOfPortfolio,
} from '../loaders';
import type { Portfolio as PortfolioModel } from '../portfolios/portfolio.entity';
import { markToMarket } from '../portfolios/positionMath';
import { valuate } from '../portfolios/valuation';
import type { TradingContext } from '../services';
import { reader } from './access';

async function found<T>(value: Promise<T | null>, what: string): Promise<T> {
  const result = await value;
  if (!result) throw new NotFoundError(`${what} not found`);
  return result;
}

const instrumentOf = (ctx: TradingContext, id: string) => found(instrumentById(ctx).load(id), 'Instrument');

async function valuationOf(portfolio: PortfolioModel, ctx: TradingContext) {
  const positions = await positionsOfPortfolio(ctx).load(portfolio.id);
  const bars = await Promise.all(positions.map((position) => latestBarOfInstrument(ctx).load(position.instrumentId)));
  const latest = new Map(bars.flatMap((bar) => (bar ? [[bar.instrumentId, bar] as const] : [])));
  return valuate(portfolio.cash, positions, latest);
}

// Another tenant's id resolves to null in every reference resolver: row-level security hides the row.
export const Instrument: InstrumentResolvers = {
  __resolveReference: (reference, ctx) => {
    reader(ctx);
    return instrumentById(ctx).load(reference.id);
  },
  latestBar: (instrument, _args, ctx) => latestBarOfInstrument(ctx).load(instrument.id),
  latestAnalysis: (instrument, _args, ctx) => latestAnalysisOfInstrument(ctx).load(instrument.id),
  priceBars: (instrument, args, ctx) => ctx.db.run((unit) => ctx.services.prices.page(unit, instrument.id, args)),
};

export const StockAnalysis: StockAnalysisResolvers = {
  __resolveReference: (reference, ctx) => {
    reader(ctx);
    return analysisById(ctx).load(reference.id);
  },
  instrument: (analysis, _args, ctx) => instrumentOf(ctx, analysis.instrumentId),
  macd: (analysis) =>
    analysis.macd === null || analysis.macdSignal === null || analysis.macdHistogram === null
      ? null
      : { macd: analysis.macd, signal: analysis.macdSignal, histogram: analysis.macdHistogram },
};

export const Portfolio: PortfolioResolvers = {
  __resolveReference: (reference, ctx) => {
    reader(ctx);
    return portfolioById(ctx).load(reference.id);
  },
  owner: (portfolio) => ({ id: portfolio.ownerId }),
  positions: (portfolio, _args, ctx) => positionsOfPortfolio(ctx).load(portfolio.id),
  marketValue: async (portfolio, _args, ctx) => (await valuationOf(portfolio, ctx)).marketValue,
  totalValue: async (portfolio, _args, ctx) => (await valuationOf(portfolio, ctx)).totalValue,
  orders: (portfolio, { status, first, after }, ctx) =>
    ctx.db.run((unit) => ctx.services.orders.page(unit, portfolio.id, status ?? null, { first, after })),
  riskAssessment: (portfolio) => (portfolio.riskAssessmentId ? { id: portfolio.riskAssessmentId } : null),
};

export const Position: PositionResolvers = {
  instrument: (position, _args, ctx) => instrumentOf(ctx, position.instrumentId),
  marketValue: async (position, _args, ctx) => {
    const bar = await latestBarOfInstrument(ctx).load(position.instrumentId);
    return markToMarket(position, bar?.close ?? position.averageCost).marketValue;
  },
  unrealisedPnl: async (position, _args, ctx) => {
    const bar = await latestBarOfInstrument(ctx).load(position.instrumentId);
    return markToMarket(position, bar?.close ?? position.averageCost).unrealisedPnl;
  },
};

export const Order: OrderResolvers = {
  __resolveReference: (reference, ctx) => {
    reader(ctx);
    return orderById(ctx).load(reference.id);
  },
  portfolio: (order, _args, ctx) => found(portfolioById(ctx).load(order.portfolioId), 'Portfolio'),
  instrument: (order, _args, ctx) => instrumentOf(ctx, order.instrumentId),
  executions: (order, _args, ctx) => executionsOfOrder(ctx).load(order.id),
};


export const InstrumentReturn: InstrumentReturnResolvers = {
  instrument: (entry, _args, ctx) => instrumentOf(ctx, entry.instrumentId),
};
