import type { UnitOfWork } from '@hub/core';
import type { PriceBarService } from '../prices/priceBarService';
import type { Portfolio } from './portfolio.entity';
import type { PortfolioService } from './portfolioService';
import { valuate, type PortfolioValuation } from './valuation';

export const PORTFOLIO_PERFORMANCE_UPDATED = 'portfolio.performance.updated';

/** Values portfolios at the latest prices and announces new values (fills, new bars). */
export class ValuationService {
  constructor(
    private readonly portfolios: PortfolioService,
    private readonly prices: PriceBarService,
  ) {}

  async valueOf(unit: UnitOfWork, portfolio: Portfolio): Promise<PortfolioValuation> {
    const positions = await this.portfolios.positionsOf(unit, [portfolio.id]);
    const bars = await this.prices.latestOf(unit, positions.map((position) => position.instrumentId));
    return valuate(portfolio.cash, positions, new Map(bars.map((bar) => [bar.instrumentId, bar])));
  }

  /** Records `portfolio.performance.updated` with the new value, in the caller's transaction. */
  async announce(unit: UnitOfWork, portfolio: Portfolio, cause: 'fill' | 'price'): Promise<PortfolioValuation> {
    const valuation = await this.valueOf(unit, portfolio);
    await unit.emit({
      type: PORTFOLIO_PERFORMANCE_UPDATED,
      subject: portfolio.id,
      data: {
        portfolioId: portfolio.id,
        cause,
        ...valuation,
        // Since inception; the full metrics are served by portfolioPerformance.
        totalReturn: portfolio.initialCash > 0 ? valuation.totalValue / portfolio.initialCash - 1 : null,
      },
    });
    return valuation;
  }
}
