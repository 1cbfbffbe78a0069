import type { ConfigReader, EventBus, SubgraphContext } from '@hub/core';
import type { StockAnalysisService } from './analyses/stockAnalysisService';
import type { InstrumentService } from './instruments/instrumentService';
import type { OrderService } from './orders/orderService';
import type { PerformanceService } from './performance/performanceService';
import type { PortfolioService } from './portfolios/portfolioService';
import type { ValuationService } from './portfolios/valuationService';
import type { MarketDataRecorder } from './prices/marketDataRecorder';
import type { PriceBarService } from './prices/priceBarService';

/** trading's domain layer, handed to resolvers through the context. */
export interface TradingServices {
  instruments: InstrumentService;
  prices: PriceBarService;
  marketData: MarketDataRecorder;
  analyses: StockAnalysisService;
  portfolios: PortfolioService;
  valuations: ValuationService;
  orders: OrderService;
  performance: PerformanceService;
  /** Live events for subscriptions. */
  eventBus: EventBus;
  /** plattform's service configs as trading reads them. */
  config: ConfigReader;
}

export type TradingContext = SubgraphContext<TradingServices>;
