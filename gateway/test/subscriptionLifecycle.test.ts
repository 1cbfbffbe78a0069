import { randomUUID } from 'node:crypto';
import { createLogger, createTokenDenylist, type TokenDenylist } from '@hub/core';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { eventually } from '@hub/testkit/eventually';
import { timePasses } from '@hub/testkit/deliberateWait';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnections, type WsSubscription } from '@hub/testkit/wsSubscription';
import { createGateway, gatewayConfigFrom, type Gateway, type SubscriptionSettings } from '../src';
import { createTestSigner, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { startSubscriptionFixtures, TICKS_SUBSCRIPTION, type SubscriptionFixtures, type TickData } from '@hub/testkit/gateway/subscriptionFixtures';
import { machineTime } from '@hub/testkit/machineTime';


function errorCodes(subscription: WsSubscription<unknown>): unknown[] {
  return subscription.results.flatMap((result) => (result.errors ?? []).map((error) => error.extensions?.code));
}

describe('subscription lifecycle through the gateway', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let denylist: TokenDenylist;
  const gateways: Gateway[] = [];
  const connections = new WsConnections();
  let url: string;
  let gateway: Gateway;

  async function startGateway(subscriptions: Partial<SubscriptionSettings> = {}): Promise<{ gateway: Gateway; url: string }> {
    const config = gatewayConfigFrom([]);
    const started = await createGateway({
      config: { ...config, redisUrl: TEST_REDIS_URL, subscriptions: { ...config.subscriptions, authCheckMs: 500, maxPerConnection: 3, ...subscriptions } },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
      denylist,
    });
    gateways.push(started);
    return { gateway: started, url: `${(await started.listen(0)).url}/graphql` };
  }

  const connect = (token?: string, gatewayUrl = url) => connections.connect(gatewayUrl, token);

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    denylist = createTokenDenylist({ redisUrl: TEST_REDIS_URL, logger: createLogger('test'), cacheMs: 0 });
    ({ gateway, url } = await startGateway());
  });

  afterEach(async () => {
    await connections.closeAll();
  });

  afterAll(async () => {
    for (const started of gateways) await started.stop();
    await fixtures?.stop();
    await denylist?.close();
  });

  it('ends the subscription with UNAUTHENTICATED within 5 s of the token expiring', async () => {
    const orgId = randomUUID();
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const subscription = connect(await signer.token({ orgId, expiresAt })).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await fixtures.waitForListeners(orgId);
    await fixtures.publishTick(orgId, 1);
    expect((await subscription.next()).data?.ticks.seq).toBe(1);
    const bound = machineTime(5000);
    await subscription.ended(expiresAt * 1000 + bound - Date.now());
    expect(Date.now()).toBeLessThan(expiresAt * 1000 + bound);
    expect(errorCodes(subscription)).toEqual(['UNAUTHENTICATED']);
    expect(subscription.results.at(-1)?.errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
  });

  it('ends the subscription with UNAUTHENTICATED within 5 s of the token being revoked; others go on', async () => {
    const orgId = randomUUID();
    const jti = randomUUID();
    const revoked = connect(await signer.token({ orgId, jti })).subscribe<TickData>(TICKS_SUBSCRIPTION);
    const other = connect(await signer.token({ orgId })).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await eventually(() => gateway.subscriptions.stats().subscribers >= 2, 5000, 'both subscribers');
    await fixtures.waitForListeners(orgId);
    const revokedAt = Date.now();
    await denylist.revoke(jti, Math.floor(Date.now() / 1000) + 600);
    const bound = machineTime(5000);
    await revoked.ended(bound);
    expect(Date.now() - revokedAt).toBeLessThan(bound);
    expect(revoked.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    await fixtures.publishTick(orgId, 2);
    expect((await other.next()).data?.ticks.seq).toBe(2);
    expect(other.end).toBeNull();
  });

  it('refuses an invalid token at connection init (4403) and an anonymous subscription to an authenticated field', async () => {
    const forged = connect('not-a-jwt');
    const attempt = forged.subscribe<TickData>(TICKS_SUBSCRIPTION);
    const end = await attempt.ended();
    expect(end.kind).toBe('error');
    expect(forged.closes[0]?.code).toBe(4403);

    const anonymous = connect().subscribe<TickData>(TICKS_SUBSCRIPTION);
    await anonymous.ended();
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);

    const sse = await SseSubscription.open<TickData>(url, TICKS_SUBSCRIPTION, {}, 'not-a-jwt');
    await sse.waitFor(1);
    expect(sse.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    sse.close();
  });

  /** `gateway_request_errors_total{code="SUBSCRIPTION_LIMIT"}` of one gateway. */
  const limitErrors = async (target: Gateway) => {
    const metric = target.metrics.registry.getSingleMetric('gateway_request_errors_total');
    const { values } = (await metric?.get()) ?? { values: [] };
    return values.filter((value) => value.labels.code === 'SUBSCRIPTION_LIMIT').reduce((sum, value) => sum + value.value, 0);
  };

  it('limits subscriptions per connection and per tenant', async () => {
    const orgId = randomUUID();
    const connection = connect(await signer.token({ orgId }));
    const accepted = Array.from({ length: 3 }, () => connection.subscribe<TickData>(TICKS_SUBSCRIPTION));
    await eventually(() => gateway.subscriptions.stats().subscribers >= 3, 5000, 'three subscribers');
    const limitErrorsBefore = await limitErrors(gateway);
    const refused = connection.subscribe<TickData>(TICKS_SUBSCRIPTION);
    const end = await refused.ended();
    expect(end).toEqual({ kind: 'error', error: [expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_LIMIT' } })] });
    // Counted as every refusal is, though no HTTP request carried it.
    expect((await limitErrors(gateway)) - limitErrorsBefore).toBe(1);
    expect(accepted.every((subscription) => subscription.end === null)).toBe(true);

    const small = await startGateway({ maxPerTenant: 2 });
    const tenantToken = await signer.token({ orgId: randomUUID() });
    const first = connect(tenantToken, small.url).subscribe<TickData>(TICKS_SUBSCRIPTION);
    const second = connect(tenantToken, small.url).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await eventually(() => small.gateway.subscriptions.stats().subscribers === 2, 5000, 'two subscribers');
    const third = connect(tenantToken, small.url).subscribe<TickData>(TICKS_SUBSCRIPTION);
    const tenantLimitErrorsBefore = await limitErrors(small.gateway);
    await third.ended();
    expect(errorCodes(third)).toEqual(['SUBSCRIPTION_LIMIT']);
    expect((await limitErrors(small.gateway)) - tenantLimitErrorsBefore).toBe(1);
    expect([first.end, second.end]).toEqual([null, null]);
  });

  it('keeps the subscription across a subgraph kill and restart; events after the restart arrive', async () => {
    const orgId = randomUUID();
    const subscription = connect(await signer.token({ orgId })).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await fixtures.waitForListeners(orgId);
    await fixtures.publishTick(orgId, 1);
    expect((await subscription.next()).data?.ticks.seq).toBe(1);

    await fixtures.stopEvents();
    await fixtures.waitForListeners(orgId, 0);
    // The gateway has seen its upstream connection drop...
    await eventually(() => (gateway.subscriptions.stats().upstreamConnections.events ?? 0) === 0, 5000, 'the upstream connection seen dropped');
    // ...and its first reconnection attempts (back-off 50-100 ms, then 100-200 ms) fail on a closed port.
    await timePasses(300, 'the first reconnection back-offs of the upstream client, on real sockets');
    await fixtures.startEvents();
    // The gateway re-subscribes on its own; the subgraph is listening again once it has.
    await fixtures.waitForListeners(orgId, 1, 10_000);
    await fixtures.publishTick(orgId, 2);
    const after = await subscription.next(5000);
    expect(after.data?.ticks).toMatchObject({ seq: 2, item: { owner: { name: 'Person owner-of-i2' } } });
    expect(subscription.end).toBeNull();
  });

  it('gives the client an error once the upstream cannot be restored within the configured time', async () => {
    const strict = await startGateway({ upstreamRestoreMs: 1500 });
    const orgId = randomUUID();
    const subscription = connect(await signer.token({ orgId }), strict.url).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await fixtures.waitForListeners(orgId);
    await fixtures.stopEvents();
    try {
      const stoppedAt = Date.now();
      await subscription.ended(10_000);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1000);
      expect(subscription.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'events' });
    } finally {
      await fixtures.startEvents();
    }
  });

  it('on graceful shutdown closes WebSockets with a reconnectable code and ends SSE streams with a reason', async () => {
    const leaving = await startGateway();
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const connection = connect(token, leaving.url);
    const ws = connection.subscribe<TickData>(TICKS_SUBSCRIPTION);
    const sse = await SseSubscription.open<TickData>(leaving.url, TICKS_SUBSCRIPTION, {}, token, { requireOk: true });
    await eventually(() => leaving.gateway.subscriptions.stats().subscribers === 2, 5000, 'two subscribers');
    await leaving.gateway.stop();
    gateways.splice(gateways.indexOf(leaving.gateway), 1);
    await ws.ended();
    expect(connection.closes.map((close) => close.code)).toContain(1001);
    await sse.waitFor(1);
    expect(sse.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('GATEWAY_SHUTTING_DOWN');
    sse.close();
  });
});
