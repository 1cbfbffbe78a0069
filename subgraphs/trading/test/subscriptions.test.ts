import type { RunningServer } from '@hub/core';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { tradingModule } from '../src/tradingSubgraph';
import type { SseSubscription } from '@hub/testkit/sseSubscription';
import { tradingApi } from './support/tradingApi';
import { subscribeSignedSse } from '@hub/testkit/gatewaySignature';
import { untilSubscribedOnRedis } from '@hub/testkit/redisSubscribers';

const ORDER_UPDATES = `subscription($id: ID!) {
  orderUpdates(portfolioId: $id) { order { id status filledQuantity } execution { quantity price fees } }
}`;
const PORTFOLIO_VALUE = `subscription($id: ID!) {
  portfolioValue(portfolioId: $id) { portfolio { id } cash marketValue totalValue asOf }
}`;

/**
 * Subscriptions straight against the trading subgraph over SSE, with real tokens, events going
 * outbox → relay → Redis → subscriber. Through the gateway: test/gatewaySubscriptions.test.ts.
 */
describe('trading subscriptions over SSE', () => {
  let stack: TestStack;
  let server: RunningServer;
  let url: string;
  let redis: Redis;
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  const open: Array<SseSubscription<Record<string, unknown>>> = [];

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [tradingModule], redisUrl: TEST_REDIS_URL });
    server = await stack.hubs.trading!.subgraph.listen(0);
    url = `${server.url}/graphql`;
    redis = new Redis(TEST_REDIS_URL);
    tenantA = await signUpAccount(stack, 'Live A');
    tenantB = await signUpAccount(stack, 'Live B');
  });
  afterEach(() => {
    for (const subscription of open.splice(0)) subscription.close();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
    await stack.stop();
  });

  async function subscribe(query: string, variables: Record<string, unknown>, token?: string): Promise<SseSubscription<Record<string, unknown>>> {
    const subscription = await subscribeSignedSse<Record<string, unknown>>('trading', url, query, variables, token);
    open.push(subscription);
    return subscription;
  }

  /** The bus subscribes lazily; wait until Redis has a subscriber on the tenant's channel. */
  const untilSubscribed = (channel: string) => untilSubscribedOnRedis(redis, channel, 5000);

  it('the stack really runs on Redis', () => {
    expect(stack.hubs.trading!.eventBus.kind).toBe('redis');
  });

  it('orderUpdates delivers the state change and the execution of an order', async () => {
    const api = tradingApi(stack.query, tenantA.token);
    await api.createInstrument('LIVE');
    await api.recordBar('LIVE', '2025-04-01', 20);
    const portfolio = await api.createPortfolio(5_000);
    const subscription = await subscribe(ORDER_UPDATES, { id: portfolio.id }, tenantA.token);
    await untilSubscribed(`trading.order.executed.${tenantA.orgId}`);

    const order = await api.order({ portfolioId: portfolio.id, symbol: 'LIVE', side: 'BUY', type: 'MARKET', quantity: 10 });
    const placed = await subscription.next();
    const executed = await subscription.next();
    // Each event is read from the database when delivered, so both show the order as it is now.
    const position = expect.stringMatching(/^trading:[0-9]+$/);
    expect(placed).toEqual({
      data: { orderUpdates: { order: { id: order.id, status: 'FILLED', filledQuantity: 10 }, execution: null } },
      extensions: { position },
    });
    // 10 · 20 = 200, fees 1 + 0.2
    expect(executed).toEqual({
      data: { orderUpdates: { order: { id: order.id, status: 'FILLED', filledQuantity: 10 }, execution: { quantity: 10, price: 20, fees: 1.2 } } },
      extensions: { position },
    });
  });

  it('portfolioValue delivers a new valuation after a fill and after a new bar', async () => {
    const api = tradingApi(stack.query, tenantA.token);
    await api.createInstrument('VAL');
    await api.recordBar('VAL', '2025-04-01', 50);
    const portfolio = await api.createPortfolio(10_000);
    const subscription = await subscribe(PORTFOLIO_VALUE, { id: portfolio.id }, tenantA.token);
    await untilSubscribed(`portfolio.performance.updated.${tenantA.orgId}`);

    await api.order({ portfolioId: portfolio.id, symbol: 'VAL', side: 'BUY', type: 'MARKET', quantity: 100 });
    // cash 10 000 − 5 000 − fees 6 = 4 994; 100 · 50
    expect((await subscription.next()).data).toEqual({
      portfolioValue: { portfolio: { id: portfolio.id }, cash: 4_994, marketValue: 5_000, totalValue: 9_994, asOf: '2025-04-01' },
    });
    await api.recordBar('VAL', '2025-04-02', 55);
    expect((await subscription.next()).data).toEqual({
      portfolioValue: { portfolio: { id: portfolio.id }, cash: 4_994, marketValue: 5_500, totalValue: 10_494, asOf: '2025-04-02' },
    });
  });

  it("another tenant cannot subscribe to a portfolio and never sees its events", async () => {
    const apiA = tradingApi(stack.query, tenantA.token);
    const apiB = tradingApi(stack.query, tenantB.token);
    await apiA.createInstrument('ISO');
    await apiA.recordBar('ISO', '2025-04-01', 10);
    const portfolioA = await apiA.createPortfolio(1_000);
    const portfolioB = await apiB.createPortfolio(1_000);

    const denied = await subscribe(ORDER_UPDATES, { id: portfolioA.id }, tenantB.token);
    const refusal = await denied.next();
    expect(refusal.data ?? null).toBeNull();
    expect(refusal.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);

    const anonymous = await subscribe(ORDER_UPDATES, { id: portfolioA.id });
    expect((await anonymous.next()).errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    // B listens on its own portfolio, A trades: A's subscriber gets the events, B's nothing.
    const watcherB = await subscribe(ORDER_UPDATES, { id: portfolioB.id }, tenantB.token);
    const watcherA = await subscribe(ORDER_UPDATES, { id: portfolioA.id }, tenantA.token);
    await untilSubscribed(`trading.order.executed.${tenantB.orgId}`);
    await untilSubscribed(`trading.order.executed.${tenantA.orgId}`);
    await apiA.order({ portfolioId: portfolioA.id, symbol: 'ISO', side: 'BUY', type: 'MARKET', quantity: 1 });
    await watcherA.next();
    await watcherA.next();
    await expect(watcherB.next(1_000)).rejects.toThrow('no subscription event within 1000 ms');
  });
});
