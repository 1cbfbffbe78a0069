import { GATEWAY_ASSERTION_HEADER } from '@hub/core';
import type { Gateway, SubgraphFetchPlugin } from '../src';
import { fixtureGateway } from '@hub/testkit/gateway/fixtureGateway';
import { createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

const TAG_HEADER = 'x-deployment-tag';

interface SeenCall {
  subgraph: string;
  body: string;
  signed: boolean;
}

/**
 * A deployment adds a step to every subgraph call through GatewayOptions.subgraphFetchPlugins,
 * without editing the gateway: it sees each request that goes out (already signed) and what it
 * adds reaches the subgraph, with our executor and with the stock one alike.
 */
describe('subgraph fetch plugins of a deployment', () => {
  let accounts: FixtureSubgraph;
  let shop: FixtureSubgraph;
  let signer: TestSigner;
  const gateways: Gateway[] = [];

  /** Tags every request with its subgraph and a running number, and records what it saw. */
  function taggingPlugin(seen: SeenCall[]): SubgraphFetchPlugin {
    return {
      name: 'test-tagging',
      forSubgraph: ({ name }, next) => (call) => {
        seen.push({ subgraph: name, body: call.body, signed: typeof call.headers[GATEWAY_ASSERTION_HEADER] === 'string' });
        call.headers[TAG_HEADER] = `${name}-${seen.length}`;
        return next(call);
      },
    };
  }

  async function gatewayWith(executor: 'own' | 'stock', seen: SeenCall[]): Promise<string> {
    const { gateway, url } = await fixtureGateway([accounts, shop], {
      executor,
      verifyToken: signer.verifier,
      subgraphFetchPlugins: [taggingPlugin(seen)],
      loggerName: 'subgraph-fetch-plugins-test',
    });
    gateways.push(gateway);
    return url;
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    accounts = await startFixtureSubgraph('accounts', 'type User @key(fields: "id") { id: ID! name: String }', {
      User: { __resolveReference: (user: { id: string }) => ({ id: user.id, name: `name of ${user.id}` }) },
    });
    shop = await startFixtureSubgraph(
      'shop',
      'type Query { orders: [Order!]! } type Order { id: ID! buyer: User! seller: User! } type User @key(fields: "id", resolvable: false) { id: ID! }',
      {
        Query: {
          orders: () => [
            { id: 'o1', buyer: { id: 'u1' }, seller: { id: 'u2' } },
            { id: 'o2', buyer: { id: 'u3' }, seller: { id: 'u1' } },
          ],
        },
      },
    );
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await accounts.stop();
    await shop.stop();
  });

  it.each(['own', 'stock'] as const)('sees every subgraph call and adds a header the subgraph receives (%s executor)', async (executor) => {
    const seen: SeenCall[] = [];
    const url = await gatewayWith(executor, seen);
    const token = { authorization: `Bearer ${await signer.token()}` };
    const before = { accounts: accounts.requests.length, shop: shop.requests.length };

    const answer = await post(url, { query: '{ orders { id buyer { name } seller { name } } }' }, token);

    expect(answer.body).toEqual({
      data: {
        orders: [
          { id: 'o1', buyer: { name: 'name of u1' }, seller: { name: 'name of u2' } },
          { id: 'o2', buyer: { name: 'name of u3' }, seller: { name: 'name of u1' } },
        ],
      },
    });
    const received = [
      ...shop.requests.slice(before.shop).map((request) => ({ subgraph: 'shop', ...request })),
      ...accounts.requests.slice(before.accounts).map((request) => ({ subgraph: 'accounts', ...request })),
    ];
    // Both subgraphs were called, and the plugin saw exactly the requests they received.
    expect(new Set(received.map((request) => request.subgraph))).toEqual(new Set(['shop', 'accounts']));
    expect(seen.map(({ subgraph, body }) => ({ subgraph, body })).sort(byTag)).toEqual(received.map(({ subgraph, body }) => ({ subgraph, body })).sort(byTag));
    // Each request carries the tag the plugin gave it, and the plugin saw it already signed.
    expect(received.map((request) => request.headers.get(TAG_HEADER)).sort()).toEqual(seen.map((call, index) => `${call.subgraph}-${index + 1}`).sort());
    expect(seen.every((call) => call.signed)).toBe(true);
  });
});

function byTag(left: { subgraph: string; body: string }, right: { subgraph: string; body: string }): number {
  return `${left.subgraph}\n${left.body}`.localeCompare(`${right.subgraph}\n${right.body}`);
}
