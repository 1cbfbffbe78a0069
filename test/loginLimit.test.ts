import { request } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLogger, LoginAttemptLimit, sharedTokenBucketLimiter } from '@hub/core';
import { gatewaySignatureHeaders } from '@hub/testkit/gatewaySignature';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
/** Burst 4, then one attempt a second, per client address. */
const PER_ADDRESS = { limit: 4, windowSeconds: 4 };
/** Burst 3, then one attempt a second, per account. */
const PER_ACCOUNT = { limit: 3, windowSeconds: 3 };

interface Answer {
  status: number;
  retryAfterHeader: string | undefined;
  body: GraphQLResponse<{ login: { accessToken: string } | null }>;
}

/** A POST from a chosen loopback source address (127.0.0.0/8), as distinct clients would send it. */
function postFrom(sourceAddress: string, url: string, payload: string, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: sourceAddress, headers: { ...extraHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, retryAfterHeader: res.headers['retry-after'] as string | undefined, body: JSON.parse(text) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function loginPayload(email: string, password: string): string {
  return JSON.stringify({ query: LOGIN, variables: { e: email, p: password } });
}

function login(gatewayUrl: string, from: string, email: string, password: string): Promise<Answer> {
  return postFrom(from, gatewayUrl, loginPayload(email, password));
}

/** Straight at plattform, signed as the gateway signs its calls: plattform's own limit is under test, not the perimeter. */
async function loginAtPlattform(plattformUrl: string, from: string, email: string, password: string): Promise<Answer> {
  const url = `${plattformUrl}/graphql`;
  const payload = loginPayload(email, password);
  return postFrom(from, url, payload, await gatewaySignatureHeaders('plattform', url, payload));
}

const limitedBy = (answer: Answer) =>
  errorCodes(answer.body)[0] === 'RATE_LIMITED' ? String(answer.body.errors?.[0]?.extensions?.reason) : null;
const retryAfterOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.retryAfter as number;

describe('login limit (per client address and per account), Redis-backed', () => {
  let stack: TestStack;
  let flooded: TestAccount;
  let other: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({
      redisUrl: TEST_REDIS_URL,
      plattform: { loginLimits: { perAddress: null, perAccount: PER_ACCOUNT } },
      gatewayConfig: { logins: { limits: { perAddress: PER_ADDRESS, perAccount: PER_ACCOUNT }, mutations: ['login'] } },
    });
    flooded = await signUpAccount(stack);
    other = await signUpAccount(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('through the gateway, per address: one address trying many accounts is refused after its burst, with staggered retryAfter', async () => {
    const source = '127.0.0.11';
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => login(stack.gatewayUrl, source, `nobody-${randomUUID()}@example.test`, 'guess')),
    );
    const refused = answers.filter((answer) => limitedBy(answer) === 'login_address');
    // The burst reaches plattform (wrong credentials); the rest never gets to password hashing.
    expect(answers.filter((answer) => errorCodes(answer.body)[0] === 'UNAUTHENTICATED')).toHaveLength(PER_ADDRESS.limit);
    expect(refused).toHaveLength(8 - PER_ADDRESS.limit);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfterHeader)).toBeGreaterThanOrEqual(1);
      expect(retryAfterOf(answer)).toBeGreaterThan(0);
    }
    // Each refused caller is told a different time: they come back spread out.
    expect(new Set(refused.map(retryAfterOf)).size).toBe(refused.length);

    // Another address is not affected, and a legitimate user signs in from it.
    const elsewhere = await login(stack.gatewayUrl, '127.0.0.12', other.email, other.password);
    expect(elsewhere.body.data?.login?.accessToken).toEqual(expect.any(String));
  });

  it('through the gateway, per account: many addresses trying one account are refused; another user still signs in', async () => {
    const sources = ['127.0.0.21', '127.0.0.22', '127.0.0.23'];
    // Two attempts per address stay under the address limit; six on one account exceed its burst of 3.
    const attempts = sources.flatMap((source) => [source, source]).map((source) => login(stack.gatewayUrl, source, flooded.email, 'wrong password'));
    const legit = login(stack.gatewayUrl, '127.0.0.24', other.email, other.password);
    const answers = await Promise.all(attempts);
    const refused = answers.filter((answer) => limitedBy(answer) === 'login_account');
    expect(refused).toHaveLength(6 - PER_ACCOUNT.limit);
    expect(answers.filter((answer) => errorCodes(answer.body)[0] === 'UNAUTHENTICATED')).toHaveLength(PER_ACCOUNT.limit);
    expect(new Set(refused.map(retryAfterOf)).size).toBe(refused.length);
    for (const answer of refused) expect(answer.status).toBe(429);
    expect((await legit).body.data?.login?.accessToken).toEqual(expect.any(String));
    // The email is the key, not the spelling.
    const shouted = await login(stack.gatewayUrl, '127.0.0.25', `  ${flooded.email.toUpperCase()} `, flooded.password);
    expect(limitedBy(shouted)).toBe('login_account');
  });

  it('through the gateway, aliases and fragments count every attempt', async () => {
    const target = await signUpAccount(stack);
    const document = `mutation($e: String!) {
      a: login(email: $e, password: "x") { accessToken }
      ... on Mutation { b: login(email: $e, password: "x") { accessToken } }
      ...More
    }
    fragment More on Mutation { c: login(email: $e, password: "x") { accessToken } d: login(email: $e, password: "x") { accessToken } }`;
    const answer = await postFrom('127.0.0.31', stack.gatewayUrl, JSON.stringify({ query: document, variables: { e: target.email } }));
    // Four attempts on an account allowing a burst of three: the operation is refused before planning.
    expect(limitedBy(answer)).toBe('login_account');
    expect(answer.body.data ?? null).toBeNull();
  });

  it('straight at plattform, per account: a flood of one account is refused, another user still signs in', async () => {
    const target = await signUpAccount(stack);
    const answers = await Promise.all(
      Array.from({ length: 7 }, () => loginAtPlattform(stack.plattformUrl, '127.0.0.41', target.email, 'wrong password')),
    );
    const refused = answers.filter((answer) => limitedBy(answer) === 'login_account');
    expect(refused).toHaveLength(7 - PER_ACCOUNT.limit);
    expect(new Set(refused.map(retryAfterOf)).size).toBe(refused.length);
    for (const answer of refused) expect(retryAfterOf(answer)).toBeGreaterThan(0);
    expect(JSON.stringify(refused[0]!.body.errors)).not.toContain(target.email);
    // Even the right password waits: the account is being flooded.
    expect(limitedBy(await loginAtPlattform(stack.plattformUrl, '127.0.0.41', target.email, target.password))).toBe('login_account');
    const legit = await loginAtPlattform(stack.plattformUrl, '127.0.0.41', other.email, other.password);
    expect(legit.body.data?.login?.accessToken).toEqual(expect.any(String));
    // Counted in Redis (shared by replicas), keyed by a digest of the email, never the email itself.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const digest = createHash('sha256').update(target.email.toLowerCase()).digest('base64url');
      expect(await redis.exists(`hub:plattform:login:login-account:${digest}`)).toBe(1);
      expect(await redis.keys(`hub:*login*${target.email}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('counts refusals in the gateway metrics, by scope', async () => {
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_login_limited_total\{scope="address"\} [1-9]/);
    expect(metrics).toMatch(/gateway_login_limited_total\{scope="account"\} [1-9]/);
  });
});

describe('login limit while Redis does not answer', () => {
  it('counts in the process instead of letting every attempt through', async () => {
    // Nothing listens on port 1: every Redis call fails at once.
    const limit = new LoginAttemptLimit({
      limiter: sharedTokenBucketLimiter({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'hub:test:login:', logger: createLogger('test') }),
      settings: { perAddress: null, perAccount: { limit: 2, windowSeconds: 60 } },
    });
    try {
      const email = `down-${randomUUID()}@example.test`;
      const outcomes = [];
      for (let i = 0; i < 4; i += 1) outcomes.push((await limit.check({ email }))?.scope ?? 'allowed');
      expect(outcomes).toEqual(['allowed', 'allowed', 'account', 'account']);
    } finally {
      await limit.close();
    }
  });
});
