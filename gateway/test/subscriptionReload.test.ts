import { randomUUID } from 'node:crypto';
import { createLogger, createTokenDenylist, type TokenDenylist } from '@hub/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type ExecutionResult } from 'graphql';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { eventually } from '@hub/testkit/eventually';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnections } from '@hub/testkit/wsSubscription';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import type { GatewayContext } from '../src/gatewayContext';
import { composeFixtures, createTestSigner, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { startSubscriptionFixtures, TICKS_SUBSCRIPTION, type SubscriptionFixtures, type TickData } from '@hub/testkit/gateway/subscriptionFixtures';

/** A second `people` deployment: it adds a field, and its names show which one resolved an event. */
const PEOPLE_V2 = 'type Person @key(fields: "id") { id: ID! name: String! nickname: String! }';
const WITH_NICKNAME = 'subscription Ticks { ticks { seq tenant item { name owner { name nickname } } } }';

interface NicknameTickData {
  ticks: { seq: number; item: { owner: { name: string; nickname: string } } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lastCode(results: ReadonlyArray<{ errors?: Array<{ extensions?: Record<string, unknown> }> }>): unknown {
  return results.at(-1)?.errors?.[0]?.extensions?.code;
}

describe('federated subscriptions across supergraph reloads', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let peopleV2: FixtureSubgraph;
  let denylist: TokenDenylist;
  const gateways: Gateway[] = [];
  const connections = new WsConnections();

  /** The fixture supergraph with some subgraphs' routing URL or schema replaced. */
  function composeVariant(changes: Record<string, { url?: string; typeDefs?: string }>): string {
    return composeFixtures(fixtures.subgraphs.map((subgraph) => ({ ...subgraph, ...changes[subgraph.name] })));
  }

  function subgraphOf(name: string): { url: string; typeDefs: string } {
    const subgraph = fixtures.subgraphs.find((candidate) => candidate.name === name);
    if (!subgraph) throw new Error(`no fixture subgraph ${name}`);
    return subgraph;
  }

  const typeDefsOf = (name: string) => subgraphOf(name).typeDefs;

  async function startGateway(): Promise<{ gateway: Gateway; url: string }> {
    const config = gatewayConfigFrom([]);
    const gateway = await createGateway({
      config: {
        ...config,
        redisUrl: TEST_REDIS_URL,
        subscriptions: { ...config.subscriptions, maxPerConnection: 10 },
        // 100 starts of one tenant at once: on a slow machine more of them wait than the default
        // queue holds (OVERLOADED is admission's answer, tested elsewhere; this file tests reloads).
        admission: { ...config.admission, queuePerCaller: 128 },
      },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
      denylist,
    });
    gateways.push(gateway);
    return { gateway, url: `${(await gateway.listen(0)).url}/graphql` };
  }

  async function metricsOf(url: string): Promise<string> {
    return (await fetch(url.replace('/graphql', '/metrics'))).text();
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    const peopleV2Resolvers = {
      Person: {
        __resolveReference: (reference: { id: string }) => ({ id: reference.id, name: `Person v2 ${reference.id}`, nickname: `nick ${reference.id}` }),
      },
    } as GraphQLResolverMap<unknown>;
    peopleV2 = await startFixtureSubgraph('people', PEOPLE_V2, peopleV2Resolvers);
    denylist = createTokenDenylist({ redisUrl: TEST_REDIS_URL, logger: createLogger('test'), cacheMs: 0 });
  });

  afterEach(async () => {
    await connections.closeAll();
    for (const gateway of gateways.splice(0)) await gateway.stop();
  });

  afterAll(async () => {
    await peopleV2?.stop();
    await fixtures?.stop();
    await denylist?.close();
  });

  it('keeps 100 live subscriptions through an unrelated reload: every event once and in order, same upstream stream, the rest on the new plan', async () => {
    const { gateway, url } = await startGateway();
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const subscribesBefore = fixtures.eventsSubscribeCount();
    const clients = Array.from({ length: 10 }, () => connections.connect(url, token));
    const subscriptions = clients.flatMap((client) => Array.from({ length: 10 }, () => client.subscribe<TickData>(TICKS_SUBSCRIPTION)));
    await eventually(() => gateway.subscriptions.stats().subscribers === 100, 10_000, '100 subscribers');
    await fixtures.waitForListeners(orgId);

    // A steady flow of events before, during and after the reload.
    let published = 0;
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        await fixtures.publishTick(orgId, published);
        published += 1;
        await sleep(5);
      }
    })();
    let firstAfterReload: number;
    try {
      await subscriptions[0]!.waitFor(20, 10_000);
      // `people` moves to another deployment with one more field; nothing the subscription reads changes.
      expect(await gateway.supergraph.offer(composeVariant({ people: { url: peopleV2.url, typeDefs: PEOPLE_V2 } }), 'test')).toBe(true);
      // The tick being published right now may have reached the gateway before the swap.
      firstAfterReload = published + 1;
      await eventually(() => published >= firstAfterReload + 50, 10_000, '50 events after the reload');
    } finally {
      flowing = false;
      await flow;
    }
    const total = published;

    const switchedAt: number[] = [];
    for (const subscription of subscriptions) {
      const results = await subscription.waitFor(total, 20_000);
      expect(subscription.end).toBeNull();
      expect(results.map((result) => result.data?.ticks.seq)).toEqual(Array.from({ length: total }, (_, seq) => seq));
      expect(results.filter((result) => result.errors)).toEqual([]);
      const owners = results.map((result) => result.data?.ticks.item.owner.name);
      const index = owners.findIndex((name) => name?.startsWith('Person v2 '));
      // Old plan up to the swap, the new one from then on; events published after it all on the new one.
      expect(index).toBeGreaterThanOrEqual(20);
      expect(index).toBeLessThanOrEqual(firstAfterReload);
      expect(owners).toEqual(results.map((_, seq) => (seq < index ? `Person owner-of-i${seq}` : `Person v2 owner-of-i${seq}`)));
      expect(results.map((result) => result.data?.ticks.item.name)).toEqual(results.map((_, seq) => `item i${seq}`));
      switchedAt.push(index);
    }
    // One result group: the whole group switched at the same event.
    expect(new Set(switchedAt).size).toBe(1);
    // The upstream stream was neither restarted nor duplicated.
    expect(fixtures.eventsSubscribeCount() - subscribesBefore).toBe(1);
    expect(gateway.subscriptions.stats().upstreamStreams).toBe(1);
    await fixtures.waitForListeners(orgId, 1);

    // New subscribers on the new generation: the same document joins the re-planned group, and the
    // field only the new supergraph has resolves; both on the same upstream stream.
    const late = connections.connect(url, token);
    const sameDocument = late.subscribe<TickData>(TICKS_SUBSCRIPTION);
    const withNickname = late.subscribe<NicknameTickData>(WITH_NICKNAME);
    await eventually(() => gateway.subscriptions.stats().subscribers === 102, 5000, '102 subscribers');
    const peopleRequestsBefore = peopleV2.requests.length;
    for (let seq = total; seq < total + 5; seq += 1) await fixtures.publishTick(orgId, seq);
    const expectedSeqs = Array.from({ length: 5 }, (_, offset) => total + offset);
    for (const subscription of subscriptions) {
      expect((await subscription.waitFor(total + 5)).slice(total).map((result) => result.data?.ticks.seq)).toEqual(expectedSeqs);
    }
    expect((await sameDocument.waitFor(5)).map((result) => result.data?.ticks.item.owner.name)).toEqual(expectedSeqs.map((seq) => `Person v2 owner-of-i${seq}`));
    expect((await withNickname.waitFor(5)).map((result) => result.data?.ticks)).toEqual(
      expectedSeqs.map((seq) => expect.objectContaining({ seq, item: { name: `item i${seq}`, owner: { name: `Person v2 owner-of-i${seq}`, nickname: `nick owner-of-i${seq}` } } })),
    );
    expect(fixtures.eventsSubscribeCount() - subscribesBefore).toBe(1);
    expect(gateway.subscriptions.stats().upstreamStreams).toBe(1);
    // The rest runs once per event and result group: two groups (101 + 1 subscribers), five events.
    expect(peopleV2.requests.length - peopleRequestsBefore).toBe(10);
    expect(peopleV2.requests.at(-1)?.headers.get('authorization')).toBe(`Bearer ${token}`);
  });

  it('ends subscriptions to a field a reload removes with SUBSCRIPTION_SCHEMA_RELOAD and closes their upstream stream', async () => {
    const { gateway, url } = await startGateway();
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const ws = [connections.connect(url, token), connections.connect(url, token)].flatMap((client) =>
      Array.from({ length: 5 }, () => client.subscribe<TickData>(TICKS_SUBSCRIPTION)),
    );
    const sse = await SseSubscription.open<TickData>(url, TICKS_SUBSCRIPTION, {}, token, { requireOk: true });
    try {
      await eventually(() => gateway.subscriptions.stats().subscribers === 11, 5000, '11 subscribers');
      await fixtures.waitForListeners(orgId);
      await fixtures.publishTick(orgId, 1);
      for (const subscription of ws) expect((await subscription.next()).data?.ticks.seq).toBe(1);
      expect((await sse.next()).data?.ticks.seq).toBe(1);

      // The subscribed field is gone (another one takes its place, so the document no longer validates).
      const withoutField = typeDefsOf('events').replace('type Subscription { ticks: Tick!', 'type Subscription { otherTicks: Tick!');
      expect(withoutField).not.toBe(typeDefsOf('events'));
      expect(await gateway.supergraph.offer(composeVariant({ events: { typeDefs: withoutField } }), 'test')).toBe(true);

      for (const subscription of ws) {
        expect(await subscription.ended()).toEqual({ kind: 'complete' });
        expect(subscription.results).toHaveLength(2);
        expect(lastCode(subscription.results)).toBe('SUBSCRIPTION_SCHEMA_RELOAD');
        expect(subscription.results[1]?.errors?.[0]?.message).toMatch(/subscribe again/);
      }
      await sse.waitFor(2);
      expect(lastCode(sse.results)).toBe('SUBSCRIPTION_SCHEMA_RELOAD');
      await eventually(() => gateway.subscriptions.stats().subscribers === 0, 5000, 'no subscribers');
      expect(gateway.subscriptions.stats().upstreamStreams).toBe(0);
      // The subgraph let go of its bus subscription: the upstream was really closed.
      await fixtures.waitForListeners(orgId, 0);
      const metrics = await metricsOf(url);
      expect(metrics).toMatch(/gateway_subscriptions_active 0\b/);
      expect(metrics).toMatch(/gateway_subscription_upstream_streams\{subgraph="events"\} 0\b/);
      expect(metrics).toMatch(/gateway_subscriptions_ended_total\{reason="schema_reload"\} 11\b/);

      // Subscribing again is refused like any operation the schema does not have.
      const again = connections.connect(url, token).subscribe<TickData>(TICKS_SUBSCRIPTION);
      expect(await again.ended()).toEqual({
        kind: 'error',
        error: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })],
      });
    } finally {
      sse.close();
    }
  });

  it('ends subscriptions whose primary fetch moves (new routing URL); resubscribing opens a stream there', async () => {
    const { gateway, url } = await startGateway();
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const client = connections.connect(url, token);
    const subscriptions = Array.from({ length: 3 }, () => client.subscribe<TickData>(TICKS_SUBSCRIPTION));
    await eventually(() => gateway.subscriptions.stats().subscribers === 3, 5000, 'three subscribers');
    await fixtures.waitForListeners(orgId);
    const subscribesBefore = fixtures.eventsSubscribeCount();

    // Same subgraph, another routing URL (as after moving it behind a new address).
    expect(await gateway.supergraph.offer(composeVariant({ events: { url: `${subgraphOf('events').url}?moved=1` } }), 'test')).toBe(true);
    for (const subscription of subscriptions) {
      await subscription.ended();
      expect(subscription.results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['SUBSCRIPTION_SCHEMA_RELOAD']);
    }
    await eventually(() => gateway.subscriptions.stats().upstreamStreams === 0, 5000, 'the old upstream stream to close');

    const again = client.subscribe<TickData>(TICKS_SUBSCRIPTION);
    await eventually(() => gateway.subscriptions.stats().upstreamStreams === 1, 5000, 'a new upstream stream');
    await fixtures.waitForListeners(orgId);
    expect(fixtures.eventsSubscribeCount() - subscribesBefore).toBe(1);
    await fixtures.publishTick(orgId, 3);
    expect((await again.next()).data?.ticks).toMatchObject({ seq: 3, item: { owner: { name: 'Person owner-of-i3' } } });
  });

  it('applies access rules a reload adds to open subscriptions: those no longer permitted end, the others go on', async () => {
    const { gateway, url } = await startGateway();
    const orgId = randomUUID();
    const plainToken = await signer.token({ orgId });
    const scopedToken = await signer.token({ orgId, scopes: ['ticks:read'] });
    const plain = connections.connect(url, plainToken).subscribe<TickData>(TICKS_SUBSCRIPTION);
    const scoped = connections.connect(url, scopedToken).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await eventually(() => gateway.subscriptions.stats().subscribers === 2, 5000, 'two subscribers');
    // Different permission sets: one upstream stream each (the subgraph's bus shares one Redis subscription).
    await eventually(() => gateway.subscriptions.stats().upstreamStreams === 2, 5000, 'two upstream streams');
    await fixtures.waitForListeners(orgId);

    const guarded = typeDefsOf('events').replace('ticks: Tick! @authenticated', 'ticks: Tick! @authenticated @requiresScopes(scopes: [["ticks:read"]])');
    expect(guarded).not.toBe(typeDefsOf('events'));
    expect(await gateway.supergraph.offer(composeVariant({ events: { typeDefs: guarded } }), 'test')).toBe(true);

    await plain.ended();
    expect(plain.results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['SUBSCRIPTION_SCHEMA_RELOAD']);
    await eventually(() => gateway.subscriptions.stats().upstreamStreams === 1, 5000, 'one upstream stream');
    await fixtures.publishTick(orgId, 4);
    expect((await scoped.next()).data?.ticks.seq).toBe(4);
    expect(scoped.end).toBeNull();

    const refused = connections.connect(url, plainToken).subscribe<TickData>(TICKS_SUBSCRIPTION);
    await refused.ended();
    expect(lastCode(refused.results)).toBe('FORBIDDEN');
  });

  it('runs a subscription validated just before a swap on the new generation, or refuses it there', async () => {
    const { gateway } = await startGateway();
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const contextValue: GatewayContext = { requestId: 'late', identity: await signer.verifier(token), authorization: `Bearer ${token}`, userAgent: null, logger: createLogger('test') };
    const subscribeOn = (generation: typeof gateway.supergraph.current) =>
      gateway.subscriptions.subscribe(generation, { schema: generation.schema, document: parse(TICKS_SUBSCRIPTION), operationName: 'Ticks', variableValues: {}, contextValue });

    const first = gateway.supergraph.current;
    expect(await gateway.supergraph.offer(composeVariant({ people: { url: peopleV2.url, typeDefs: PEOPLE_V2 } }), 'test')).toBe(true);
    const late = subscribeOn(first);
    if (!(Symbol.asyncIterator in late)) throw new Error(`refused: ${JSON.stringify(late)}`);
    try {
      await fixtures.waitForListeners(orgId);
      await fixtures.publishTick(orgId, 5);
      const result = (await late.next()).value as ExecutionResult<TickData>;
      // Resolved by the new generation's plan (its `people` deployment).
      expect(result.data?.ticks.item.owner.name).toBe('Person v2 owner-of-i5');
    } finally {
      await late.return?.();
    }

    const second = gateway.supergraph.current;
    // No subscription root at all (graphql-js validation passes that; planning refuses it).
    const withoutSubscription = typeDefsOf('events').replace(/type Subscription \{[^}]*\}/, '');
    expect(await gateway.supergraph.offer(composeVariant({ events: { typeDefs: withoutSubscription } }), 'test')).toBe(true);
    const refused = subscribeOn(second);
    expect(Symbol.asyncIterator in refused).toBe(false);
    expect((refused as ExecutionResult).errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_SCHEMA_RELOAD');
    await eventually(() => gateway.subscriptions.stats().subscribers === 0, 5000, 'no subscribers');
  });
});
