import { randomUUID } from 'node:crypto';
import { createLogger, inProcessTokenBucketLimiter, redisTokenBucketLimiter, type RateLimiter } from '@hub/core';
import Redis from 'ioredis';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

/** 5 requests per 10 s: a burst of 5, then one token every 2 s. */
const WINDOW = { limit: 5, windowSeconds: 10 };
const REFILL_S = WINDOW.windowSeconds / WINDOW.limit;

describe('rate limit, default mode (token bucket in Redis), through the gateway', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('ping', 'type Query { ping: String }', { Query: { ping: () => 'pong' } });
    // No rateLimiter given: the gateway builds its default one from the config, as deployed.
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), redisUrl: TEST_REDIS_URL, rateLimit: WINDOW },
      supergraphSdl: composeFixtures([subgraph]),
      verifyToken: signer.verifier,
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  async function tenantWithSpentBurst(): Promise<Record<string, string>> {
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    for (let i = 0; i < WINDOW.limit; i += 1) expect((await post(url, { query: '{ ping }' }, tenant)).status).toBe(200);
    return tenant;
  }

  it('after the burst, a refused caller is told to come back after one refill interval, not after the whole window', async () => {
    const tenant = await tenantWithSpentBurst();
    const refused = await post(url, { query: '{ ping }' }, tenant);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = refused.body.errors?.[0]?.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(REFILL_S);
    // HTTP's Retry-After takes whole seconds.
    expect(refused.headers.get('retry-after')).toBe(String(Math.ceil(retryAfter)));
  });

  it('refused callers are told staggered times, one refill interval apart, so they do not retry in step', async () => {
    const tenant = await tenantWithSpentBurst();
    const refused = await Promise.all(Array.from({ length: 4 }, () => post(url, { query: '{ ping }' }, tenant)));
    expect(refused.map((answer) => answer.status)).toEqual([429, 429, 429, 429]);
    const hints = refused.map((answer) => answer.body.errors?.[0]?.extensions?.retryAfter as number).sort((a, b) => a - b);
    for (let i = 1; i < hints.length; i += 1) {
      // Each hint is one refill interval after the previous one, less the time between the requests' arrivals.
      expect(hints[i]! - hints[i - 1]!).toBeGreaterThan(REFILL_S - 0.5);
      expect(hints[i]! - hints[i - 1]!).toBeLessThanOrEqual(REFILL_S + 0.01);
    }
  });

  it('concurrent requests cannot take more than the bucket holds (one Lua call per request)', async () => {
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const results = await Promise.all(Array.from({ length: 12 }, () => post(url, { query: '{ ping }' }, tenant)));
    // Refill during the run may add one token (2 s apart), never more on a working machine.
    const allowed = results.filter((result) => result.status === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(WINDOW.limit);
    expect(allowed).toBeLessThanOrEqual(WINDOW.limit + 1);
    expect(results.filter((result) => result.status === 429)).toHaveLength(12 - allowed);
  });
});

describe('token bucket: Redis and in-process variants', () => {
  let redis: RateLimiter;
  beforeAll(() => {
    redis = redisTokenBucketLimiter(new Redis(TEST_REDIS_URL), `hub:test:bucket:${randomUUID()}:`);
  });
  afterAll(async () => {
    await redis.close();
  });

  it('give the same answers for a burst and the refusals after it', async () => {
    let now = 1_000_000;
    const memory = inProcessTokenBucketLimiter(() => now);
    const run = async (limiter: RateLimiter) => {
      const answers = [];
      for (let i = 0; i < WINDOW.limit + 3; i += 1) answers.push(await limiter.hit('tenant', WINDOW));
      return answers;
    };
    const inMemory = await run(memory);
    const inRedis = await run(redis);
    expect(inMemory.map((answer) => answer.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    expect(inRedis.map((answer) => answer.allowed)).toEqual(inMemory.map((answer) => answer.allowed));
    expect(inMemory.map((answer) => answer.remaining).slice(0, WINDOW.limit)).toEqual([4, 3, 2, 1, 0]);
    expect(inRedis.map((answer) => answer.remaining).slice(0, WINDOW.limit)).toEqual([4, 3, 2, 1, 0]);
    // In memory (frozen clock) exactly 2, 4, 6 s; Redis' clock moved on a little meanwhile.
    expect(inMemory.slice(WINDOW.limit).map((answer) => answer.retryAfterSeconds)).toEqual([2, 4, 6]);
    inRedis.slice(WINDOW.limit).forEach((answer, i) => {
      expect(answer.retryAfterSeconds).toBeGreaterThan((i + 1) * REFILL_S - 0.5);
      expect(answer.retryAfterSeconds).toBeLessThanOrEqual((i + 1) * REFILL_S);
    });
    now += 2000;
    expect((await memory.hit('tenant', WINDOW)).allowed).toBe(true);
    await memory.close();
  });

  it('apply a lowered limit to what was already spent, in both variants (as the sliding window does)', async () => {
    const memory = inProcessTokenBucketLimiter(() => 0);
    for (const limiter of [memory, redis]) {
      const key = `lowered:${randomUUID()}`;
      for (let i = 0; i < 3; i += 1) expect((await limiter.hit(key, { limit: 10, windowSeconds: 60 })).allowed).toBe(true);
      // An operator lowers the ceiling to 3 per minute: the three already sent use it up.
      expect((await limiter.hit(key, { limit: 3, windowSeconds: 60 })).allowed).toBe(false);
    }
    await memory.close();
  });

  it('admit a steady rate after the burst: never more than one request per refill interval', async () => {
    let now = 0;
    const limiter = inProcessTokenBucketLimiter(() => now);
    const window = { limit: 3, windowSeconds: 1 };
    const admittedAt: number[] = [];
    // A client asking every 10 ms for 5 s.
    for (now = 0; now < 5000; now += 10) if ((await limiter.hit('flood', window)).allowed) admittedAt.push(now);
    const afterBurst = admittedAt.slice(window.limit);
    // A whole window's budget at each window's start is what a sliding window allows; a bucket spaces them.
    for (let i = 1; i < afterBurst.length; i += 1) expect(afterBurst[i]! - afterBurst[i - 1]!).toBeGreaterThanOrEqual(330);
    expect(admittedAt.length).toBeGreaterThanOrEqual(3 + 14);
    expect(admittedAt.length).toBeLessThanOrEqual(3 + 15);
    await limiter.close();
  });

  it('spread a crowd over at least 10 s (one window if longer); callers beyond it get a random time within it', async () => {
    const now = 0;
    const memory = inProcessTokenBucketLimiter(() => now);
    // 2 per 1 s: a refill every 0.5 s, so 20 distinct promises fit in the 10-s horizon.
    const window = { limit: 2, windowSeconds: 1 };
    for (const limiter of [memory, redis]) {
      const key = `crowd:${randomUUID()}`;
      await limiter.hit(key, window);
      await limiter.hit(key, window);
      const hints = [];
      for (let i = 0; i < 30; i += 1) hints.push((await limiter.hit(key, window)).retryAfterSeconds);
      // One refill interval apart (Redis' clock moves on a little between the calls).
      hints.slice(0, 20).forEach((hint, i) => {
        expect(hint).toBeGreaterThan((i + 1) * 0.5 - 0.3);
        expect(hint).toBeLessThanOrEqual((i + 1) * 0.5);
      });
      for (const hint of hints.slice(20)) {
        expect(hint).toBeGreaterThanOrEqual(0.2);
        expect(hint).toBeLessThanOrEqual(10.5);
      }
      expect(new Set(hints.slice(20)).size).toBeGreaterThan(1);
    }
    await memory.close();
  });
});
