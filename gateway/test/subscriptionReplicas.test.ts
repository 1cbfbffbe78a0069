import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTsProcess, type TestProcess } from '@hub/testkit/childProcess';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { eventually } from '@hub/testkit/eventually';
import { WsConnection } from '@hub/testkit/wsSubscription';
import { createTestSigner, post, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { serveJwks } from '@hub/testkit/gateway/jwksServer';
import { startSubscriptionFixtures, TICKS_SUBSCRIPTION, type SubscriptionFixtures, type TickData } from '@hub/testkit/gateway/subscriptionFixtures';

describe('subscriptions across gateway replicas', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let jwks: { url: string; server: Server };
  const replicas: TestProcess[] = [];
  const connections: WsConnection[] = [];

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    jwks = await serveJwks(signer);
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await Promise.all(replicas.map((replica) => replica.stop()));
    await fixtures?.stop();
    jwks?.server.close();
  });

  it('a mutation sent to one gateway process reaches subscribers on both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replicas-'));
    const supergraphPath = join(dir, 'supergraph.graphql');
    await writeFile(supergraphPath, fixtures.supergraphSdl);
    const urls: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const replica = startTsProcess('gateway/src/main.ts', {
        PORT: '0',
        SUPERGRAPH_PATH: supergraphPath,
        JWKS_URL: jwks.url,
        REDIS_URL: TEST_REDIS_URL,
        LOG_LEVEL: 'info',
      });
      replicas.push(replica);
      const [, url] = await replica.waitFor(/"url":"(http:\/\/[^"]+\/graphql)"/, 60_000);
      urls.push(url!);
    }

    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const subscribedBefore = fixtures.eventsSubscribeCount();
    const subscriptions = urls.map((url) => {
      const connection = new WsConnection(url, token);
      connections.push(connection);
      return connection.subscribe<TickData>(TICKS_SUBSCRIPTION);
    });
    // Each replica holds its own upstream stream; the subgraph process listens once on Redis.
    await eventually(() => fixtures.eventsSubscribeCount() >= subscribedBefore + 2, 15_000, 'both replicas subscribed upstream');
    await fixtures.waitForListeners(orgId);

    const response = await post(urls[0]!, { query: 'mutation { emitTick(seq: 42, itemId: "x") }' }, { authorization: `Bearer ${token}` });
    expect(response.body).toEqual({ data: { emitTick: true } });
    for (const subscription of subscriptions) {
      const result = await subscription.next(10_000);
      expect(result.data?.ticks).toEqual({ seq: 42, tenant: orgId, item: { name: 'item x', owner: { name: 'Person owner-of-x' } } });
    }
  });
});
