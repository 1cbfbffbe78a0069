import type { SubgraphCodegen } from '../../scripts/codegen/subgraphCodegen';

/** trading's resolver types (collected by the root codegen.ts; paths relative to src/generated/). */
export default {
  contextType: '../services#TradingContext',
  mappers: {
    Instrument: '../instruments/instrument.entity#Instrument as InstrumentModel',
    PriceBar: '../prices/priceBar.entity#PriceBar as PriceBarModel',
    StockAnalysis: '../analyses/stockAnalysis.entity#StockAnalysis as StockAnalysisModel',
    Portfolio: '../portfolios/portfolio.entity#Portfolio as PortfolioModel',
    Position: '../portfolios/position.entity#Position as PositionModel',
    Order: '../orders/order.entity#Order as OrderModel',
    Execution: '../orders/execution.entity#Execution as ExecutionModel',
    OrderUpdate: '../live/liveUpdates#OrderUpdate as OrderUpdateModel',
    PortfolioValuation: '../live/liveUpdates#PortfolioValuationUpdate as PortfolioValuationModel',
    PortfolioPerformance: '../performance/performanceService#PortfolioPerformance as PortfolioPerformanceModel',
    InstrumentReturn: '../performance/performanceMath#InstrumentReturn as InstrumentReturnModel',
  },
} satisfies SubgraphCodegen;
