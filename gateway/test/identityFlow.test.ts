import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestStack } from '@hub/testkit/testStack';

const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { accessToken tokenType expiresIn user { id email } organization { id } }
  }
`;
const ME = /* GraphQL */ `
  query Me {
    me { user { id email displayName membership { role } } organization { id name slug } roles scopes }
  }
`;

interface LoginData {
  login: { accessToken: string; tokenType: string; expiresIn: number; user: { id: string; email: string }; organization: { id: string } };
}
interface MeData {
  me: {
    user: { id: string; email: string; displayName: string; membership: { role: string } };
    organization: { id: string; name: string; slug: string };
    roles: string[];
    scopes: string[];
  } | null;
}

describe('identity through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  it('signUp → login → me returns the user and the organization', async () => {
    const account = await signUpAccount(stack, 'Identity Flow GmbH');
    const login = await stack.query<LoginData>(LOGIN, { email: account.email.toUpperCase(), password: account.password });
    expect(login.errors).toBeUndefined();
    expect(login.data?.login).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 3600,
      user: { id: account.userId, email: account.email },
      organization: { id: account.orgId },
    });

    const me = await stack.query<MeData>(ME, {}, login.data!.login.accessToken);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({
      user: { id: account.userId, email: account.email, displayName: 'Test User', membership: { role: 'OWNER' } },
      organization: { id: account.orgId, name: 'Identity Flow GmbH', slug: expect.stringMatching(/^identity-flow-gmbh/) },
      roles: ['OWNER'],
    });
    expect(me.data?.me?.scopes).toContain('plattform.organization.manage');
  });

  it('anonymous callers get no identity, not an error', async () => {
    const me = await stack.query<MeData>(ME);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toBeNull();
  });

  it('a wrong password and an unknown email give the same UNAUTHENTICATED answer', async () => {
    const account = await signUpAccount(stack);
    const wrongPassword = await stack.query(LOGIN, { email: account.email, password: 'not the password at all' });
    const unknownEmail = await stack.query(LOGIN, { email: `nobody-${account.email}`, password: account.password });
    expect(errorCodes(wrongPassword)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(unknownEmail)).toEqual(['UNAUTHENTICATED']);
    expect(wrongPassword.errors?.[0]?.message).toBe(unknownEmail.errors?.[0]?.message);
    expect(wrongPassword.data).toBeNull();
  });

  it('signing up twice with one email is a CONFLICT, and bad input is BAD_USER_INPUT', async () => {
    const account = await signUpAccount(stack);
    const again = await stack.query(
      'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
      { input: { email: account.email, password: 'another long password', displayName: 'X', organizationName: 'Y' } },
    );
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    const shortPassword = await stack.query(
      'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
      { input: { email: 'short@example.test', password: 'short', displayName: 'X', organizationName: 'Y' } },
    );
    expect(errorCodes(shortPassword)).toEqual(['BAD_USER_INPUT']);
    expect(shortPassword.errors?.[0]?.extensions?.field).toBe('password');
  });

  it('a malformed JSON body is an HTTP 400 with a clear message', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ me { user { id } } }"',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0]?.message).toMatch(/JSON/i);
  });

  it('an unknown field is a validation error that names the field', async () => {
    const response = await stack.query('{ me { user { id favouriteColour } } }');
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.errors?.[0]?.message).toContain('favouriteColour');
  });

  it('every response carries a request id, and a caller-provided one is kept', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-123' },
      body: JSON.stringify({ query: '{ me { scopes } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
  });

  it('health and readiness endpoints answer', async () => {
    const base = new URL(stack.gatewayUrl).origin;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', dependencies: { plattform: 'up' } });
  });
});
