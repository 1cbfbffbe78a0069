import type { Holding } from './positionMath';

export interface HoldingWithInstrument extends Holding {
  instrumentId: string;
}

export interface PortfolioValuation {
  cash: number;
  marketValue: number;
  totalValue: number;
  /** Latest trading day among the prices used; null when no position has a price. */
  asOf: string | null;
}

/**
 * Cash plus every holding at its latest close. A holding without any bar yet is valued at its
 * average cost (the only price known for it).
 */
export function valuate(
  cash: number,
  holdings: readonly HoldingWithInstrument[],
  latest: ReadonlyMap<string, { close: number; date: string }>,
): PortfolioValuation {
  let marketValue = 0;
  let asOf: string | null = null;
  for (const holding of holdings) {
    const bar = latest.get(holding.instrumentId);
    marketValue += holding.quantity * (bar?.close ?? holding.averageCost);
    if (bar && (asOf === null || bar.date > asOf)) asOf = bar.date;
  }
  const roundedMarket = Math.round(marketValue * 10_000) / 10_000;
  return { cash, marketValue: roundedMarket, totalValue: Math.round((cash + roundedMarket) * 10_000) / 10_000, asOf };
}
