import { join } from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  ConfigClient,
  configReaderUrlFromEnv,
  hubSubgraphModule,
  loadSchemaFile,
  type ConfigReader,
  type HubSubgraphDefinition,
  type HubSubgraphModule,
} from '@hub/core';
import { StockAnalysis } from './analyses/stockAnalysis.entity';
import { StockAnalysisService } from './analyses/stockAnalysisService';
import { paperBrokerSettingsFromEnv, SUBGRAPH_NAME } from './config';
import { Instrument } from './instruments/instrument.entity';
import { InstrumentService } from './instruments/instrumentService';
import { migrations } from './migrations';
import type { Broker } from './orders/broker';
import { Execution } from './orders/execution.entity';
import { Order } from './orders/order.entity';
import { OrderExecutor } from './orders/orderExecutor';
import { OrderService } from './orders/orderService';
import { PaperBroker } from './orders/paperBroker';
import { PerformanceService } from './performance/performanceService';
import { Portfolio } from './portfolios/portfolio.entity';
import { PortfolioService } from './portfolios/portfolioService';
import { Position } from './portfolios/position.entity';
import { ValuationService } from './portfolios/valuationService';
import { MarketDataRecorder } from './prices/marketDataRecorder';
import { PriceBar } from './prices/priceBar.entity';
import { PriceBarService } from './prices/priceBarService';
import { resolvers } from './resolvers';
import { CONFIG_SERVICE, TradingRules } from './rules/tradingRules';
import { seedTradingDemo } from './seed/demoSeed';
import type { TradingContext, TradingServices } from './services';

export const typeDefs = loadSchemaFile(join(__dirname, '..', 'schema.graphql'));

export interface TradingOptions {
  /**
   * Where plattform's service configs (maxOrderValue, allowShortSelling, riskFreeRate) are read.
   * Default: a ConfigClient following service `trading` live; absent values use the defaults.
   */
  configReader?: ConfigReader;
  /** Defaults to the paper broker configured from the environment. */
  broker?: Broker;
}

/** trading on the shared kit: its contract, tables and domain services. */
export function tradingDefinition(options: TradingOptions = {}): HubSubgraphDefinition<TradingServices> {
  return {
    name: SUBGRAPH_NAME,
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<TradingContext>,
    entities: [Instrument, PriceBar, StockAnalysis, Portfolio, Position, Order, Execution],
    migrations,
    createServices: ({ eventBus, logger }) => {
      const config =
        options.configReader ??
        new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: [CONFIG_SERVICE] });
      const rules = new TradingRules(config);
      const instruments = new InstrumentService();
      const prices = new PriceBarService();
      const portfolios = new PortfolioService();
      const valuations = new ValuationService(portfolios, prices);
      const executor = new OrderExecutor(options.broker ?? new PaperBroker(paperBrokerSettingsFromEnv()), portfolios, valuations);
      return {
        instruments,
        prices,
        marketData: new MarketDataRecorder(instruments, prices, executor, portfolios, valuations),
        analyses: new StockAnalysisService(prices),
        portfolios,
        valuations,
        orders: new OrderService(instruments, portfolios, prices, executor, rules),
        performance: new PerformanceService(portfolios, prices, rules),
        eventBus,
        config,
      };
    },
    // The client warm-loads and then follows changes; it never fails the start (defaults apply
    // until plattform's configs are reachable).
    startBackground: async ({ config }) => {
      if (!(config instanceof ConfigClient)) return [];
      await config.start();
      return [{ stop: () => config.stop() }];
    },
  };
}

/**
 * A trading module with explicit options (tests wire a ConfigReader this way). Typed for the
 * registries (dev stack, test stack), which hold modules of different service types; the
 * services type is only lost at that boundary.
 */
export function createTradingModule(options: TradingOptions = {}): HubSubgraphModule {
  return hubSubgraphModule(tradingDefinition(options), { seedDemo: seedTradingDemo }) as HubSubgraphModule;
}

/** What `npm start`, the tests and `src/main.ts` run. */
export const tradingModule = createTradingModule();
