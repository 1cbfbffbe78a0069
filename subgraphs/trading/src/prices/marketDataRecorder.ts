import type { UnitOfWork } from '@hub/core';
import type { InstrumentService } from '../instruments/instrumentService';
import type { OrderExecutor } from '../orders/orderExecutor';
import { Position } from '../portfolios/position.entity';
import type { PortfolioService } from '../portfolios/portfolioService';
import type { ValuationService } from '../portfolios/valuationService';
import type { PriceBar } from './priceBar.entity';
import type { PriceBarService } from './priceBarService';
import type { PriceBarInput, PriceFeed } from './priceFeed';

export interface RecordBarInput extends PriceBarInput {
  symbol: string;
}

/**
 * What a new bar sets off, in the same transaction: the bar is stored (market.data.updated), open
 * orders of the instrument are matched against it, and every portfolio holding it is re-valued
 * (portfolio.performance.updated).
 */
export class MarketDataRecorder {
  constructor(
    private readonly instruments: InstrumentService,
    private readonly prices: PriceBarService,
    private readonly executor: OrderExecutor,
    private readonly portfolios: PortfolioService,
    private readonly valuations: ValuationService,
  ) {}

  async record(unit: UnitOfWork, input: RecordBarInput, source = 'api'): Promise<PriceBar> {
    const instrument = await this.instruments.requireBySymbol(unit, input.symbol);
    const bar = (await this.prices.upsert(unit, instrument, [input], source))!;
    const latest = (await this.prices.latestOf(unit, [instrument.id]))[0];
    // A correction of an older day changes neither open orders nor current values.
    if (latest?.date !== bar.date) return bar;
    const executions = await this.executor.matchOpenOrders(unit, instrument, bar);
    const filled = new Set(executions.map((execution) => execution.portfolioId));
    const holders = await unit.manager.find(Position, { where: { instrumentId: instrument.id }, select: { portfolioId: true, quantity: true } });
    const affected = holders.filter((holder) => holder.quantity !== 0 && !filled.has(holder.portfolioId));
    for (const portfolio of await this.portfolios.byIds(unit, affected.map((holder) => holder.portfolioId))) {
      await this.valuations.announce(unit, portfolio, 'price');
    }
    return bar;
  }

  /** Imports a feed's bars for one symbol (no order matching: history, not a live tick). Returns the count. */
  async importFrom(unit: UnitOfWork, feed: PriceFeed, symbol: string): Promise<number> {
    const instrument = await this.instruments.requireBySymbol(unit, symbol);
    const bars = await feed.dailyBars(instrument.symbol);
    await this.prices.upsert(unit, instrument, bars, feed.source);
    return bars.length;
  }
}
