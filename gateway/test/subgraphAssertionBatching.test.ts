import {
  createLogger,
  GATEWAY_ASSERTION_ENTRY_HEADER,
  GATEWAY_ASSERTION_HEADER,
  GATEWAY_ASSERTION_MAX_ENTRIES,
  GATEWAY_JWKS_PATH,
  gatewayAssertionCheck,
  generateGatewaySigningKey,
} from '@hub/core';
import { decodeJwt } from 'jose';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { SubgraphRequestSigner } from '../src/subgraphs/subgraphRequestSigner';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

/** A counter of the gateway's /metrics (0 when not yet reported). */
async function counter(gatewayUrl: string, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

/**
 * Requests that leave the gateway together share one signature: each carries the same batch
 * assertion and its own entry, and each passes the subgraphs' own check (the core kit's verifier,
 * with the gateway's published key) exactly once.
 */
describe('batch-signed subgraph requests', () => {
  let accounts: FixtureSubgraph;
  let shop: FixtureSubgraph;
  let signer: TestSigner;
  let gateway: Gateway;
  let url: string;

  beforeAll(async () => {
    signer = await createTestSigner();
    accounts = await startFixtureSubgraph('accounts', 'type Query { me: String }', { Query: { me: () => 'me' } });
    shop = await startFixtureSubgraph('shop', 'type Query { orders: [String!]! }', { Query: { orders: () => ['o1'] } });
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), executor: 'own', rateLimit: { limit: 0, windowSeconds: 60 } },
      supergraphSdl: composeFixtures([
        { name: 'accounts', url: accounts.url, typeDefs: accounts.typeDefs },
        { name: 'shop', url: shop.url, typeDefs: shop.typeDefs },
      ]),
      verifyToken: signer.verifier,
      logger: createLogger('subgraph-assertion-batching-test'),
    });
    const server = await gateway.listen(0);
    url = `http://127.0.0.1:${server.port}/graphql`;
  });

  afterAll(async () => {
    await gateway?.stop();
    await accounts?.stop();
    await shop?.stop();
  });

  it('parallel fetches to two subgraphs go out under one signature, one entry each, each accepted once', async () => {
    const token = { authorization: `Bearer ${await signer.token()}` };
    const signaturesBefore = await counter(url, 'gateway_subgraph_assertions_signed_total');
    const entriesBefore = await counter(url, 'gateway_subgraph_assertion_entries_total');
    const accountsBefore = accounts.requests.length;
    const shopBefore = shop.requests.length;

    const answer = await post(url, { query: '{ me orders }' }, token);
    expect(answer.body).toEqual({ data: { me: 'me', orders: ['o1'] } });

    const sent = [
      { subgraph: 'accounts', request: accounts.requests.slice(accountsBefore) },
      { subgraph: 'shop', request: shop.requests.slice(shopBefore) },
    ];
    expect(sent.map(({ request }) => request.length)).toEqual([1, 1]);
    const [toAccounts, toShop] = sent.map(({ request }) => request[0]!);
    const assertion = toAccounts!.headers.get(GATEWAY_ASSERTION_HEADER)!;
    // One JWS for both, naming both subgraphs, with one digest per request.
    expect(toShop!.headers.get(GATEWAY_ASSERTION_HEADER)).toBe(assertion);
    const claims = decodeJwt(assertion) as { aud: string[]; rd: string[] };
    expect([[...claims.aud].sort(), claims.rd.length]).toEqual([['accounts', 'shop'], 2]);
    expect([toAccounts!.headers.get(GATEWAY_ASSERTION_ENTRY_HEADER), toShop!.headers.get(GATEWAY_ASSERTION_ENTRY_HEADER)].sort()).toEqual(['0', '1']);

    // The metrics count one signature over two requests.
    expect((await counter(url, 'gateway_subgraph_assertions_signed_total')) - signaturesBefore).toBe(1);
    expect((await counter(url, 'gateway_subgraph_assertion_entries_total')) - entriesBefore).toBe(2);

    // What the subgraphs' perimeter would decide: each request passes its own subgraph's check once.
    const jwksUrl = new URL(GATEWAY_JWKS_PATH, url).toString();
    const outcomes: string[] = [];
    for (const { subgraph, request } of sent) {
      const check = gatewayAssertionCheck({ jwksUrl }, subgraph);
      const received = request[0]!;
      const presented = { assertion: received.headers.get(GATEWAY_ASSERTION_HEADER), entry: received.headers.get(GATEWAY_ASSERTION_ENTRY_HEADER) };
      for (let attempt = 0; attempt < 2; attempt += 1) {
        outcomes.push(
          await check(presented, { method: 'POST', path: '/graphql', body: received.body }).then(
            () => `${subgraph} accepted`,
            (error: { reason: string }) => `${subgraph} ${error.reason}`,
          ),
        );
      }
    }
    expect(outcomes).toEqual(['accounts accepted', 'accounts REPLAYED', 'shop accepted', 'shop REPLAYED']);
  });

  it('the signer closes a batch at the end of the microtask drain, or when it is full', async () => {
    const key = await generateGatewaySigningKey();
    const requestSigner = new SubgraphRequestSigner(key);
    const batchSizes: number[] = [];
    requestSigner.onSigned((entries) => batchSizes.push(entries));
    const request = (index: number) => ({ method: 'POST', path: '/graphql', body: `{"query":"{ n${index} }"}` });
    const total = GATEWAY_ASSERTION_MAX_ENTRIES + 8;
    // Asked for in one synchronous run and from microtasks queued by it: one drain.
    const together = Array.from({ length: total }, (_, index) =>
      index % 2 === 0 ? requestSigner.headers('accounts', request(index)) : Promise.resolve().then(() => requestSigner.headers('shop', request(index))),
    );
    const headers = await Promise.all(together);
    // A request asked for in a later turn gets a signature of its own.
    await new Promise((resolve) => setImmediate(resolve));
    const later = await requestSigner.headers('accounts', request(total));
    expect(batchSizes).toEqual([GATEWAY_ASSERTION_MAX_ENTRIES, 8, 1]);
    expect(new Set([...headers, later].map((each) => each[GATEWAY_ASSERTION_HEADER])).size).toBe(3);

    // Every entry passes its subgraph's check: the entry index names this request's digest.
    const checks = { accounts: gatewayAssertionCheck({ publicKeyPem: key.publicKeyPem }, 'accounts'), shop: gatewayAssertionCheck({ publicKeyPem: key.publicKeyPem }, 'shop') };
    const refused: number[] = [];
    for (const [index, each] of headers.entries()) {
      const check = index % 2 === 0 ? checks.accounts : checks.shop;
      await check({ assertion: each[GATEWAY_ASSERTION_HEADER], entry: each[GATEWAY_ASSERTION_ENTRY_HEADER] }, request(index)).catch(() => refused.push(index));
    }
    expect(refused).toEqual([]);
  });
});
