import { errorCodes } from '@hub/testkit/graphqlClient';
import { eventually } from '@hub/testkit/eventually';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestStack } from '@hub/testkit/testStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

const REFRESH = 'mutation($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken } }';
const ME = '{ me { user { id } } }';
const GRACE_SECONDS = 2;
const BROWSER = { 'user-agent': 'Mozilla/5.0 (test browser)' };
const ELSEWHERE = { 'user-agent': 'curl/8.5.0' };

interface Pair {
  accessToken: string;
  refreshToken: string;
}

describe('refresh reuse grace: parallel retries by one client keep the session, other reuse revokes it', () => {
  let stack: TestStack;
  let endpoints: Record<'gateway' | 'plattform', string>;

  beforeAll(async () => {
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL, plattform: { refreshReuseGraceSeconds: GRACE_SECONDS } });
    endpoints = { gateway: stack.gatewayUrl, plattform: `${stack.plattformUrl}/graphql` };
  });
  afterAll(() => stack.stop());

  const refresh = (url: string, token: string, client: Record<string, string>) =>
    postGraphQLSigningSubgraphs<{ refreshToken: Pair }>(url, REFRESH, { token }, undefined, client);

  async function expectSessionRevoked(url: string, pair: Pair): Promise<void> {
    expect(errorCodes(await refresh(url, pair.refreshToken, BROWSER))).toEqual(['UNAUTHENTICATED']);
    await eventually(async () => errorCodes(await stack.query(ME, {}, pair.accessToken)).includes('UNAUTHENTICATED'), 3000, 'the access token to be refused');
  }

  for (const via of ['gateway', 'plattform'] as const) {
    it(`three parallel refreshes with one token from one client all get the same new pair, which works (${via})`, async () => {
      const account = await signUpAccount(stack);
      const answers = await Promise.all([1, 2, 3].map(() => refresh(endpoints[via], account.refreshToken, BROWSER)));
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      const pairs = answers.map((answer) => answer.data!.refreshToken);
      expect(new Set(pairs.map((pair) => pair.refreshToken)).size).toBe(1);
      expect(new Set(pairs.map((pair) => pair.accessToken)).size).toBe(1);
      const pair = pairs[0]!;
      expect((await stack.query(ME, {}, pair.accessToken)).errors).toBeUndefined();
      // The session lives on: the new refresh token rotates normally.
      const next = await refresh(endpoints[via], pair.refreshToken, BROWSER);
      expect(next.errors).toBeUndefined();
      expect((await stack.query(ME, {}, next.data!.refreshToken.accessToken)).errors).toBeUndefined();
    });

    it(`a spent refresh token presented by another client, even within the grace, revokes the session (${via})`, async () => {
      const account = await signUpAccount(stack);
      const pair = (await refresh(endpoints[via], account.refreshToken, BROWSER)).data!.refreshToken;
      const replay = await refresh(endpoints[via], account.refreshToken, ELSEWHERE);
      expect(errorCodes(replay)).toEqual(['UNAUTHENTICATED']);
      expect(replay.errors?.[0]?.message).toContain('revoked');
      await expectSessionRevoked(endpoints[via], pair);
    });
  }

  it('the same client presenting a spent refresh token after the grace revokes the session', async () => {
    const account = await signUpAccount(stack);
    const spentAt = Date.now();
    const pair = (await refresh(stack.gatewayUrl, account.refreshToken, BROWSER)).data!.refreshToken;
    await eventually(() => Date.now() - spentAt > GRACE_SECONDS * 1000 + 250, GRACE_SECONDS * 1000 + 2000, 'the grace to pass');
    const late = await refresh(stack.gatewayUrl, account.refreshToken, BROWSER);
    expect(errorCodes(late)).toEqual(['UNAUTHENTICATED']);
    expect(late.errors?.[0]?.message).toContain('revoked');
    await expectSessionRevoked(stack.gatewayUrl, pair);
  });
});
