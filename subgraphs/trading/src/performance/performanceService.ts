import { BadUserInputError, type UnitOfWork } from '@hub/core';
import { Execution } from '../orders/execution.entity';
import type { Portfolio } from '../portfolios/portfolio.entity';
import type { PortfolioService } from '../portfolios/portfolioService';
import type { PriceBarService } from '../prices/priceBarService';
import type { TradingRules } from '../rules/tradingRules';
import { requireLocalDate } from '../shared/localDate';
import {
  performanceMetrics,
  replayDailyValues,
  topPerformers,
  type DailyValue,
  type InstrumentReturn,
  type PerformanceMetrics,
} from './performanceMath';

export interface PortfolioPerformance extends PerformanceMetrics {
  portfolio: Portfolio;
  from: string | null;
  to: string | null;
  dailyValues: DailyValue[];
  riskFreeRate: number;
  topPerformers: InstrumentReturn[];
}

/** Replays a portfolio's executions over the stored bars and measures the result. */
export class PerformanceService {
  constructor(
    private readonly portfolios: PortfolioService,
    private readonly prices: PriceBarService,
    private readonly rules: TradingRules,
  ) {}

  /** `from` defaults to the first trading day, `to` to the latest bar of a traded instrument. */
  async performance(unit: UnitOfWork, portfolioId: string, from?: string | null, to?: string | null): Promise<PortfolioPerformance> {
    if (from) requireLocalDate(from, 'from');
    if (to) requireLocalDate(to, 'to');
    if (from && to && from > to) throw new BadUserInputError('from must not be after to', { field: 'from' });
    const portfolio = await this.portfolios.require(unit, portfolioId);
    const riskFreeRate = this.rules.riskFreeRate(portfolio.orgId);
    const executions = (await unit.manager.find(Execution, { where: { portfolioId }, order: { executedAt: 'ASC', id: 'ASC' } })).sort(
      (a, b) => a.tradeDate.localeCompare(b.tradeDate),
    );
    const instrumentIds = [...new Set(executions.map((execution) => execution.instrumentId))];
    const latestBars = await this.prices.latestOf(unit, instrumentIds);
    const end = to ?? latestBars.map((bar) => bar.date).sort().at(-1) ?? null;
    const start = from ?? executions[0]?.tradeDate ?? null;
    if (!end || !start) {
      return { portfolio, from: start, to: end, dailyValues: [], riskFreeRate, topPerformers: [], ...performanceMetrics([], riskFreeRate) };
    }

    const closes = (await this.prices.historyOfMany(unit, instrumentIds, end)).map((bar) => ({
      instrumentId: bar.instrumentId,
      date: bar.date,
      close: bar.close,
    }));
    const replay = replayDailyValues(portfolio.initialCash, executions, closes);
    const window = replay.values.filter((day) => day.date >= start && day.date <= end);
    const lastDay = window.at(-1)?.date;
    const held = lastDay ? [...replay.holdingsAt(lastDay)].filter(([, holding]) => holding.quantity !== 0).map(([id]) => id) : [];
    const inWindow = closes.filter((close) => close.date >= start && close.date <= end);
    const closeAt = (instrumentId: string, which: 'first' | 'last') => {
      const own = inWindow.filter((close) => close.instrumentId === instrumentId);
      return (which === 'first' ? own[0] : own.at(-1))?.close;
    };
    return {
      portfolio,
      from: start,
      to: end,
      dailyValues: window,
      riskFreeRate,
      topPerformers: topPerformers(held, closeAt),
      ...performanceMetrics(
        window.map((day) => day.value),
        riskFreeRate,
      ),
    };
  }
}
