import { channelFor, type CloudEventEnvelope } from '@hub/core';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { macd } from '../src/analyses/indicators/macd';
import { rsi } from '../src/analyses/indicators/rsi';
import { sma } from '../src/analyses/indicators/sma';
import { SAMPLE_DATA_DIR } from '../src/config';
import { CsvPriceFeed } from '../src/prices/csvPriceFeed';
import { DEMO_PORTFOLIO, seedTradingDemo } from '../src/seed/demoSeed';
import type { TradingServices } from '../src/services';
import { tradingModule } from '../src/tradingSubgraph';
import type { RunningHubSubgraph } from '@hub/core';
import { dataOf, tradingApi } from './support/tradingApi';

interface Performance {
  from: string;
  to: string;
  dailyValues: Array<{ date: string; value: number }>;
  totalReturn: number;
  annualisedVolatility: number;
  sharpeRatio: number;
  maxDrawdown: number;
  riskFreeRate: number;
  topPerformers: Array<{ instrument: { symbol: string }; return: number }>;
}

const PERFORMANCE = `query($id: ID!, $from: LocalDate, $to: LocalDate) {
  portfolioPerformance(id: $id, from: $from, to: $to) {
    from to dailyValues { date value } totalReturn annualisedVolatility sharpeRatio maxDrawdown riskFreeRate
    topPerformers { instrument { symbol } return }
  }
}`;

describe('demo data, analyses and performance', () => {
  let stack: TestStack;
  let trading: RunningHubSubgraph<TradingServices>;
  let account: TestAccount;
  let portfolioId: string;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [tradingModule] });
    trading = stack.hubs.trading as RunningHubSubgraph<TradingServices>;
    account = await signUpAccount(stack, 'Demo-like Org');
    const tenant = { orgId: account.orgId, userId: account.userId };
    expect(await seedTradingDemo(trading, tenant)).toMatch(/^created 5 instruments/);
    expect(await seedTradingDemo(trading, tenant)).toBe('existing');
    const portfolios = await stack.query<{ portfolios: { edges: Array<{ node: { id: string; name: string } }> } }>(
      '{ portfolios { edges { node { id name } } } }',
      {},
      account.token,
    );
    expect(portfolios.data?.portfolios.edges.map((edge) => edge.node.name)).toEqual([DEMO_PORTFOLIO.name]);
    portfolioId = portfolios.data!.portfolios.edges[0]!.node.id;
  });
  afterAll(() => stack.stop());

  it('the seeded portfolio holds three positions and one open limit order', async () => {
    const portfolio = await tradingApi(stack.query, account.token).portfolio(portfolioId);
    expect(portfolio.positions.map((position) => [position.instrument.symbol, position.quantity]).sort()).toEqual([
      ['CRST', 250],
      ['HLXE', 500],
      ['NOVR', 300],
    ]);
    const open = await stack.query<{ portfolio: { orders: { edges: Array<{ node: { instrument: { symbol: string }; type: string } }> } } }>(
      'query($id: ID!) { portfolio(id: $id) { orders(status: NEW) { edges { node { instrument { symbol } type } } } } }',
      { id: portfolioId },
      account.token,
    );
    expect(open.data?.portfolio.orders.edges.map((edge) => edge.node)).toEqual([{ instrument: { symbol: 'BRGM' }, type: 'LIMIT' }]);
  });

  it('stored analyses match the indicators recomputed from the sample CSV', async () => {
    const closes = (await new CsvPriceFeed(SAMPLE_DATA_DIR).dailyBars('NOVR')).map((bar) => bar.close);
    const response = await stack.query<{
      stockAnalysis: { asOf: string; rsi14: number; macd: { histogram: number }; sma50: number; sma200: number; recommendation: string; confidence: number; score: number };
    }>(
      '{ stockAnalysis(symbol: "NOVR") { asOf rsi14 macd { histogram } sma50 sma200 recommendation confidence score } }',
      {},
      account.token,
    );
    const analysis = response.data!.stockAnalysis;
    expect(analysis.asOf).toBe('2025-12-31');
    expect(analysis.rsi14).toBeCloseTo(rsi(closes, 14)!, 8);
    expect(analysis.macd.histogram).toBeCloseTo(macd(closes)!.histogram, 8);
    expect(analysis.sma50).toBeCloseTo(sma(closes, 50)!, 8);
    expect(analysis.sma200).toBeCloseTo(sma(closes, 200)!, 8);
    expect(['BUY', 'HOLD', 'SELL']).toContain(analysis.recommendation);
    expect(analysis.confidence).toBeGreaterThanOrEqual(0);
    expect(analysis.confidence).toBeLessThanOrEqual(1);
  });

  it('an instrument with too little history cannot be analysed', async () => {
    const api = tradingApi(stack.query, account.token);
    await api.createInstrument('YOUNG');
    await api.recordBar('YOUNG', '2025-06-02', 10);
    const response = await stack.query('mutation { analyseStock(symbol: "YOUNG") { id } }', {}, account.token);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('performance: daily values from the first fill to the latest bar, metrics consistent with them', async () => {
    const performance = dataOf<Performance>(await stack.query(PERFORMANCE, { id: portfolioId }, account.token), 'portfolioPerformance');
    // bought on the last imported day, then 60 days arrived bar by bar
    expect(performance.dailyValues).toHaveLength(61);
    expect(performance.to).toBe('2025-12-31');
    const values = performance.dailyValues.map((day) => day.value);
    expect(performance.totalReturn).toBeCloseTo(values.at(-1)! / values[0]! - 1, 10);
    expect(performance.maxDrawdown).toBeLessThanOrEqual(0);
    expect(performance.annualisedVolatility).toBeGreaterThan(0);
    expect(performance.riskFreeRate).toBe(0.02);
    const returns = performance.topPerformers.map((entry) => entry.return);
    expect(returns).toEqual([...returns].sort((x, y) => y - x));
    expect(performance.topPerformers.map((entry) => entry.instrument.symbol).sort()).toEqual(['CRST', 'HLXE', 'NOVR']);
    // The last daily value is the portfolio's current total value (same closes).
    const portfolio = await tradingApi(stack.query, account.token).portfolio(portfolioId);
    expect(values.at(-1)).toBeCloseTo(portfolio.totalValue, 4);
  });

  it('performance over a date range; an inverted range is BAD_USER_INPUT', async () => {
    const ranged = dataOf<Performance>(
      await stack.query(PERFORMANCE, { id: portfolioId, from: '2025-12-01', to: '2025-12-05' }, account.token),
      'portfolioPerformance',
    );
    expect(ranged.dailyValues.map((day) => day.date)).toEqual(['2025-12-01', '2025-12-02', '2025-12-03', '2025-12-04', '2025-12-05']);
    const inverted = await stack.query(PERFORMANCE, { id: portfolioId, from: '2025-12-05', to: '2025-12-01' }, account.token);
    expect(errorCodes(inverted)).toEqual(['BAD_USER_INPUT']);
  });

  it('market.data.updated and stock.analysis.completed are published on tenant channels', async () => {
    const events = trading.eventBus.engine.asyncIterableIterator<CloudEventEnvelope>([
      channelFor('market.data.updated', account.orgId),
      channelFor('stock.analysis.completed', account.orgId),
    ]);
    const first = events.next();
    const api = tradingApi(stack.query, account.token);
    await api.recordBar('NOVR', '2026-01-02', 101.5);
    await trading.relay.flush();
    const second = events.next();
    await stack.query('mutation { analyseStock(symbol: "NOVR") { id } }', {}, account.token);
    await trading.relay.flush();
    const [market, analysis] = [(await first).value as CloudEventEnvelope, (await second).value as CloudEventEnvelope];
    await events.return?.();
    expect(market).toMatchObject({ type: 'market.data.updated', source: 'hub.trading', tenantid: account.orgId, data: { symbol: 'NOVR', close: 101.5 } });
    expect(analysis).toMatchObject({ type: 'stock.analysis.completed', tenantid: account.orgId, data: { symbol: 'NOVR', asOf: '2026-01-02' } });
    expect(['BUY', 'HOLD', 'SELL']).toContain(analysis.data.recommendation);
  });
});
