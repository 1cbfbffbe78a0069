import { byKeys } from '@hub/core';
import type { StockAnalysis } from './analyses/stockAnalysis.entity';
import type { Instrument } from './instruments/instrument.entity';
import type { Execution } from './orders/execution.entity';
import type { Order } from './orders/order.entity';
import type { Portfolio } from './portfolios/portfolio.entity';
import type { Position } from './portfolios/position.entity';
import type { PriceBar } from './prices/priceBar.entity';
import type { TradingContext } from './services';

/** Per-request batch loaders; each batch is one tenant-pinned query. */
export function instrumentById(ctx: TradingContext) {
  return ctx.loaders.get<string, Instrument | null>('instrumentById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.instruments.byIds(unit, ids), (row) => row.id)),
  );
}

export function latestBarOfInstrument(ctx: TradingContext) {
  return ctx.loaders.get<string, PriceBar | null>('latestBarOfInstrument', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.prices.latestOf(unit, ids), (row) => row.instrumentId)),
  );
}

export function latestAnalysisOfInstrument(ctx: TradingContext) {
  return ctx.loaders.get<string, StockAnalysis | null>('latestAnalysisOfInstrument', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.analyses.latestOf(unit, ids), (row) => row.instrumentId)),
  );
}

export function analysisById(ctx: TradingContext) {
  return ctx.loaders.get<string, StockAnalysis | null>('analysisById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.analyses.byIds(unit, ids), (row) => row.id)),
  );
}

export function portfolioById(ctx: TradingContext) {
  return ctx.loaders.get<string, Portfolio | null>('portfolioById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.portfolios.byIds(unit, ids), (row) => row.id)),
  );
}

export function positionsOfPortfolio(ctx: TradingContext) {
  return ctx.loaders.get<string, Position[]>('positionsOfPortfolio', (ids) =>
    ctx.db.run(async (unit) => {
      const positions = await ctx.services.portfolios.positionsOf(unit, ids);
      return ids.map((id) => positions.filter((position) => position.portfolioId === id));
    }),
  );
}

export function orderById(ctx: TradingContext) {
  return ctx.loaders.get<string, Order | null>('orderById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.orders.byIds(unit, ids), (row) => row.id)),
  );
}

export function executionsOfOrder(ctx: TradingContext) {
  return ctx.loaders.get<string, Execution[]>('executionsOfOrder', (ids) =>
    ctx.db.run(async (unit) => {
      const executions = await ctx.services.orders.executionsOf(unit, ids);
      return ids.map((id) => executions.filter((execution) => execution.orderId === id));
    }),
  );
}
