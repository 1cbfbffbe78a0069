import { performanceMetrics, replayDailyValues, topPerformers } from '../src/performance/performanceMath';
import { applyFill, markToMarket } from '../src/portfolios/positionMath';

// Hand-computed: a portfolio with 1000 cash buys 10 A at 50 on day 1; A closes 50, 55, 44, 60.
const closes = [
  { instrumentId: 'A', date: '2025-01-02', close: 50 },
  { instrumentId: 'A', date: '2025-01-03', close: 55 },
  { instrumentId: 'A', date: '2025-01-06', close: 44 },
  { instrumentId: 'A', date: '2025-01-07', close: 60 },
];
const buy = { instrumentId: 'A', side: 'BUY' as const, quantity: 10, price: 50, fees: 0, tradeDate: '2025-01-02' };

describe('performance maths against hand-computed values', () => {
  it('daily values: cash after executions plus holdings at the day’s close', () => {
    // cash 1000 − 500 = 500; values 500 + 10·close = 1000, 1050, 940, 1100
    const { values } = replayDailyValues(1000, [buy], closes);
    expect(values).toEqual([
      { date: '2025-01-02', value: 1000 },
      { date: '2025-01-03', value: 1050 },
      { date: '2025-01-06', value: 940 },
      { date: '2025-01-07', value: 1100 },
    ]);
  });

  it('daily values count fees and sales on their trade date', () => {
    // day 4: sell 5 at 60 with fee 1 → cash 500 + 300 − 1 = 799; 5 left at 60 = 300 → 1099
    const sell = { instrumentId: 'A', side: 'SELL' as const, quantity: 5, price: 60, fees: 1, tradeDate: '2025-01-07' };
    const { values, holdingsAt } = replayDailyValues(1000, [buy, sell], closes);
    expect(values.at(-1)).toEqual({ date: '2025-01-07', value: 1099 });
    expect(holdingsAt('2025-01-07').get('A')).toEqual({ quantity: 5, averageCost: 50 });
    expect(holdingsAt('2025-01-06').get('A')).toEqual({ quantity: 10, averageCost: 50 });
  });

  it('total return, volatility, Sharpe ratio and max drawdown', () => {
    // returns: 1050/1000 − 1 = 0.05; 940/1050 − 1 = −0.1047619; 1100/940 − 1 = 0.1702128
    // mean 0.0384836; sample stdev 0.1378486 → annualised ·√252 = 2.1882787
    // Sharpe with rf 2.52 %/year (0.0001/day): (0.0384836 − 0.0001)/0.1378486·√252 = 4.4202195
    // drawdown: peak 1050 → 940: 940/1050 − 1 = −0.1047619
    const metrics = performanceMetrics([1000, 1050, 940, 1100], 0.0252);
    expect(metrics.totalReturn).toBeCloseTo(0.1, 10);
    expect(metrics.annualisedVolatility).toBeCloseTo(2.1882787, 6);
    expect(metrics.sharpeRatio).toBeCloseTo(4.4202195, 6);
    expect(metrics.maxDrawdown).toBeCloseTo(-0.1047619, 6);
  });

  it('edge cases: rising-only values have no drawdown; one value has no volatility; none has nothing', () => {
    expect(performanceMetrics([100, 110, 121], 0).maxDrawdown).toBe(0);
    expect(performanceMetrics([100], 0)).toEqual({ totalReturn: 0, annualisedVolatility: null, sharpeRatio: null, maxDrawdown: 0 });
    expect(performanceMetrics([], 0.02).totalReturn).toBeNull();
    // constant values: stdev 0, so no Sharpe ratio (not Infinity)
    expect(performanceMetrics([100, 100, 100], 0.02).sharpeRatio).toBeNull();
  });

  it('top performers: price return over the period, best first, limited', () => {
    const first: Record<string, number> = { A: 50, B: 20, C: 10 };
    const last: Record<string, number> = { A: 60, B: 19, C: 15 };
    const result = topPerformers(['A', 'B', 'C', 'D'], (id, which) => (which === 'first' ? first[id] : last[id]), 2);
    expect(result).toEqual([
      { instrumentId: 'C', return: 0.5 },
      { instrumentId: 'A', return: expect.closeTo(0.2, 10) as unknown as number },
    ]);
  });
});

describe('position maths', () => {
  it('averages the cost when adding, keeps it when reducing, restarts it when crossing zero', () => {
    const bought = applyFill(null, 'BUY', 10, 50);
    expect(bought).toEqual({ quantity: 10, averageCost: 50 });
    const more = applyFill(bought, 'BUY', 30, 70); // (10·50 + 30·70)/40 = 65
    expect(more).toEqual({ quantity: 40, averageCost: 65 });
    expect(applyFill(more, 'SELL', 15, 90)).toEqual({ quantity: 25, averageCost: 65 });
    expect(applyFill(more, 'SELL', 40, 90)).toEqual({ quantity: 0, averageCost: 0 });
    expect(applyFill(more, 'SELL', 50, 90)).toEqual({ quantity: -10, averageCost: 90 });
  });

  it('market value and unrealised P&L', () => {
    // 40 at 65 cost, price 70: value 2800, P&L 2800 − 2600 = 200
    expect(markToMarket({ quantity: 40, averageCost: 65 }, 70)).toEqual({ marketValue: 2800, unrealisedPnl: 200 });
  });
});
