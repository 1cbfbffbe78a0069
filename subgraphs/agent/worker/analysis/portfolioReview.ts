import { bySeverity, type Severity } from './findings';

/** A portfolio as trading serves it (the fields the review reads). */
export interface PortfolioForReview {
  id: string;
  name: string;
  cash: number;
  positions: Array<{ symbol: string; quantity: number; marketValue: number }>;
}

/** Daily portfolio values, oldest first (trading's portfolioPerformance). */
export interface PerformanceForReview {
  dailyValues: Array<{ date: string; value: number }>;
}

export interface PortfolioWarning {
  kind: 'CONCENTRATION' | 'DRAWDOWN';
  severity: Severity;
  symbol?: string;
  value: number;
  limit: number;
  message: string;
}

export interface PortfolioReviewOptions {
  /** Largest acceptable share of portfolio value in one position (tenant setting, default 0.25). */
  maxPositionWeight: number;
  /** Largest acceptable peak-to-trough loss, 0–1 (tenant setting, default 0.2). */
  maxDrawdown: number;
}

export interface PortfolioReviewResult {
  portfolioId: string;
  summary: {
    positions: number;
    totalValue: number;
    largestPositionWeight: number | null;
    maxDrawdown: number | null;
    currentDrawdown: number | null;
  };
  weights: Array<{ symbol: string; weight: number }>;
  warnings: PortfolioWarning[];
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** Largest peak-to-trough fall of a value series, as a fraction of the peak (0 when it never fell). */
export function maxDrawdown(values: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const value of values) {
    peak = Math.max(peak, value);
    if (peak > 0) worst = Math.max(worst, (peak - value) / peak);
  }
  return worst;
}

/** How far the last value is below the highest one before it. */
export function currentDrawdown(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const peak = Math.max(...values);
  return peak > 0 ? (peak - values[values.length - 1]!) / peak : 0;
}

/**
 * Concentration: positions whose market value exceeds the weight limit of the total value (cash
 * included); critical beyond twice the limit. Drawdown: the worst fall in the period above the
 * limit; critical beyond 1.5 times the limit.
 */
export function reviewPortfolio(
  portfolio: PortfolioForReview,
  performance: PerformanceForReview | null,
  options: PortfolioReviewOptions,
): PortfolioReviewResult {
  const invested = portfolio.positions.reduce((sum, position) => sum + position.marketValue, 0);
  const totalValue = invested + portfolio.cash;
  const weights = portfolio.positions
    .map((position) => ({ symbol: position.symbol, weight: totalValue > 0 ? position.marketValue / totalValue : 0 }))
    .sort((a, b) => b.weight - a.weight);
  const warnings: PortfolioWarning[] = [];
  for (const { symbol, weight } of weights) {
    if (weight <= options.maxPositionWeight) continue;
    warnings.push({
      kind: 'CONCENTRATION',
      severity: weight > 2 * options.maxPositionWeight ? 'critical' : 'warning',
      symbol,
      value: round(weight),
      limit: options.maxPositionWeight,
      message: `${symbol} is ${percent(weight)} of the portfolio (limit ${percent(options.maxPositionWeight)})`,
    });
  }
  const series = (performance?.dailyValues ?? []).map((day) => day.value);
  const worst = series.length > 1 ? maxDrawdown(series) : null;
  if (worst !== null && worst > options.maxDrawdown) {
    warnings.push({
      kind: 'DRAWDOWN',
      severity: worst > 1.5 * options.maxDrawdown ? 'critical' : 'warning',
      value: round(worst),
      limit: options.maxDrawdown,
      message: `Maximum drawdown ${percent(worst)} exceeds the limit of ${percent(options.maxDrawdown)}`,
    });
  }
  return {
    portfolioId: portfolio.id,
    summary: {
      positions: portfolio.positions.length,
      totalValue: round(totalValue, 2),
      largestPositionWeight: weights[0] ? round(weights[0].weight) : null,
      maxDrawdown: worst === null ? null : round(worst),
      currentDrawdown: series.length > 1 ? round(currentDrawdown(series)) : null,
    },
    weights: weights.map((entry) => ({ symbol: entry.symbol, weight: round(entry.weight) })),
    warnings: bySeverity(warnings),
  };
}
