import { randomUUID } from 'node:crypto';
import { ConfigClient, configReaderUrlFromEnv, createEventBus, createLogger, type EventBus } from '@hub/core';
import Redis from 'ioredis';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { redisSlidingWindowLimiter } from '../src/rateLimit/slidingWindowLimiter';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestStack } from '@hub/testkit/testStack';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { eventually } from '@hub/testkit/eventually';

describe('per-tenant rate limit (Redis sliding window)', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('ping', 'type Query { ping: String }', { Query: { ping: () => 'pong' } });
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), rateLimit: { limit: 3, windowSeconds: 60 } },
      supergraphSdl: composeFixtures([subgraph]),
      verifyToken: signer.verifier,
      // A key prefix of its own: runs never share counters.
      rateLimiter: redisSlidingWindowLimiter(new Redis(TEST_REDIS_URL), `hub:test:rate:${randomUUID()}:`),
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  it('the N+1th request in the window is refused with 429, RATE_LIMITED and retryAfter; other tenants are unaffected', async () => {
    const tenantA = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const tenantB = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    for (let i = 0; i < 3; i += 1) {
      const allowed = await post(url, { query: '{ ping }' }, tenantA);
      expect(allowed.body).toEqual({ data: { ping: 'pong' } });
    }
    const refused = await post(url, { query: '{ ping }' }, tenantA);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = refused.body.errors?.[0]?.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));

    const otherTenant = await post(url, { query: '{ ping }' }, tenantB);
    expect(otherTenant.body).toEqual({ data: { ping: 'pong' } });
  });

  it('concurrent requests cannot overrun the limit (the Lua script is atomic)', async () => {
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const results = await Promise.all(Array.from({ length: 10 }, () => post(url, { query: '{ ping }' }, tenant)));
    expect(results.filter((result) => result.status === 200)).toHaveLength(3);
    expect(results.filter((result) => result.status === 429)).toHaveLength(7);
  });
});

const SET_CONFIG = /* GraphQL */ `
  mutation SetRateLimit($input: SetConfigInput!) { setConfig(input: $input) { version value } }
`;

describe('rate limit read from plattform service configs', () => {
  let stack: TestStack;
  let bus: EventBus;
  let configClient: ConfigClient;

  beforeAll(async () => {
    const logger = createLogger('test');
    bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
    configClient = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus: bus, logger, services: ['gateway'] });
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL, gateway: { configReader: configClient } });
    // The config reader role exists once plattform has migrated.
    await configClient.start();
  });
  afterAll(async () => {
    await stack.stop();
    await configClient.stop();
    await bus.close();
  });


  it('raising the tenant’s limit via setConfig takes effect without restart', async () => {
    const account = await signUpAccount(stack);
    const limitOf = () => (configClient.get('gateway', 'rateLimit', account.orgId) as { limit?: number } | undefined)?.limit;

    const set = await stack.query<{ setConfig: { version: number } }>(
      SET_CONFIG,
      { input: { service: 'gateway', key: 'rateLimit', value: { limit: 2, windowSeconds: 60 }, reason: 'test: tight limit' } },
      account.token,
    );
    expect(set.errors).toBeUndefined();
    await eventually(() => limitOf() === 2, 10_000, 'the limit of 2 applied');

    // setConfig itself counted as one request of this tenant's window.
    const ME = '{ me { user { id } } }';
    expect((await stack.query(ME, {}, account.token)).errors).toBeUndefined();
    const refused = await stack.query(ME, {}, account.token);
    expect(refused.status).toBe(429);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);

    // Raise it straight at plattform (the gateway refuses this tenant right now).
    const raised = await stack.plattformQuery<{ setConfig: { version: number } }>(
      SET_CONFIG,
      {
        input: {
          service: 'gateway',
          key: 'rateLimit',
          value: { limit: 10, windowSeconds: 60 },
          expectedVersion: set.data!.setConfig.version,
          reason: 'test: raise',
        },
      },
      account.token,
    );
    expect(raised.errors).toBeUndefined();
    await eventually(() => limitOf() === 10, 10_000, 'the limit of 10 applied');
    const allowed = await stack.query<{ me: { user: { id: string } } }>(ME, {}, account.token);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.me.user.id).toBe(account.userId);
  });
});
