import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

const TYPE_DEFS = /* GraphQL */ `
  type Query {
    publicNote: String
    profile: Profile @authenticated
    secret: String @requiresScopes(scopes: [["secrets.read"]])
    report: Report
  }
  type Profile { name: String }
  type Report @requiresScopes(scopes: [["reports.read", "reports.export"], ["admin"]]) { title: String }
`;

describe('@authenticated and @requiresScopes are enforced by the gateway', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('notes', TYPE_DEFS, {
      Query: {
        publicNote: () => 'hello',
        profile: () => ({ name: 'Ada' }),
        secret: () => 'the secret',
        report: () => ({ title: 'Q3' }),
      },
    });
    const supergraphSdl = composeFixtures([subgraph]);
    expect(supergraphSdl).toContain('@requiresScopes');
    gateway = await createGateway({
      config: gatewayConfigFrom([]),
      supergraphSdl,
      verifyToken: signer.verifier,
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('serves unguarded fields to anonymous callers', async () => {
    const { body } = await post(url, { query: '{ publicNote }' });
    expect(body).toEqual({ data: { publicNote: 'hello' } });
  });

  it('refuses an @authenticated field to anonymous callers without calling the subgraph', async () => {
    const before = subgraph.requests.length;
    const { body } = await post(url, { query: '{ publicNote profile { name } }' });
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', coordinates: ['Query.profile'] });
    expect(subgraph.requests.length).toBe(before);
  });

  it('serves an @authenticated field to any verified caller', async () => {
    const { body } = await post(url, { query: '{ profile { name } }' }, bearer(await signer.token()));
    expect(body).toEqual({ data: { profile: { name: 'Ada' } } });
  });

  it('refuses a @requiresScopes field without the scope, before any subgraph call', async () => {
    const before = subgraph.requests.length;
    const { body } = await post(url, { query: '{ secret }' }, bearer(await signer.token({ scopes: ['other.scope'] })));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', coordinates: ['Query.secret'] });
    expect(subgraph.requests.length).toBe(before);
  });

  it('serves a @requiresScopes field with the scope', async () => {
    const { body } = await post(url, { query: '{ secret }' }, bearer(await signer.token({ scopes: ['secrets.read'] })));
    expect(body).toEqual({ data: { secret: 'the secret' } });
  });

  it('a type-level @requiresScopes needs one complete alternative (AND within, OR across)', async () => {
    const query = { query: '{ report { title } }' };
    const partial = await post(url, query, bearer(await signer.token({ scopes: ['reports.read'] })));
    expect(partial.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', coordinates: ['Report'] });
    const both = await post(url, query, bearer(await signer.token({ scopes: ['reports.read', 'reports.export'] })));
    expect(both.body).toEqual({ data: { report: { title: 'Q3' } } });
    const admin = await post(url, query, bearer(await signer.token({ scopes: ['admin'] })));
    expect(admin.body).toEqual({ data: { report: { title: 'Q3' } } });
  });

  it('a guarded field hidden in a fragment is found too', async () => {
    const { body } = await post(url, { query: 'query Q { ...F } fragment F on Query { secret }' });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('forwards the caller’s token and request id to the subgraph', async () => {
    const token = await signer.token({ scopes: ['secrets.read'] });
    await post(url, { query: '{ secret }' }, { ...bearer(token), 'x-request-id': 'req-forwarded-1' });
    const last = subgraph.requests.at(-1)!;
    expect(last.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(last.headers.get('x-request-id')).toBe('req-forwarded-1');
  });
});
