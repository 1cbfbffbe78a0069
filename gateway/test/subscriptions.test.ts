import { randomUUID } from 'node:crypto';
import { createTokenDenylist, createLogger, type TokenDenylist } from '@hub/core';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { eventually } from '@hub/testkit/eventually';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnections } from '@hub/testkit/wsSubscription';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { createTestSigner, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { startSubscriptionFixtures, TICKS_SUBSCRIPTION, type SubscriptionFixtures, type TickData } from '@hub/testkit/gateway/subscriptionFixtures';


describe('federated subscriptions through the gateway', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let denylist: TokenDenylist;
  let gateway: Gateway;
  let url: string;
  const connections = new WsConnections();

  const connect = (token?: string) => connections.connect(url, token);

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    denylist = createTokenDenylist({ redisUrl: TEST_REDIS_URL, logger: createLogger('test'), cacheMs: 0 });
    const config = gatewayConfigFrom([]);
    gateway = await createGateway({
      config: {
        ...config,
        redisUrl: TEST_REDIS_URL,
        subscriptions: { ...config.subscriptions, upstreamRestoreMs: 15_000, maxPerConnection: 5, authCheckMs: 500 },
        // 100 starts of one tenant at once: on a slow machine more of them wait than the default
        // queue holds (OVERLOADED is admission's answer, tested elsewhere; this file tests sharing).
        admission: { ...config.admission, queuePerCaller: 128 },
      },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
      denylist,
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });

  afterEach(async () => {
    await connections.closeAll();
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixtures?.stop();
    await denylist?.close();
  });

  it('delivers complete events in order when the payload needs fields from two other subgraphs (WebSocket and SSE)', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const ws = connect(token).subscribe<TickData>(TICKS_SUBSCRIPTION);
    const sse = await SseSubscription.open<TickData>(url, TICKS_SUBSCRIPTION, {}, token, { requireOk: true });
    try {
      await eventually(() => gateway.subscriptions.stats().subscribers === 2, 5000, 'two subscribers');
      await fixtures.waitForListeners(orgId);
      for (let seq = 0; seq < 50; seq += 1) await fixtures.publishTick(orgId, seq);
      const expected = Array.from({ length: 50 }, (_, seq) => ({
        ticks: { seq, tenant: orgId, item: { name: `item i${seq}`, owner: { name: `Person owner-of-i${seq}` } } },
      }));
      expect((await ws.waitFor(50)).map((result) => result.data)).toEqual(expected);
      expect((await sse.waitFor(50)).map((result) => result.data)).toEqual(expected);
      // The rest of the plan ran with the subscriber's own token.
      expect(fixtures.peopleAuthorization).toContain(`Bearer ${token}`);
    } finally {
      sse.close();
    }
  });

  it('with the stock executor (GATEWAY_EXECUTOR=stock, loaded only then) delivers the same complete events', async () => {
    const config = gatewayConfigFrom([]);
    const stock = await createGateway({
      config: { ...config, executor: 'stock', redisUrl: TEST_REDIS_URL },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
      denylist,
    });
    try {
      const stockUrl = `${(await stock.listen(0)).url}/graphql`;
      const orgId = randomUUID();
      const token = await signer.token({ orgId });
      const ws = connections.connect(stockUrl, token).subscribe<TickData>(TICKS_SUBSCRIPTION);
      await eventually(() => stock.subscriptions.stats().subscribers === 1, 5000, 'one subscriber');
      await fixtures.waitForListeners(orgId);
      for (let seq = 0; seq < 5; seq += 1) await fixtures.publishTick(orgId, seq);
      expect((await ws.waitFor(5)).map((result) => result.data)).toEqual(
        Array.from({ length: 5 }, (_, seq) => ({ ticks: { seq, tenant: orgId, item: { name: `item i${seq}`, owner: { name: `Person owner-of-i${seq}` } } } })),
      );
    } finally {
      await connections.closeAll();
      await stock.stop();
    }
  });

  it('keeps tenants apart: two tenants, 1,000 interleaved events each, each subscriber gets exactly its own', async () => {
    const tenants = [randomUUID(), randomUUID()];
    const subscriptions = await Promise.all(
      tenants.map(async (orgId) => connect(await signer.token({ orgId })).subscribe<TickData>('subscription { ticks { seq tenant } }')),
    );
    for (const orgId of tenants) await fixtures.waitForListeners(orgId);
    for (let seq = 0; seq < 1000; seq += 1) {
      await Promise.all(tenants.map((orgId) => fixtures.publishTick(orgId, seq)));
    }
    for (const [index, orgId] of tenants.entries()) {
      const results = await subscriptions[index]!.waitFor(1000, 20_000);
      expect(results).toHaveLength(1000);
      expect(results.map((result) => result.data?.ticks.seq)).toEqual(Array.from({ length: 1000 }, (_, seq) => seq));
      expect(results.every((result) => result.data?.ticks.tenant === orgId)).toBe(true);
    }
    // Nothing more arrives later either: a marker tick per tenant comes after anything wrongly sent
    // (a repeat, the other tenant's tick).
    await Promise.all(tenants.map((orgId) => fixtures.publishTick(orgId, 1000)));
    for (const subscription of subscriptions) expect((await subscription.waitFor(1001, 10_000)).at(-1)?.data?.ticks.seq).toBe(1000);
    expect(subscriptions.map((subscription) => subscription.results.length)).toEqual([1001, 1001]);
  });

  it('ends the live subscriptions of a revoked token with TOKEN_REVOKED and keeps the others', async () => {
    const orgId = randomUUID();
    const jti = randomUUID();
    // Subscribers of the previous test may still be on their way out.
    await eventually(() => gateway.subscriptions.stats().subscribers === 0, 5000, 'no subscribers left');
    const revokedSubscription = connect(await signer.token({ orgId, jti })).subscribe<TickData>('subscription { ticks { seq } }');
    const otherSubscription = connect(await signer.token({ orgId })).subscribe<TickData>('subscription { ticks { seq } }');
    await eventually(() => gateway.subscriptions.stats().subscribers === 2, 5000, 'two subscribers');
    await denylist.revoke(jti, Math.floor(Date.now() / 1000) + 600);
    // Checked every authCheckMs (500 ms here).
    await revokedSubscription.waitFor(1, 5000);
    expect(revokedSubscription.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    await fixtures.waitForListeners(orgId);
    await fixtures.publishTick(orgId, 1);
    expect((await otherSubscription.next()).data?.ticks.seq).toBe(1);
  });

  it('shares one upstream stream among 100 identical subscriptions and closes it when all have gone', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const before = fixtures.eventsSubscribeCount();
    const clients = Array.from({ length: 20 }, () => connect(token));
    const subscriptions = clients.flatMap((client) => Array.from({ length: 5 }, () => client.subscribe<TickData>(TICKS_SUBSCRIPTION)));
    await eventually(() => gateway.subscriptions.stats().subscribers === 100, 10_000, '100 subscribers');
    await fixtures.waitForListeners(orgId);
    expect(gateway.subscriptions.stats().upstreamStreams).toBe(1);
    expect(fixtures.eventsSubscribeCount() - before).toBe(1);
    const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_subscription_upstream_streams\{subgraph="events"\} 1\b/);
    expect(metrics).toMatch(/gateway_subscriptions_active 100\b/);

    await fixtures.publishTick(orgId, 7);
    for (const subscription of subscriptions) expect((await subscription.next()).data?.ticks.seq).toBe(7);

    await Promise.all(clients.map((client) => client.close()));
    await eventually(() => gateway.subscriptions.stats().upstreamStreams === 0, 5000, 'the upstream stream to close');
    // The subgraph let go of its bus subscription: the upstream really was closed, not just forgotten.
    await fixtures.waitForListeners(orgId, 0);
  });
});
