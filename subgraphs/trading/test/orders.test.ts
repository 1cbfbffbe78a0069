import type { ConfigClient, RunningHubSubgraph } from '@hub/core';
import { eventually } from '@hub/testkit/eventually';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import type { TradingServices } from '../src/services';
import { tradingModule } from '../src/tradingSubgraph';
import { dataOf, ORDER_FIELDS, tradingApi } from './support/tradingApi';

// Default paper broker: fee 1 + 0.1 % per execution, at most 10 % of a bar's volume per fill.
describe('orders through the gateway', () => {
  let stack: TestStack;
  let account: TestAccount;
  let api: ReturnType<typeof tradingApi>;

  /**
   * Sets a trading config of the account's tenant through plattform's setConfig and waits until
   * trading's ConfigClient applied it (plattform outbox → Redis → ConfigClient → database read).
   */
  async function setTradingConfig(owner: TestAccount, key: string, value: unknown): Promise<void> {
    const response = await stack.plattformQuery(
      'mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }',
      { input: { service: 'trading', key, value, reason: `test sets ${key}` } },
      owner.token,
    );
    dataOf(response, 'setConfig');
    const trading = stack.hubs.trading as RunningHubSubgraph<TradingServices>;
    // On a loaded machine the hop plattform outbox → Redis → ConfigClient can take seconds.
    const applied = () => JSON.stringify(trading.services.config.get('trading', key, owner.orgId)) === JSON.stringify(value);
    if (await eventually(applied, 15_000, `trading to apply ${key}`).then(() => true, () => false)) return;
    // Enough to tell a lost event from an unpublished one when this fails.
    const client = trading.services.config as ConfigClient;
    const outbox = await stack.plattform.dataSource.query(
      `SELECT type, org_id, published_at, data FROM plattform.outbox WHERE type = 'plattform.config.changed' ORDER BY id DESC LIMIT 3`,
    ).catch((error: unknown) => String(error));
    throw new Error(`trading did not apply ${key}: warm=${client.isWarm()} applied=${JSON.stringify(client.appliedVersions())} outbox=${JSON.stringify(outbox)}`);
  }

  /** A fresh tenant with ORD priced at 100, so a config set for it affects nobody else. */
  async function freshTrader(): Promise<{ owner: TestAccount; api: ReturnType<typeof tradingApi> }> {
    const owner = await signUpAccount(stack);
    const ownApi = tradingApi(stack.query, owner.token);
    await ownApi.createInstrument('ORD');
    await ownApi.recordBar('ORD', '2025-03-04', 100);
    return { owner, api: ownApi };
  }

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [tradingModule], redisUrl: TEST_REDIS_URL });
    account = await signUpAccount(stack, 'Trader Org');
    api = tradingApi(stack.query, account.token);
    await api.createInstrument('ORD');
    await api.recordBar('ORD', '2025-03-03', 100, 1_000);
    await api.recordBar('ORD', '2025-03-04', 100, 1_000);
  });
  afterAll(() => stack.stop());

  it('a market BUY fills at the latest close; cash, position and execution change together', async () => {
    const portfolio = await api.createPortfolio(10_000);
    const order = await api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET', quantity: 10 });
    // 10 · 100 = 1000, fees 1 + 1 = 2
    expect(order).toMatchObject({ status: 'FILLED', filledQuantity: 10, rejectReason: null });
    expect(order.executions).toEqual([{ quantity: 10, price: 100, fees: 2, tradeDate: '2025-03-04' }]);
    const after = await api.portfolio(portfolio.id);
    expect(after.cash).toBe(8_998);
    expect(after.positions).toEqual([
      { instrument: { symbol: 'ORD' }, quantity: 10, averageCost: 100, marketValue: 1_000, unrealisedPnl: 0 },
    ]);
    expect(after.totalValue).toBe(9_998);
  });

  it('the owner is plattform’s User, resolved through the gateway', async () => {
    const portfolio = await api.createPortfolio(1);
    const response = await stack.query<{ portfolio: { owner: { id: string; displayName: string }; riskAssessment: null } }>(
      'query($id: ID!) { portfolio(id: $id) { owner { id displayName } riskAssessment { id } } }',
      { id: portfolio.id },
      account.token,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.portfolio).toEqual({ owner: { id: account.userId, displayName: 'Test User' }, riskAssessment: null });
    const linked = await stack.query<{ linkRiskAssessment: { riskAssessment: { id: string } } }>(
      'mutation($p: ID!, $r: ID) { linkRiskAssessment(portfolioId: $p, riskAssessmentId: $r) { riskAssessment { id } } }',
      { p: portfolio.id, r: '0b7d7f6e-4a57-4c2e-9a0e-5d8f3c1b2a40' },
      account.token,
    );
    expect(linked.data?.linkRiskAssessment.riskAssessment).toEqual({ id: '0b7d7f6e-4a57-4c2e-9a0e-5d8f3c1b2a40' });
  });

  it('a limit BUY stays NEW until a bar crosses it, then fills at that close', async () => {
    await api.createInstrument('LIM');
    await api.recordBar('LIM', '2025-03-03', 50, 1_000);
    const portfolio = await api.createPortfolio(10_000);
    const placed = await api.order({ portfolioId: portfolio.id, symbol: 'LIM', side: 'BUY', type: 'LIMIT', quantity: 20, limitPrice: 45 });
    expect(placed).toMatchObject({ status: 'NEW', filledQuantity: 0, executions: [] });
    await api.recordBar('LIM', '2025-03-04', 46, 1_000); // not crossed
    await api.recordBar('LIM', '2025-03-05', 44.5, 1_000); // crossed: fills at 44.5
    const response = await stack.query(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: placed.id }, account.token);
    // 20 · 44.5 = 890, fees 1 + 0.89 = 1.89
    expect(dataOf(response, 'order')).toMatchObject({
      status: 'FILLED',
      filledQuantity: 20,
      executions: [{ quantity: 20, price: 44.5, fees: 1.89, tradeDate: '2025-03-05' }],
    });
    expect((await api.portfolio(portfolio.id)).cash).toBe(10_000 - 890 - 1.89);
  });

  it('an order larger than the volume share fills partially, then completes on the next bar', async () => {
    await api.createInstrument('THIN');
    await api.recordBar('THIN', '2025-03-03', 10, 500); // at most 50 per bar
    const portfolio = await api.createPortfolio(10_000);
    const placed = await api.order({ portfolioId: portfolio.id, symbol: 'THIN', side: 'BUY', type: 'MARKET', quantity: 80 });
    expect(placed).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 50 });
    await api.recordBar('THIN', '2025-03-04', 11, 500);
    const response = await stack.query(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: placed.id }, account.token);
    const order = dataOf<{ status: string; executions: Array<{ quantity: number; price: number }> }>(response, 'order');
    expect(order.status).toBe('FILLED');
    expect(order.executions.map(({ quantity, price }) => [quantity, price])).toEqual([
      [50, 10],
      [30, 11],
    ]);
    const after = await api.portfolio(portfolio.id);
    // average cost (50·10 + 30·11)/80 = 10.375
    expect(after.positions[0]).toMatchObject({ quantity: 80, averageCost: 10.375, marketValue: 880 });
  });

  it('business rules reject with a stored reason; malformed input is BAD_USER_INPUT', async () => {
    const portfolio = await api.createPortfolio(500);
    const base = { portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET' };
    expect(await api.order({ ...base, quantity: 5 })).toMatchObject({ status: 'REJECTED', rejectReason: 'INSUFFICIENT_CASH' });
    expect(await api.order({ ...base, side: 'SELL', quantity: 1 })).toMatchObject({
      status: 'REJECTED',
      rejectReason: 'SHORT_SELLING_NOT_ALLOWED',
    });
    await api.createInstrument('NOBAR');
    expect(await api.order({ ...base, symbol: 'NOBAR', quantity: 1 })).toMatchObject({ status: 'REJECTED', rejectReason: 'NO_PRICE_AVAILABLE' });
    expect(errorCodes(await api.placeOrder({ ...base, quantity: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await api.placeOrder({ ...base, type: 'LIMIT', quantity: 1 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await api.placeOrder({ ...base, symbol: 'UNKNOWN', quantity: 1 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await api.placeOrder({ ...base, portfolioId: 'not-a-portfolio', quantity: 1 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await api.placeOrder({ ...base, portfolioId: '00000000-0000-4000-8000-000000000000', quantity: 1 }))).toEqual(['NOT_FOUND']);
    expect((await api.portfolio(portfolio.id)).cash).toBe(500);
  });

  it('the per-tenant maximum order value comes from plattform’s service configs (setConfig)', async () => {
    const trader = await freshTrader();
    const other = await freshTrader();
    const portfolio = await trader.api.createPortfolio(100_000);
    const base = { portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET' };
    // Default (1 000 000) first: 26 · 100 passes.
    expect(await trader.api.order({ ...base, quantity: 26 })).toMatchObject({ status: 'FILLED' });
    await setTradingConfig(trader.owner, 'maxOrderValue', 2_500);
    expect(await trader.api.order({ ...base, quantity: 26 })).toMatchObject({ status: 'REJECTED', rejectReason: 'MAX_ORDER_VALUE_EXCEEDED' });
    expect(await trader.api.order({ ...base, quantity: 25 })).toMatchObject({ status: 'FILLED' });
    // Another tenant is not affected by this tenant's value.
    const otherPortfolio = await other.api.createPortfolio(100_000);
    expect(await other.api.order({ ...base, portfolioId: otherPortfolio.id, quantity: 26 })).toMatchObject({ status: 'FILLED' });
  });

  it('short selling is refused by default and allowed by the tenant config', async () => {
    const trader = await freshTrader();
    const portfolio = await trader.api.createPortfolio(1_000);
    const sell = { portfolioId: portfolio.id, symbol: 'ORD', side: 'SELL', type: 'MARKET', quantity: 3 };
    expect(await trader.api.order(sell)).toMatchObject({ status: 'REJECTED', rejectReason: 'SHORT_SELLING_NOT_ALLOWED' });
    await setTradingConfig(trader.owner, 'allowShortSelling', true);
    expect(await trader.api.order(sell)).toMatchObject({ status: 'FILLED' });
    // proceeds 300 − fees 1.3
    const after = await trader.api.portfolio(portfolio.id);
    expect(after.cash).toBe(1_298.7);
    expect(after.positions[0]).toMatchObject({ quantity: -3, averageCost: 100 });
  });

  it('open orders can be cancelled once; closed orders are CONFLICT', async () => {
    const portfolio = await api.createPortfolio(10_000);
    const open = await api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'LIMIT', quantity: 1, limitPrice: 1 });
    const cancel = (id: string) =>
      stack.query<{ cancelOrder: { status: string } }>('mutation($id: ID!) { cancelOrder(id: $id) { status } }', { id }, account.token);
    expect((await cancel(open.id)).data?.cancelOrder.status).toBe('CANCELLED');
    expect(errorCodes(await cancel(open.id))).toEqual(['CONFLICT']);
    const filled = await api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET', quantity: 1 });
    expect(errorCodes(await cancel(filled.id))).toEqual(['CONFLICT']);
  });

  it('cash reserved by an open limit BUY cannot be spent twice', async () => {
    const portfolio = await api.createPortfolio(1_000);
    // reserves 9 · 99 + fees (1 + 0.891) = 892.891 of 1000, leaving 107.109
    expect(await api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'LIMIT', quantity: 9, limitPrice: 99 })).toMatchObject({
      status: 'NEW',
    });
    // 2 · 100 + fees 1.2 = 201.2: covered by the cash, not by what is left unreserved
    expect(await api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET', quantity: 2 })).toMatchObject({
      status: 'REJECTED',
      rejectReason: 'INSUFFICIENT_CASH',
    });
  });

  it('20 orders in parallel against the same cash cannot overdraw it', async () => {
    const portfolio = await api.createPortfolio(10_000);
    // each: 9 · 100 + fees (1 + 0.9) = 901.9 → 11 fit into 10 000 (9 920.9), the 12th does not
    const orders = await Promise.all(
      Array.from({ length: 20 }, () => api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET', quantity: 9 })),
    );
    const filled = orders.filter((order) => order.status === 'FILLED');
    const rejected = orders.filter((order) => order.status === 'REJECTED');
    expect(filled).toHaveLength(11);
    expect(rejected).toHaveLength(9);
    expect(new Set(rejected.map((order) => order.rejectReason))).toEqual(new Set(['INSUFFICIENT_CASH']));
    const after = await api.portfolio(portfolio.id);
    expect(after.cash).toBeCloseTo(10_000 - 11 * 901.9, 4);
    expect(after.cash).toBeGreaterThanOrEqual(0);
    expect(after.positions[0]?.quantity).toBe(99);
  });

  it('the same idempotency key returns the same order, also when sent in parallel', async () => {
    const portfolio = await api.createPortfolio(10_000);
    const input = { portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'MARKET', quantity: 2, idempotencyKey: 'retry-1' };
    const first = await api.order(input);
    const again = await api.order(input);
    expect(again.id).toBe(first.id);
    const parallel = await Promise.all(
      Array.from({ length: 5 }, () => api.order({ ...input, idempotencyKey: 'retry-2' })),
    );
    expect(new Set(parallel.map((order) => order.id)).size).toBe(1);
    const after = await api.portfolio(portfolio.id);
    expect(after.positions[0]?.quantity).toBe(4); // two orders of 2, not seven
    expect(errorCodes(await api.placeOrder({ ...input, quantity: 3 }))).toEqual(['CONFLICT']);
  });

  it('orders are cursor-paginated without gaps or repeats', async () => {
    const portfolio = await api.createPortfolio(10_000);
    for (let index = 0; index < 5; index += 1) {
      await api.order({ portfolioId: portfolio.id, symbol: 'ORD', side: 'BUY', type: 'LIMIT', quantity: 1, limitPrice: 1 + index });
    }
    const page = (after: string | null) =>
      stack.query<{ portfolio: { orders: { edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
        'query($id: ID!, $after: String) { portfolio(id: $id) { orders(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }',
        { id: portfolio.id, after },
        account.token,
      );
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const orders: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } = (await page(after)).data!.portfolio.orders;
      seen.push(...orders.edges.map((edge) => edge.node.id));
      pages += 1;
      if (!orders.pageInfo.hasNextPage) break;
      after = orders.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expect(errorCodes(await page('garbage'))).toEqual(['BAD_USER_INPUT']);
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    const response = await stack.query('{ portfolios { edges { node { id } } } }');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});
