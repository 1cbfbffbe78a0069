import { randomUUID } from 'node:crypto';
import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { eventually } from '@hub/testkit/eventually';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { machineSlowdown } from '@hub/testkit/machineTime';

/**
 * A slow call: 1 s on a quiet machine, whole seconds more on a busy one. Every bound below is a
 * multiple of it, so load stretches them all alike (the gateway's deadline included).
 */
const SLOW_MS = 1000 * Math.min(3, Math.ceil(machineSlowdown()));
const SCHEMA = 'type Query { slow: String fast: String }';

/**
 * Per-tenant limits of this test: 8 connections, 2 in flight and 20 waiting per caller, a queue wait
 * of 2 slow calls: long enough for tenant B's few fast calls (each well under one slow call) to be
 * answered while A's queue still waits, and short enough that A's queued calls time out soon.
 */
const CONNECTIONS = 8;
const PER_CALLER = 2;
const QUEUE = 20;
const QUEUE_TIMEOUT_MS = 2 * SLOW_MS;

describe('fair queuing in front of a subgraph', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;
  // What the subgraph sees: slow calls running at once, and the most ever.
  let running = 0;
  let mostRunning = 0;

  const resolvers = {
    Query: {
      slow: async () => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
        running -= 1;
        return 'slow';
      },
      fast: () => 'fast',
    },
  };

  async function metricsText(): Promise<string> {
    return (await fetch(url.replace('/graphql', '/metrics'))).text();
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('slowpoke', SCHEMA, resolvers);
    const config = gatewayConfigFrom([]);
    gateway = await createGateway({
      config: {
        ...config,
        rateLimit: { limit: 0, windowSeconds: 60 },
        // Admission control (in front of the whole gateway) is wide open here: this tests the subgraph's queue.
        admission: { capacity: 1000, perCaller: 1000, queuePerCaller: 1000, maxWaitMs: 10_000 },
        subgraphs: {
          ...config.subgraphs,
          connections: CONNECTIONS,
          tenantConcurrency: PER_CALLER,
          tenantQueue: QUEUE,
          queueTimeoutMs: QUEUE_TIMEOUT_MS,
          // Short enough that waiting behind the flood inside the connection pool would time out.
          timeoutMs: 2 * SLOW_MS,
          queryRetries: 0,
          breakerFailureThreshold: 3,
          breakerResetMs: 60_000,
        },
      },
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
  beforeEach(() => {
    mostRunning = 0;
  });

  it("tenant A's flood is limited to its own slots and queue; tenant B stays fast and the breaker stays closed", async () => {
    const tenantA = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const tenantB = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };

    let floodSettled = false;
    // Distinct documents (aliases): identical ones of one identity would share one subgraph call.
    const flood = Promise.all(Array.from({ length: 40 }, (_, i) => post(url, { query: `{ slow${i}: slow }` }, tenantA)));
    void flood.finally(() => (floodSettled = true));
    // A's flood has taken all it can get: its queue is full, or (without fair queuing) every connection is busy.
    await eventually(
      async () => running === CONNECTIONS || /reason="queue_full"\} [1-9]/.test(await metricsText()),
      10 * SLOW_MS,
      "tenant A's flood to take all it can",
    );

    const latencies: number[] = [];
    const answersB = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      answersB.push((await post(url, { query: '{ fast }' }, tenantB)).body);
      latencies.push(performance.now() - started);
    }
    const floodSettledBeforeB = floodSettled;
    const answers = await flood;
    // B was served while A's flood still waited in its queue: nothing of B's waits behind A's calls
    // (the unfair pool made B wait for seconds, time out and open the breaker).
    expect(answersB).toEqual(Array.from({ length: 5 }, () => ({ data: { fast: 'fast' } })));
    expect(Math.max(...latencies)).toBeLessThan(SLOW_MS);
    expect(floodSettledBeforeB).toBe(false);

    const codes = answers.map((answer, i) => (answer.body.data?.[`slow${i}`] === 'slow' ? 'ok' : answer.body.errors?.[0]?.extensions?.code));
    const reasons = answers.map((answer) => answer.body.errors?.[0]?.extensions?.reason).filter(Boolean);
    // Every one of A's requests either ran or was refused by the gateway with OVERLOADED; none failed at the subgraph.
    expect(new Set(codes)).toEqual(new Set(['ok', 'OVERLOADED']));
    expect(reasons).toContain('queue_full');
    expect(reasons).toContain('queue_timeout');
    const refused = answers.find((answer) => answer.body.errors?.[0]?.extensions?.code === 'OVERLOADED')!;
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ serviceName: 'slowpoke', retryAfter: QUEUE_TIMEOUT_MS / 1000 });
    expect(mostRunning).toBeLessThanOrEqual(PER_CALLER);

    const metrics = await metricsText();
    expect(metrics).toMatch(/gateway_subgraph_circuit_state\{subgraph="slowpoke"\} 0/);
    expect(metrics).not.toMatch(/gateway_subgraph_errors_total\{subgraph="slowpoke"/);
    expect(metrics).toMatch(/gateway_subgraph_queue_rejections_total\{subgraph="slowpoke",reason="queue_full"\} [1-9]/);
    expect(metrics).toMatch(/gateway_subgraph_queue_rejections_total\{subgraph="slowpoke",reason="queue_timeout"\} [1-9]/);
  }, 30 * SLOW_MS);

  it('anonymous callers are limited per client address', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(url, { query: '{ slow }' })));
    expect(answers.filter((answer) => answer.body.data?.slow === 'slow').length).toBeGreaterThan(0);
    expect(mostRunning).toBeLessThanOrEqual(PER_CALLER);
  });

  it('a real subgraph failure still opens the breaker', async () => {
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    const port = subgraph.port;
    await subgraph.stop();
    try {
      for (let i = 0; i < 3; i += 1) {
        const failed = await post(url, { query: '{ fast }' }, tenant);
        expect(failed.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      }
      const fastFail = await post(url, { query: '{ fast }' }, tenant);
      expect(fastFail.body.errors?.[0]?.message).toMatch(/circuit open/);
      expect(await metricsText()).toMatch(/gateway_subgraph_circuit_state\{subgraph="slowpoke"\} 2/);
    } finally {
      subgraph = await startFixtureSubgraph('slowpoke', SCHEMA, resolvers, port);
    }
  });
});
