import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { databaseSettings, denylistKey } from '@hub/core';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { addMemberAndLogin, joinByInvitation, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken organization { id } } }
`;
const ME = 'query { me { user { id } organization { id } } }';
/** A client other than the test's own (whose User-Agent is Node's fetch). */
const OTHER_CLIENT = { 'user-agent': 'replay-tool/1.0' };

interface RefreshData {
  refreshToken: { accessToken: string; refreshToken: string; organization: { id: string } };
}

function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
  return payload.jti;
}

describe('sessions: refresh rotation, reuse detection, logout, revocation', () => {
  let stack: TestStack;
  let redis: Redis;
  /** plattform's own GraphQL endpoint: it checks the shared denylist like every subgraph. */
  let plattform: (query: string, variables?: Record<string, unknown>, token?: string) => ReturnType<typeof postGraphQLSigningSubgraphs>;

  beforeAll(async () => {
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL });
    redis = new Redis(TEST_REDIS_URL);
    plattform = (query, variables, token) => postGraphQLSigningSubgraphs(`${stack.plattformUrl}/graphql`, query, variables, token);
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.stop();
  });

  it('a refresh token rotates: the new pair works, the spent token cannot be used twice', async () => {
    const account = await signUpAccount(stack);
    const first = await stack.query<RefreshData>(REFRESH, { token: account.refreshToken });
    expect(first.errors).toBeUndefined();
    const rotated = first.data!.refreshToken;
    expect(rotated.refreshToken).not.toBe(account.refreshToken);
    expect(rotated.organization.id).toBe(account.orgId);
    const me = await stack.query<{ me: { user: { id: string } } }>(ME, {}, rotated.accessToken);
    expect(me.data?.me.user.id).toBe(account.userId);

    // Presented again by another client: not a retry (see refreshReuseGrace.test.ts).
    const again = await postGraphQLSigningSubgraphs(stack.gatewayUrl, REFRESH, { token: account.refreshToken }, undefined, OTHER_CLIENT);
    expect(errorCodes(again)).toEqual(['UNAUTHENTICATED']);
  });

  it('reusing a spent refresh token revokes the whole family, including live access tokens', async () => {
    const account = await signUpAccount(stack);
    const rotated = (await stack.query<RefreshData>(REFRESH, { token: account.refreshToken })).data!.refreshToken;
    // An attacker replays the stolen, already spent token from their own machine.
    const replay = await postGraphQLSigningSubgraphs(stack.gatewayUrl, REFRESH, { token: account.refreshToken }, undefined, OTHER_CLIENT);
    expect(errorCodes(replay)).toEqual(['UNAUTHENTICATED']);
    expect(replay.errors?.[0]?.message).toContain('revoked');

    // The legitimate holder's newer refresh token is dead too...
    expect(errorCodes(await stack.query(REFRESH, { token: rotated.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    // ...and both access tokens of the family are on the shared denylist and refused.
    for (const token of [account.token, rotated.accessToken]) {
      expect(await redis.exists(denylistKey(jtiOf(token)))).toBe(1);
      expect(errorCodes(await plattform(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('logout revokes the access token at once and ends the refresh chain', async () => {
    const account = await signUpAccount(stack);
    const before = await plattform(ME, {}, account.token);
    expect(before.errors).toBeUndefined();
    const logout = await stack.query<{ logout: boolean }>('mutation { logout }', {}, account.token);
    expect(logout.data?.logout).toBe(true);
    const ttl = await redis.ttl(denylistKey(jtiOf(account.token)));
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3630);
    const after = await plattform(ME, {}, account.token);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
    expect(after.errors?.[0]?.message).toBe('Access token has been revoked');
    expect(errorCodes(await stack.query(REFRESH, { token: account.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  it('an admin revokes a member token by jti; another tenant cannot revoke it', async () => {
    const owner = await signUpAccount(stack);
    const stranger = await signUpAccount(stack);
    const jti = jtiOf(owner.token);
    const foreign = await stack.query('mutation($id: ID!) { revokeToken(tokenId: $id, reason: "test") }', { id: jti }, stranger.token);
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);
    expect((await plattform(ME, {}, owner.token)).errors).toBeUndefined();

    // A second session of the same owner revokes the first one.
    const second = (await stack.query<RefreshData>(REFRESH, { token: owner.refreshToken })).data!.refreshToken;
    const freshLogin = await stack.query<{ login: { accessToken: string } }>(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      { e: owner.email, p: owner.password },
    );
    const adminToken = freshLogin.data!.login.accessToken;
    const revoke = await stack.query('mutation($id: ID!) { revokeToken(tokenId: $id, reason: "lost laptop") }', { id: jtiOf(second.accessToken) }, adminToken);
    expect(revoke.errors).toBeUndefined();
    expect(errorCodes(await plattform(ME, {}, second.accessToken))).toEqual(['UNAUTHENTICATED']);
    // The session's refresh token is revoked with it; the admin's own session is untouched.
    expect(errorCodes(await stack.query(REFRESH, { token: second.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    expect((await plattform(ME, {}, adminToken)).errors).toBeUndefined();
  });

  it("an admin cannot revoke an owner's tokens (gateway and plattform); an owner can, and an admin revokes a member's", async () => {
    const REVOKE = 'mutation($id: ID!) { revokeToken(tokenId: $id, reason: "takeover") }';
    const owner = await signUpAccount(stack);
    const admin = await addMemberAndLogin(stack, owner, 'ADMIN');
    const member = await addMemberAndLogin(stack, owner, 'MEMBER');
    for (const send of [stack.query, plattform]) {
      const refused = await send(REVOKE, { id: jtiOf(owner.token) }, admin);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0]?.message).toBe("Only an owner can revoke an owner's tokens");
    }
    // Nothing was revoked: the owner's token and session live on.
    expect((await plattform(ME, {}, owner.token)).errors).toBeUndefined();
    expect(await redis.exists(denylistKey(jtiOf(owner.token)))).toBe(0);
    const rotated = await stack.query<RefreshData>(REFRESH, { token: owner.refreshToken });
    expect(rotated.errors).toBeUndefined();

    // Whom an admin may manage, they may cut off.
    expect((await stack.query(REVOKE, { id: jtiOf(member) }, admin)).errors).toBeUndefined();
    expect(errorCodes(await plattform(ME, {}, member))).toEqual(['UNAUTHENTICATED']);
    // Another owner may revoke an owner's token.
    const coOwner = await addMemberAndLogin(stack, owner, 'OWNER');
    expect((await stack.query(REVOKE, { id: jtiOf(rotated.data!.refreshToken.accessToken) }, coOwner)).errors).toBeUndefined();
    expect(errorCodes(await plattform(ME, {}, rotated.data!.refreshToken.accessToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('revokeToken needs plattform.token.revoke', async () => {
    const account: TestAccount = await signUpAccount(stack);
    const member = await addMemberAndLogin(stack, account, 'MEMBER');
    const response = await stack.query('mutation($id: ID!) { revokeToken(tokenId: $id, reason: "x") }', { id: randomUUID() }, member);
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  });

  it('revocations recorded in PostgreSQL are re-published when Redis lost them', async () => {
    const account = await signUpAccount(stack);
    await stack.query('mutation { logout }', {}, account.token);
    await redis.del(denylistKey(jtiOf(account.token)));
    expect(await stack.plattform.services.sessions.syncDenylist()).toBeGreaterThanOrEqual(1);
    expect(await redis.exists(denylistKey(jtiOf(account.token)))).toBe(1);
  });

  it('switchOrganization issues a token for another membership, and refuses a foreign organization', async () => {
    const home = await signUpAccount(stack);
    const other = await signUpAccount(stack);
    // The other organization's owner invites our user as a viewer, who accepts.
    await joinByInvitation(stack, other.token, home, 'VIEWER');
    const switched = await stack.query<{ switchOrganization: { accessToken: string; organization: { id: string } } }>(
      'mutation($org: ID!) { switchOrganization(organizationId: $org) { accessToken organization { id } } }',
      { org: other.orgId },
      home.token,
    );
    expect(switched.data?.switchOrganization.organization.id).toBe(other.orgId);
    const me = await stack.query<{ me: { organization: { id: string } }; }>(
      'query { me { organization { id } roles } }',
      {},
      switched.data!.switchOrganization.accessToken,
    );
    expect(me.data?.me.organization.id).toBe(other.orgId);

    // An organization still provisioning (or failed) gets no tokens, by switch or by login.
    const admin = new Client({ connectionString: databaseSettings('plattform').adminUrl });
    await admin.connect();
    try {
      await admin.query(`UPDATE plattform.organizations SET status = 'PENDING' WHERE id = $1`, [other.orgId]);
      const pending = await stack.query(
        'mutation($org: ID!) { switchOrganization(organizationId: $org) { accessToken } }',
        { org: other.orgId },
        home.token,
      );
      expect(errorCodes(pending)).toEqual(['CONFLICT']);
      const login = await stack.query<{ login: { organization: { id: string } } }>(
        'mutation($e: String!, $p: String!, $o: ID) { login(email: $e, password: $p, organizationId: $o) { organization { id } } }',
        { e: home.email, p: home.password, o: other.orgId },
      );
      expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await admin.query(`UPDATE plattform.organizations SET status = 'COMMITTED' WHERE id = $1`, [other.orgId]);
      await admin.end();
    }

    const stranger = await signUpAccount(stack);
    const refused = await stack.query(
      'mutation($org: ID!) { switchOrganization(organizationId: $org) { accessToken } }',
      { org: stranger.orgId },
      home.token,
    );
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
  });
});
