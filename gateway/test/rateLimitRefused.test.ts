import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createLogger } from '@hub/core';
import Redis from 'ioredis';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnections } from '@hub/testkit/wsSubscription';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { redisSlidingWindowLimiter } from '../src/rateLimit/slidingWindowLimiter';
import { CLOSE_RATE_LIMITED } from '../src/subscriptions/webSocketCloseCodes';
import { composeFixtures, createTestSigner, startFixtureSubgraph, type FixtureSubgraph, type GraphQLBody, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

const LIMIT = 3;

interface Answer {
  status: number;
  body: GraphQLBody;
}

/** POSTs from a chosen loopback source address, so each test is its own client address. */
function postFrom(from: string, url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as GraphQLBody }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

/**
 * Finding: requests that fail before execution (forged tokens, documents that do not parse or
 * validate) were counted by no rate limit. They now count against the client address like
 * anonymous requests, and once that window is used up they are answered 429 RATE_LIMITED.
 */
describe('refused requests are rate limited per client address', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;
  const connections = new WsConnections();

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('ping', 'type Query { ping: String }\ntype Subscription { pings: String }', {
      Query: { ping: () => 'pong' },
    });
  });
  // A gateway per test, with counters of its own: no other test or run on the shared Redis
  // counts against the addresses a test uses.
  beforeEach(async () => {
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), rateLimit: { limit: LIMIT, windowSeconds: 60 } },
      supergraphSdl: composeFixtures([subgraph]),
      verifyToken: signer.verifier,
      rateLimiter: redisSlidingWindowLimiter(new Redis(TEST_REDIS_URL), `hub:test:refused:${randomUUID()}:`),
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterEach(async () => {
    await connections.closeAll();
    await gateway.stop();
  });
  afterAll(async () => {
    await subgraph.stop();
  });

  it('forged tokens from one address get 429 after the limit; a tenant and anonymous callers elsewhere are unaffected', async () => {
    const other = await createTestSigner();
    const forgedTokens = ['not-a-jwt', await other.token({ orgId: randomUUID() })];
    const ping = JSON.stringify({ query: '{ ping }' });
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await postFrom('127.0.0.11', url, ping, { authorization: `Bearer ${forgedTokens[i % 2]}` });
      expect({ status: refused.status, code: codeOf(refused) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
    const limited = await postFrom('127.0.0.11', url, ping, { authorization: `Bearer ${forgedTokens[0]}` });
    expect(limited.status).toBe(429);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);

    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    expect((await postFrom('127.0.0.12', url, ping, tenant)).body).toEqual({ data: { ping: 'pong' } });
    expect((await postFrom('127.0.0.12', url, ping)).body).toEqual({ data: { ping: 'pong' } });
  });

  it('documents that do not parse or validate, and bodies that are no GraphQL, get 429 after the limit', async () => {
    const garbage = [JSON.stringify({ query: '{ nope }' }), JSON.stringify({ query: '{ ping' }), '{"query":'];
    for (const body of garbage) {
      const refused = await postFrom('127.0.0.13', url, body);
      expect(refused.status).not.toBe(429);
      expect(refused.body.data).toBeUndefined();
      expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']).toContain(codeOf(refused));
    }
    const limited = await postFrom('127.0.0.13', url, garbage[0]!);
    expect(limited.status).toBe(429);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    // A valid tenant from the same address has a window of its own (its organization's).
    const tenant = { authorization: `Bearer ${await signer.token({ orgId: randomUUID() })}` };
    expect((await postFrom('127.0.0.13', url, JSON.stringify({ query: '{ ping }' }), tenant)).body).toEqual({ data: { ping: 'pong' } });
  });

  it('over SSE the same path applies', async () => {
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = await SseSubscription.open<unknown>(url, 'subscription { nope }', {});
      await refused.waitFor(1);
      expect(refused.results[0]?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      refused.close();
    }
    const limited = await SseSubscription.open<unknown>(url, 'subscription { nope }', {});
    await limited.waitFor(1);
    expect(limited.results[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    limited.close();
  });

  it('over WebSocket: refused operations and refused tokens at connection_init count against the address', async () => {
    const anonymous = connections.connect(url);
    for (let i = 0; i < LIMIT; i += 1) {
      const refused = anonymous.subscribe<unknown>('subscription { nope }');
      await refused.ended();
      expect(refused.end).toMatchObject({ kind: 'error' });
    }
    const limited = anonymous.subscribe<unknown>('subscription { nope }');
    const end = await limited.ended();
    expect(end.kind).toBe('error');
    const errors = (end as { error: Array<{ extensions?: { code?: string } }> }).error;
    expect(errors[0]?.extensions?.code).toBe('RATE_LIMITED');

    // The window of 127.0.0.1 is used up: a forged token at connection_init is now told so.
    const forged = connections.connect(url, 'not-a-jwt');
    await forged.subscribe<unknown>('{ ping }').ended();
    expect(forged.closes[0]?.code).toBe(CLOSE_RATE_LIMITED);
  });
});
