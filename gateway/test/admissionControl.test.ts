import { randomUUID } from 'node:crypto';
import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { eventually } from '@hub/testkit/eventually';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

const SCHEMA = 'type Query { held: String fast: String }';

/** Admission limits of this test: 2 operations in flight and 1 waiting per caller. */
const PER_CALLER = 2;
const QUEUE = 1;

/** Each `held` operation under its own name: identical in-flight operations of one caller would share one subgraph call. */
let heldCount = 0;
const heldQuery = () => `query Held${(heldCount += 1)} { held }`;

describe('admission control in front of the whole gateway', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;
  // `held` resolvers wait here until the test lets them go.
  let heldRunning = 0;
  let letGo: Array<() => void> = [];

  const resolvers = {
    Query: {
      held: async () => {
        heldRunning += 1;
        await new Promise<void>((resolve) => letGo.push(resolve));
        heldRunning -= 1;
        return 'held';
      },
      fast: () => 'fast',
    },
  };

  function releaseHeld(): void {
    for (const resolve of letGo.splice(0)) resolve();
  }

  async function metricsText(): Promise<string> {
    return (await fetch(url.replace('/graphql', '/metrics'))).text();
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('holder', SCHEMA, resolvers);
    const config = gatewayConfigFrom([]);
    gateway = await createGateway({
      config: {
        ...config,
        rateLimit: { limit: 0, windowSeconds: 60 },
        admission: { capacity: 64, perCaller: PER_CALLER, queuePerCaller: QUEUE, maxWaitMs: 10_000 },
      },
      supergraphSdl: composeFixtures([subgraph]),
      verifyToken: signer.verifier,
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterEach(() => releaseHeld());
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  it("refuses a flooding tenant's extra operations before parsing them, while another tenant gets through at once", async () => {
    const tenantA = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const tenantB = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };

    // A fills its two slots (both running at the subgraph) and its one-place queue.
    const running = [post(url, { query: heldQuery() }, tenantA), post(url, { query: heldQuery() }, tenantA)];
    await eventually(() => heldRunning === PER_CALLER, 10_000, "tenant A's operations to run");
    const queued = post(url, { query: heldQuery() }, tenantA);
    await eventually(async () => /gateway_admission_operations\{state="waiting"\} 1\b/.test(await metricsText()), 10_000, "A's third operation to wait");

    // A's next operations are refused without being parsed (the document is not even valid
    // GraphQL) and without reaching the subgraph.
    const subgraphCalls = subgraph.requests.length;
    const retryAfters: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const refused = await post(url, { query: '{ held ' }, tenantA);
      expect(refused.status).toBe(429);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'OVERLOADED', reason: 'queue_full' }) }),
      ]);
      const retryAfter = refused.body.errors?.[0]?.extensions?.retryAfter as number;
      // Between half a second and a second and a half; the header in whole seconds, rounded up.
      expect(retryAfter).toBeGreaterThanOrEqual(0.5);
      expect(retryAfter).toBeLessThanOrEqual(1.5);
      expect(refused.headers.get('retry-after')).toBe(String(Math.ceil(retryAfter)));
      retryAfters.push(retryAfter);
    }
    // Staggered: refused clients are not all told to come back at the same instant.
    expect(new Set(retryAfters).size).toBeGreaterThan(1);
    expect(subgraph.requests.length).toBe(subgraphCalls);

    // B is not behind A: its operation runs while all of A's are held.
    const answerB = await post(url, { query: '{ fast }' }, tenantB);
    expect(answerB.body).toEqual({ data: { fast: 'fast' } });
    expect(heldRunning).toBe(PER_CALLER);

    // Once A's first operations finish, its queued one is admitted and runs.
    releaseHeld();
    for (const answer of await Promise.all(running)) expect(answer.body).toEqual({ data: { held: 'held' } });
    await eventually(() => heldRunning === 1, 10_000, "tenant A's queued operation to run");
    releaseHeld();
    expect((await queued).body).toEqual({ data: { held: 'held' } });
    expect(await metricsText()).toMatch(/gateway_admission_refusals_total\{reason="queue_full"\} [1-9]/);
  });

  it('counts anonymous callers per client address, apart from tenants', async () => {
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const anonymous = [0, 1].map(() => post(url, { query: heldQuery() }));
    await eventually(() => heldRunning === PER_CALLER, 10_000, 'the anonymous operations to run');
    anonymous.push(post(url, { query: heldQuery() }));
    await eventually(async () => /gateway_admission_operations\{state="waiting"\} 1\b/.test(await metricsText()), 10_000, 'the third anonymous operation to wait');
    const refused = await post(url, { query: heldQuery() });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
    expect((await post(url, { query: '{ fast }' }, tenant)).body).toEqual({ data: { fast: 'fast' } });
    releaseHeld();
    await eventually(() => heldRunning === 1, 10_000, 'the queued anonymous operation to run');
    releaseHeld();
    for (const answer of await Promise.all(anonymous)) expect(answer.body).toEqual({ data: { held: 'held' } });
  });
});

describe('admission refusals count against the rate limit', () => {
  /** A burst of 5, then one request every 12 s (token bucket, in this process). */
  const WINDOW = { limit: 5, windowSeconds: 60 };
  const REFILL_S = WINDOW.windowSeconds / WINDOW.limit;
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;
  let letGo: Array<() => void> = [];
  let heldRunning = 0;

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('holder', SCHEMA, {
      Query: {
        held: async () => {
          heldRunning += 1;
          await new Promise<void>((resolve) => letGo.push(resolve));
          heldRunning -= 1;
          return 'held';
        },
        fast: () => 'fast',
      },
    });
    gateway = await createGateway({
      config: {
        ...gatewayConfigFrom([]),
        rateLimit: WINDOW,
        rateLimitMode: 'tokenBucket',
        admission: { capacity: 64, perCaller: PER_CALLER, queuePerCaller: QUEUE, maxWaitMs: 10_000 },
      },
      supergraphSdl: composeFixtures([subgraph]),
      verifyToken: signer.verifier,
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    for (const resolve of letGo.splice(0)) resolve();
    await gateway.stop();
    await subgraph.stop();
  });

  it('a caller refused by admission spends its budget, and once over it is refused before parsing with RATE_LIMITED', async () => {
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    // Two operations run (two tokens spent) and one waits for a slot.
    const running = [post(url, { query: heldQuery() }, tenant), post(url, { query: heldQuery() }, tenant)];
    await eventually(() => heldRunning === PER_CALLER, 10_000, 'the operations to run');
    const queued = post(url, { query: heldQuery() }, tenant);
    await eventually(
      async () => /gateway_admission_operations\{state="waiting"\} 1\b/.test(await (await fetch(url.replace('/graphql', '/metrics'))).text()),
      10_000,
      'the third operation to wait',
    );

    // Four refusals: the first three spend the three tokens left; the fourth finds the bucket
    // empty and is told the limit's time. From then on the caller is over its limit: the fifth is
    // RATE_LIMITED before admission, one refill interval later (staggered).
    const refusals = [];
    for (let i = 0; i < 5; i += 1) refusals.push(await post(url, { query: '{ fast }' }, tenant));
    const hints = refusals.map((answer) => answer.body.errors?.[0]?.extensions?.retryAfter as number);
    expect(refusals.map((answer) => answer.body.errors?.[0]?.extensions?.code)).toEqual(['OVERLOADED', 'OVERLOADED', 'OVERLOADED', 'OVERLOADED', 'RATE_LIMITED']);
    for (const hint of hints.slice(0, 3)) expect(hint).toBeLessThanOrEqual(1.5);
    expect(hints[3]).toBeGreaterThan(REFILL_S - 1);
    expect(hints[3]).toBeLessThanOrEqual(REFILL_S);
    expect(hints[4]).toBeGreaterThan(2 * REFILL_S - 1);
    expect(hints[4]).toBeLessThanOrEqual(2 * REFILL_S);

    // The waiting operation is admitted once a slot frees, and finds no budget left.
    for (const resolve of letGo.splice(0)) resolve();
    await Promise.all(running);
    expect((await queued).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    // Over its limit, the caller is refused before its body is parsed: this one is not even GraphQL.
    const calls = subgraph.requests.length;
    const early = await post(url, { query: '{ fast ' }, tenant);
    expect(early.status).toBe(429);
    expect(early.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(early.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(3 * REFILL_S - 1);
    expect(subgraph.requests.length).toBe(calls);
    // Another tenant is untouched.
    const other = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    expect((await post(url, { query: '{ fast }' }, other)).body).toEqual({ data: { fast: 'fast' } });
  });
});
