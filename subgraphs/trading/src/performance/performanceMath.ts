import { applyFill, type Holding } from '../portfolios/positionMath';
import { mean, sampleStdDev, simpleReturns, TRADING_DAYS_PER_YEAR } from '../shared/statistics';
import type { OrderSide } from '../orders/orderTypes';

export interface ReplayedExecution {
  instrumentId: string;
  side: OrderSide;
  quantity: number;
  price: number;
  fees: number;
  tradeDate: string;
}

export interface DailyClose {
  instrumentId: string;
  date: string;
  close: number;
}

export interface DailyValue {
  date: string;
  value: number;
}

/**
 * The portfolio's value at the end of each trading day: cash after every execution up to that day
 * plus each holding at its last known close (a holding without a close yet counts at its cost).
 * Trading days are the dates of the given closes; executions must be in execution order.
 */
export function replayDailyValues(
  initialCash: number,
  executions: readonly ReplayedExecution[],
  closes: readonly DailyClose[],
): { values: DailyValue[]; holdingsAt: (date: string) => Map<string, Holding> } {
  const days = [...new Set(closes.map((close) => close.date))].sort();
  const closesByDay = new Map<string, DailyClose[]>();
  for (const close of closes) closesByDay.set(close.date, [...(closesByDay.get(close.date) ?? []), close]);
  const lastClose = new Map<string, number>();
  const holdings = new Map<string, Holding>();
  const snapshots = new Map<string, Map<string, Holding>>();
  let cash = initialCash;
  let next = 0;
  const values: DailyValue[] = [];
  for (const day of days) {
    for (const close of closesByDay.get(day) ?? []) lastClose.set(close.instrumentId, close.close);
    while (next < executions.length && executions[next]!.tradeDate <= day) {
      const execution = executions[next]!;
      const gross = execution.quantity * execution.price;
      cash += execution.side === 'BUY' ? -gross - execution.fees : gross - execution.fees;
      holdings.set(execution.instrumentId, applyFill(holdings.get(execution.instrumentId) ?? null, execution.side, execution.quantity, execution.price));
      next += 1;
    }
    let value = cash;
    for (const [instrumentId, holding] of holdings) value += holding.quantity * (lastClose.get(instrumentId) ?? holding.averageCost);
    values.push({ date: day, value: Math.round(value * 10_000) / 10_000 });
    snapshots.set(day, new Map(holdings));
  }
  return { values, holdingsAt: (date) => snapshots.get(date) ?? new Map() };
}

export interface PerformanceMetrics {
  totalReturn: number | null;
  annualisedVolatility: number | null;
  sharpeRatio: number | null;
  maxDrawdown: number | null;
}

/**
 * From daily values: total return = last / first − 1; daily simple returns r; annualised
 * volatility = sample stdev(r) · √252; Sharpe = (mean(r) − rf/252) / stdev(r) · √252 with rf the
 * yearly risk-free rate; max drawdown = the lowest value / running peak − 1 (≤ 0).
 */
export function performanceMetrics(values: readonly number[], riskFreeRate: number): PerformanceMetrics {
  if (values.length === 0 || values[0]! <= 0) {
    return { totalReturn: null, annualisedVolatility: null, sharpeRatio: null, maxDrawdown: null };
  }
  const returns = simpleReturns(values);
  const deviation = sampleStdDev(returns);
  let peak = values[0]!;
  let maxDrawdown = 0;
  for (const value of values) {
    peak = Math.max(peak, value);
    maxDrawdown = Math.min(maxDrawdown, value / peak - 1);
  }
  const annualiser = Math.sqrt(TRADING_DAYS_PER_YEAR);
  return {
    totalReturn: values.at(-1)! / values[0]! - 1,
    annualisedVolatility: deviation === null ? null : deviation * annualiser,
    sharpeRatio:
      deviation === null || deviation === 0 ? null : ((mean(returns) - riskFreeRate / TRADING_DAYS_PER_YEAR) / deviation) * annualiser,
    maxDrawdown,
  };
}

export interface InstrumentReturn {
  instrumentId: string;
  return: number;
}

/** Price return of each instrument between two days' closes, best first, at most `limit`. */
export function topPerformers(
  instrumentIds: readonly string[],
  closeAt: (instrumentId: string, which: 'first' | 'last') => number | undefined,
  limit = 5,
): InstrumentReturn[] {
  return instrumentIds
    .flatMap((instrumentId) => {
      const first = closeAt(instrumentId, 'first');
      const last = closeAt(instrumentId, 'last');
      return first && last ? [{ instrumentId, return: last / first - 1 }] : [];
    })
    .sort((a, b) => b.return - a.return)
    .slice(0, limit);
}
