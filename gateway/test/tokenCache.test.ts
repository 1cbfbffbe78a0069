import { randomUUID } from 'node:crypto';
import { createLogger, createTokenDenylist, createTokenVerifier, type TokenDenylist, type TokenVerifier } from '@hub/core';
import { createLocalJWKSet } from 'jose';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { eventually } from '@hub/testkit/eventually';
import {
  composeFixtures,
  createTestSigner,
  post,
  startFixtureSubgraph,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type FixtureSubgraph,
  type TestSigner,
} from '@hub/testkit/gateway/fixtureSubgraphs';

describe('verified token cache', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  let signer: TestSigner;
  let denylist: TokenDenylist;
  let signatureChecks = 0;

  beforeAll(async () => {
    signer = await createTestSigner();
    // No clock skew allowance, so an expired token is refused as soon as its exp has passed.
    const strict = createTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      keys: createLocalJWKSet({ keys: [{ kty: 'EC', ...signer.publicJwk }] }),
      clockToleranceSeconds: 0,
    });
    const counting: TokenVerifier = (token) => {
      signatureChecks += 1;
      return strict(token);
    };
    denylist = createTokenDenylist({ logger: createLogger('test') });
    subgraph = await startFixtureSubgraph('echo', 'type Query { fast: String }', { Query: { fast: () => 'fast' } });
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), rateLimit: { limit: 0, windowSeconds: 60 } },
      supergraphSdl: composeFixtures([subgraph]),
      verifyToken: counting,
      denylist,
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  it('checks the signature of a reused token once', async () => {
    const headers = { authorization: `Bearer ${await signer.token()}` };
    const before = signatureChecks;
    for (let i = 0; i < 5; i += 1) expect((await post(url, { query: '{ fast }' }, headers)).body).toEqual({ data: { fast: 'fast' } });
    expect(signatureChecks - before).toBe(1);
  });

  it('refuses a revoked token although its claims are cached', async () => {
    const jti = randomUUID();
    const headers = { authorization: `Bearer ${await signer.token({ jti })}` };
    expect((await post(url, { query: '{ fast }' }, headers)).body).toEqual({ data: { fast: 'fast' } });
    await denylist.revoke(jti, Math.floor(Date.now() / 1000) + 600);
    const refused = await post(url, { query: '{ fast }' }, headers);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]).toMatchObject({ message: 'Access token has been revoked', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an expired token although its claims are cached', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const headers = { authorization: `Bearer ${await signer.token({ expiresAt })}` };
    expect((await post(url, { query: '{ fast }' }, headers)).body).toEqual({ data: { fast: 'fast' } });
    await eventually(() => Date.now() >= expiresAt * 1000, 5000, 'the token to expire');
    const refused = await post(url, { query: '{ fast }' }, headers);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]).toMatchObject({ message: 'Access token has expired', extensions: { code: 'UNAUTHENTICATED' } });
  });
});
