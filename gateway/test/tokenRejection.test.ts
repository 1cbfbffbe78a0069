import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { base64url, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { loadSigningKeys, type SigningKeys } from '@hub/plattform';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { eventually } from '@hub/testkit/eventually';
import { createLogger, createTokenDenylist } from '@hub/core';
import { TEST_DATA_DIR, TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { gatewaySignatureHeaders } from '@hub/testkit/gatewaySignature';

const ME = '{ me { user { id } } }';
const ISSUER = 'urn:hub:plattform';
const AUDIENCE = 'urn:hub:graph';

describe('the gateway refuses unacceptable tokens with UNAUTHENTICATED', () => {
  let stack: TestStack;
  let account: TestAccount;
  let keys: SigningKeys;

  beforeAll(async () => {
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL });
    account = await signUpAccount(stack);
    // The same development key plattform signs with (generated under DATA_DIR).
    keys = await loadSigningKeys({ devKeyFile: resolve(TEST_DATA_DIR, 'keys', 'plattform-signing-key.json') });
  });
  afterAll(() => stack.stop());

  function claims() {
    return { org: account.orgId, roles: ['owner'], scope: 'plattform.member.read' };
  }

  async function sign(
    key: KeyLike,
    options: { kid?: string; audience?: string; issuer?: string; expiresAt?: number; jti?: string; payload?: Record<string, unknown> } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(options.payload ?? claims())
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? keys.kid })
      .setSubject(account.userId)
      .setJti(options.jti ?? randomUUID())
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt(now - 7200)
      .setExpirationTime(options.expiresAt ?? now + 600)
      .sign(key);
  }

  async function expectRefused(token: string) {
    const response = await stack.query(ME, {}, token);
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data ?? null).toBeNull();
  }

  it('accepts a correctly signed token (the control case)', async () => {
    const response = await stack.query<{ me: { user: { id: string } } }>(ME, {}, await sign(keys.privateKey));
    expect(response.errors).toBeUndefined();
    expect(response.data?.me.user.id).toBe(account.userId);
  });

  it('refuses an expired token (beyond the 30 s skew)', async () => {
    await expectRefused(await sign(keys.privateKey, { expiresAt: Math.floor(Date.now() / 1000) - 120 }));
  });

  it('refuses a token signed by another key that claims our kid', async () => {
    const { privateKey: forger } = await generateKeyPair('ES256');
    await expectRefused(await sign(forger, { kid: keys.kid }));
  });

  it('refuses alg none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url.encode(
      JSON.stringify({ ...claims(), sub: account.userId, jti: randomUUID(), iss: ISSUER, aud: AUDIENCE, exp: now + 600 }),
    );
    await expectRefused(`${header}.${payload}.`);
  });

  it('refuses an HMAC token keyed with the public key', async () => {
    const publicJwk = keys.jwks.keys[0]!;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: keys.kid })
      .setSubject(account.userId)
      .setJti(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('10m')
      .sign(secret);
    await expectRefused(token);
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(await sign(keys.privateKey, { audience: 'urn:some:other-api' }));
  });

  it('accepts a token expired within the 30 s skew, refuses one from another issuer', async () => {
    const justExpired = await sign(keys.privateKey, { expiresAt: Math.floor(Date.now() / 1000) - 5 });
    expect((await stack.query(ME, {}, justExpired)).errors).toBeUndefined();
    await expectRefused(await sign(keys.privateKey, { issuer: 'urn:someone:else' }));
  });

  it('refuses a revoked jti (denylist in Redis, written by another process)', async () => {
    const jti = randomUUID();
    const token = await sign(keys.privateKey, { jti });
    expect((await stack.query(ME, {}, token)).errors).toBeUndefined();
    // As plattform does on logout/revokeToken: a separate client writes hub:revoked-jti:<jti>.
    const writer = createTokenDenylist({ redisUrl: TEST_REDIS_URL, logger: createLogger('test') });
    try {
      await writer.revoke(jti, Math.floor(Date.now() / 1000) + 600);
    } finally {
      await writer.close();
    }
    // The gateway may reuse a "not revoked" answer for at most its cache time (2 s): refused within
    // that (stretched on a busy machine), and then for good.
    await eventually(async () => (await stack.query(ME, {}, token)).status === 401, 2100, 'the revoked token refused');
    await expectRefused(token);
  });

  it('refuses a service account token that does not name the account’s creator (no person would answer for it)', async () => {
    const machine = { org: account.orgId, roles: ['service_account'], scope: 'plattform.member.read' };
    await expectRefused(await sign(keys.privateKey, { payload: machine }));
    await expectRefused(await sign(keys.privateKey, { payload: { ...machine, creator: 'someone' } }));
  });

  it('refuses a token with an unknown kid', async () => {
    await expectRefused(await sign(keys.privateKey, { kid: 'not-a-published-key' }));
  });

  it('refuses a garbage string and a non-bearer header', async () => {
    await expectRefused('this-is-not-a-jwt');
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: ME }),
    });
    expect(response.status).toBe(401);
  });

  it('the subgraph verifies again: a forged token sent straight to plattform is refused', async () => {
    const { privateKey: forger } = await generateKeyPair('ES256');
    const url = `${stack.plattformUrl}/graphql`;
    const payload = JSON.stringify({ query: ME });
    const response = await fetch(url, {
      method: 'POST',
      // Signed as the gateway signs: the token check behind the perimeter is what is tested.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(forger)}`, ...(await gatewaySignatureHeaders('plattform', url, payload)) },
      body: payload,
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});
