import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { DEFAULT_SCRYPT_COST } from '../src/identity/passwordHasher';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const FLOOD = 12;

/** What each answer was: a token, or the error code (and reason) it carried. */
function outcomes(answers: Array<GraphQLResponse<{ login: { accessToken: string } | null }>>): string[] {
  return answers.map((answer) =>
    answer.data?.login?.accessToken ? 'token' : `${errorCodes(answer).join(',')}:${String(answer.errors?.[0]?.extensions?.reason)}`,
  );
}

describe('password hashing is bounded (a login flood cannot take all of plattform)', () => {
  let stack: TestStack;
  let account: TestAccount;

  beforeAll(async () => {
    // One hash at a time, two waiting, each at production cost: the flood overruns the bound by far.
    stack = await startTestStack({ plattform: { passwordHashing: { concurrency: 1, queue: 2, maxWaitMs: 10_000 }, passwordHashCost: DEFAULT_SCRYPT_COST } });
    account = await signUpAccount(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('straight at plattform: logins over the bound get UNAVAILABLE with retryAfter, the rest a token', async () => {
    const answers = await Promise.all(
      Array.from({ length: FLOOD }, () => stack.plattformQuery<{ login: { accessToken: string } | null }>(LOGIN, { e: account.email, p: account.password })),
    );
    const seen = outcomes(answers);
    expect(new Set(seen)).toEqual(new Set(['token', 'UNAVAILABLE:PASSWORD_HASHING_BUSY']));
    const busy = answers.find((answer) => errorCodes(answer)[0] === 'UNAVAILABLE')!;
    expect(busy.errors?.[0]?.extensions?.retryAfter).toBe(1);
    expect(JSON.stringify(busy.errors)).not.toContain(account.email);
  });

  it('through the gateway: the refusal reaches the caller as UNAVAILABLE and is not a subgraph failure', async () => {
    const answers = await Promise.all(
      Array.from({ length: FLOOD }, () => stack.query<{ login: { accessToken: string } | null }>(LOGIN, { e: account.email, p: account.password })),
    );
    expect(new Set(outcomes(answers))).toEqual(new Set(['token', 'UNAVAILABLE:PASSWORD_HASHING_BUSY']));
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_subgraph_circuit_state\{subgraph="plattform"\} 0/);
    expect(metrics).not.toMatch(/gateway_subgraph_errors_total\{subgraph="plattform"/);
    // Other requests to plattform are still answered.
    const me = await stack.query<{ me: { user: { id: string } } }>('{ me { user { id } } }', {}, account.token);
    expect(me.data?.me.user.id).toBe(account.userId);
  });
});
