import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { HubSubgraphModule } from '@hub/core';
import { createRiskHubModule } from '@hub/risk-hub';
import { importPKCS8, SignJWT } from 'jose';
import { eventually } from '@hub/testkit/eventually';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

const EVENTS = 'subscription { riskAssessmentEvents { id type } }';

/**
 * Development with SUBGRAPH_ALLOW_UNSIGNED: a subscription opened straight on a subgraph ends on
 * token expiry and on revocation with the same code and reasons as through the gateway.
 */
describe('subscriptions opened directly on a subgraph (development, unsigned allowed)', () => {
  let stack: TestStack;
  let owner: TestAccount;
  let signingKeyPem: string;
  const open: Array<SseSubscription<unknown>> = [];

  beforeAll(async () => {
    process.env.SUBGRAPH_ALLOW_UNSIGNED = 'true';
    signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    // Revocations reach every service over the shared Redis denylist, as in production.
    stack = await startTestStack({ hubs: [createRiskHubModule() as unknown as HubSubgraphModule], plattform: { signingKeyPem }, redisUrl: TEST_REDIS_URL });
    owner = await signUpAccount(stack, 'Direct Subscriber Org');
  });
  afterEach(() => {
    for (const subscription of open.splice(0)) subscription.close();
  });
  afterAll(async () => {
    delete process.env.SUBGRAPH_ALLOW_UNSIGNED;
    await stack?.stop();
  });

  async function subscribeDirectly(token: string): Promise<SseSubscription<unknown>> {
    const subscription = await SseSubscription.open<unknown>(stack.subgraphUrls['risk-hub']!, EVENTS, {}, token, { requireOk: true });
    open.push(subscription);
    return subscription;
  }

  function lastReason(subscription: SseSubscription<unknown>): unknown[] {
    const error = subscription.results.at(-1)?.errors?.[0];
    return [error?.extensions?.code, error?.extensions?.reason];
  }

  it('ends with UNAUTHENTICATED / TOKEN_EXPIRED when the token expires', async () => {
    // plattform's key, so the token is genuine; only its lifetime is short.
    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const token = await new SignJWT({ org: owner.orgId, roles: ['owner'], scope: 'risk.assessment.read' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setSubject(owner.userId)
      .setIssuer('urn:hub:plattform')
      .setAudience('urn:hub:graph')
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(await importPKCS8(signingKeyPem, 'ES256'));
    const subscription = await subscribeDirectly(token);
    await eventually(() => subscription.completed, expiresAt * 1000 + 3000 - Date.now(), 'the expired subscription to end');
    expect(lastReason(subscription)).toEqual(['UNAUTHENTICATED', 'TOKEN_EXPIRED']);
  });

  it('ends with UNAUTHENTICATED / TOKEN_REVOKED after logout', async () => {
    const account = await signUpAccount(stack, 'Direct Logout Org');
    const subscription = await subscribeDirectly(account.token);
    const other = await subscribeDirectly(owner.token);
    const logout = await stack.query<{ logout: boolean }>('mutation { logout }', {}, account.token);
    expect(logout.data?.logout).toBe(true);
    const loggedOutAt = Date.now();
    await eventually(() => subscription.completed, 5000, 'the revoked subscription to end');
    expect(lastReason(subscription)).toEqual(['UNAUTHENTICATED', 'TOKEN_REVOKED']);
    console.log(`[direct subscription] ended ${Date.now() - loggedOutAt} ms after logout answered`);
    expect(other.completed).toBe(false);
  });
});
