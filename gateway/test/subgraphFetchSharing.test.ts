import { randomUUID } from 'node:crypto';
import { gatewayConfigFrom, type Gateway } from '../src';
import { fixtureGateway } from '@hub/testkit/gateway/fixtureGateway';
import { createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

/**
 * How long the subgraph holds `held` in flight: all three operations must reach the gateway while
 * the first fetch is still out, the overlap sharing is about. A shape of the scenario, not a wait.
 */
const HELD_MS = 400;

/**
 * Fewer subgraph requests, never across identities: identical query fetches in flight for the
 * same forwarded token share one request (within and across operations); other tokens get their
 * own; fetches of one plan to the same subgraph starting together go out as one request; the
 * stock executor (GATEWAY_EXECUTOR=stock) stays selectable and answers the same.
 */
describe('subgraph requests of the own executor', () => {
  let accounts: FixtureSubgraph;
  let shop: FixtureSubgraph;
  let signer: TestSigner;
  const gateways: Gateway[] = [];

  const accountResolvers = {
    Query: {
      held: async () => {
        await new Promise((resolve) => setTimeout(resolve, HELD_MS));
        return 'held';
      },
    },
    User: {
      __resolveReference: (user: { id: string }) => ({ id: user.id, name: `name of ${user.id}` }),
    },
  };
  const shopResolvers = {
    Query: {
      orders: () => [
        { id: 'o1', buyer: { id: 'u1' }, seller: { id: 'u2' } },
        { id: 'o2', buyer: { id: 'u1' }, seller: { id: 'u1' } },
      ],
    },
  };

  async function gatewayWith(executor: 'own' | 'stock'): Promise<string> {
    const { gateway, url } = await fixtureGateway([accounts, shop], { executor, verifyToken: signer.verifier, loggerName: 'subgraph-fetch-sharing-test' });
    gateways.push(gateway);
    return url;
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    accounts = await startFixtureSubgraph('accounts', 'type Query { held: String } type User @key(fields: "id") { id: ID! name: String }', accountResolvers);
    shop = await startFixtureSubgraph(
      'shop',
      'type Query { orders: [Order!]! } type Order { id: ID! buyer: User! seller: User! } type User @key(fields: "id", resolvable: false) { id: ID! }',
      shopResolvers,
    );
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await accounts.stop();
    await shop.stop();
  });

  it('shares identical in-flight fetches of one identity, never across identities', async () => {
    const url = await gatewayWith('own');
    const orgId = randomUUID();
    const alice = { authorization: `Bearer ${await signer.token({ orgId })}` };
    const bob = { authorization: `Bearer ${await signer.token({ orgId })}` };
    const before = accounts.requests.length;
    const answers = await Promise.all([post(url, { query: '{ held }' }, alice), post(url, { query: '{ held }' }, alice), post(url, { query: '{ held }' }, bob)]);
    for (const answer of answers) expect(answer.body).toEqual({ data: { held: 'held' } });
    const calls = accounts.requests.slice(before);
    // Alice's two operations went out once, Bob's separately, each with its own token.
    expect(calls.map((call) => call.headers.get('authorization')).sort()).toEqual([alice.authorization, bob.authorization].sort());
  });

  it('sends duplicate representations once and merges entity fetches of one subgraph that start together', async () => {
    const url = await gatewayWith('own');
    const token = { authorization: `Bearer ${await signer.token()}` };
    const before = accounts.requests.length;
    const query = '{ orders { id buyer { name } seller { name } } }';
    const answer = await post(url, { query }, token);
    expect(answer.body).toEqual({
      data: {
        orders: [
          { id: 'o1', buyer: { name: 'name of u1' }, seller: { name: 'name of u2' } },
          { id: 'o2', buyer: { name: 'name of u1' }, seller: { name: 'name of u1' } },
        ],
      },
    });
    const calls = accounts.requests.slice(before).map((call) => JSON.parse(call.body) as { variables: Record<string, Array<{ id: string }>> });
    expect(calls).toHaveLength(1);
    const representations = Object.values(calls[0]!.variables).map((list) => list.map((user) => user.id));
    if (gatewayConfigFrom([]).planner === 'hive') {
      // Hive's planner fetches buyer and seller as one BatchFetch alias at two paths: one fetch, u1 asked once.
      expect(representations.map((ids) => [...ids].sort())).toEqual([['u1', 'u2']]);
    } else {
      // buyer and seller are two plan fetches to accounts started together: one request; u1 asked once per fetch.
      expect(representations.sort()).toEqual([['u1'], ['u2', 'u1']].sort());
    }

    const stockUrl = await gatewayWith('stock');
    const stockBefore = accounts.requests.length;
    expect((await post(stockUrl, { query }, token)).body).toEqual(answer.body);
    // Stock sends each fetch separately, with every representation.
    expect(accounts.requests.length - stockBefore).toBe(2);
  });
});
