import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@hub/testkit/eventually';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestStack } from '@hub/testkit/testStack';
import { PasswordHasher } from '../src/identity/passwordHasher';
import { FakeKubernetesApi, writeFakeKubeconfig } from './support/fakeKubernetesApi';
import { createOrganization } from './support/tenantHelpers';

const PASSWORD = 'correct horse battery staple';
const STEPS = ['namespace', 'resource-quota', 'network-policy', 'owner-role-binding', 'isolation-ready'];

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { accessToken refreshToken user { id email } organization { id name slug status operationId } }
  }
`;
interface SignUpData {
  signUp: {
    accessToken: string;
    refreshToken: string;
    user: { id: string; email: string };
    organization: { id: string; name: string; slug: string; status: string; operationId: string };
  };
}

const ME = /* GraphQL */ `
  query {
    me {
      roles
      organization {
        id status operationId failureReason
        provisioningSteps { step outcome }
        quota { cpu memory storage reason actorId }
      }
    }
  }
`;
interface MeData {
  me: {
    roles: string[];
    organization: {
      id: string;
      status: string;
      operationId: string;
      failureReason: string | null;
      provisioningSteps: Array<{ step: string; outcome: string }>;
      quota: { cpu: string; memory: string; storage: string; reason: string; actorId: string } | null;
    };
  };
}

const freshEmail = () => `signup-${randomUUID()}@example.test`;

function signUp(stack: TestStack, email: string, organizationName: string, password = PASSWORD): Promise<GraphQLResponse<SignUpData>> {
  return stack.query<SignUpData>(SIGN_UP, { input: { email, password, displayName: 'Sign Up', organizationName } });
}

function reasonOf(response: GraphQLResponse<unknown>): unknown {
  return response.errors?.[0]?.extensions?.reason;
}

/** Outbox events of one organization, once the relay has published all of them. */
async function publishedEvents(admin: Client, orgId: string, count: number): Promise<Array<[string, string | null]>> {
  let rows: Array<{ type: string; data: { status?: string }; published: boolean }> = [];
  await eventually(
    async () => {
      rows = (
        await admin.query(
          'SELECT type, data, published_at IS NOT NULL AS published FROM plattform.outbox WHERE org_id = $1 ORDER BY id',
          [orgId],
        )
      ).rows;
      return rows.length >= count && rows.every((row) => row.published);
    },
    5000,
    `${count} published events of ${orgId}`,
  );
  return rows.map((row) => [row.type, row.data.status ?? null]);
}

describe('signUp runs the tenant creation saga (default `none` provisioner)', () => {
  let stack: TestStack;
  let admin: Client;

  beforeAll(async () => {
    stack = await startTestStack();
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await stack?.stop();
    await admin?.end();
  });

  it('returns a session for a COMMITTED organization with the initial quota and the saga events', async () => {
    const email = freshEmail();
    const response = await signUp(stack, email, 'Signup Plain');
    expect(response.errors).toBeUndefined();
    const { user, organization, accessToken } = response.data!.signUp;
    expect(organization).toMatchObject({ name: 'Signup Plain', status: 'COMMITTED', operationId: 'signup:1' });

    const me = await stack.query<MeData>(ME, {}, accessToken);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toEqual({
      roles: ['OWNER'],
      organization: {
        id: organization.id,
        status: 'COMMITTED',
        operationId: 'signup:1',
        failureReason: null,
        provisioningSteps: [],
        quota: { cpu: '10', memory: '20Gi', storage: '10Gi', reason: 'initial default quota', actorId: user.id },
      },
    });
    expect(await publishedEvents(admin, organization.id, 6)).toEqual([
      ['plattform.organization.status_changed', 'PENDING'],
      ['plattform.quota.changed', null],
      ['plattform.organization.created', null],
      ['plattform.organization.status_changed', 'COMMITTED'],
      ['plattform.organization.committed', 'COMMITTED'],
      ['plattform.user.signed_up', null],
    ]);
  });

  it('an email that has an account is CONFLICT EMAIL_TAKEN, whatever the password', async () => {
    const account = await signUpAccount(stack, 'Signup Taken');
    for (const password of [account.password, 'another long password']) {
      const again = await signUp(stack, account.email.toUpperCase(), 'Signup Taken Again', password);
      expect(errorCodes(again)).toEqual(['CONFLICT']);
      expect(reasonOf(again)).toBe('EMAIL_TAKEN');
      expect(again.data).toBeNull();
    }
    const orgs = await admin.query('SELECT operation_id FROM plattform.organizations WHERE created_by = $1', [account.userId]);
    expect(orgs.rows).toEqual([{ operation_id: 'signup:1' }]);
  });

  it('createOrganization keeps the sign-up operation ids to sign-up', async () => {
    const account = await signUpAccount(stack);
    const response = await createOrganization(stack, account.token, 'Not A Signup', 'signup:2');
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(reasonOf(response)).toBe('RESERVED_OPERATION_ID');
  });
});

describe('signUp with the kubernetes provisioner (against a fake API server)', () => {
  const TOKEN = 'fake-cluster-token';
  const api = new FakeKubernetesApi(TOKEN);
  const hasher = new PasswordHasher();
  let stack: TestStack;
  let admin: Client;

  beforeAll(async () => {
    const kubeconfig = writeFakeKubeconfig(await api.start(), TOKEN);
    stack = await startTestStack({
      plattform: {
        provisioner: { kind: 'kubernetes', ownerClusterRole: 'admin', kubernetesUserPrefix: 'hub:user:', kubeconfigFile: kubeconfig },
      },
    });
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await stack?.stop();
    await api.stop();
    await admin?.end();
  });
  beforeEach(() => api.reset());

  async function userIdOf(email: string): Promise<string> {
    const { rows } = await admin.query<{ id: string }>('SELECT id FROM plattform.users WHERE email = $1', [email]);
    expect(rows).toHaveLength(1);
    return rows[0]!.id;
  }

  async function attemptsOf(userId: string): Promise<Array<{ operation_id: string; status: string }>> {
    const { rows } = await admin.query(
      'SELECT operation_id, status FROM plattform.organizations WHERE created_by = $1 ORDER BY operation_id',
      [userId],
    );
    return rows;
  }

  async function login(email: string, password = PASSWORD): Promise<GraphQLResponse<unknown>> {
    return stack.query('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: email, p: password });
  }

  it('provisions the first organization step by step before it returns the session', async () => {
    const response = await signUp(stack, freshEmail(), 'Signup Kube');
    expect(response.errors).toBeUndefined();
    const { organization, user, accessToken } = response.data!.signUp;
    expect(organization).toMatchObject({ slug: 'signup-kube', status: 'COMMITTED', operationId: 'signup:1' });
    expect(api.calls()).toEqual([
      'POST /api/v1/namespaces',
      'POST /api/v1/namespaces/org-signup-kube/resourcequotas',
      'POST /apis/networking.k8s.io/v1/namespaces/org-signup-kube/networkpolicies',
      'POST /apis/rbac.authorization.k8s.io/v1/namespaces/org-signup-kube/rolebindings',
      'PATCH /api/v1/namespaces/org-signup-kube',
    ]);
    // The new user owns the namespace; every object names the saga that made it.
    expect(api.requests[3]!.body).toMatchObject({ subjects: [{ name: `hub:user:${user.id}` }] });
    expect(api.requests[0]!.body).toMatchObject({ metadata: { annotations: { 'hub.plattform/operation-id': 'signup:1' } } });

    const me = await stack.query<MeData>(ME, {}, accessToken);
    expect(me.data?.me.organization).toMatchObject({
      status: 'COMMITTED',
      provisioningSteps: STEPS.map((step) => ({ step, outcome: 'APPLIED' })),
      quota: { cpu: '10', memory: '20Gi', storage: '10Gi', actorId: user.id },
    });
    expect((await publishedEvents(admin, organization.id, 6)).map(([type]) => type)).toEqual([
      'plattform.organization.status_changed',
      'plattform.quota.changed',
      'plattform.organization.created',
      'plattform.organization.status_changed',
      'plattform.organization.committed',
      'plattform.user.signed_up',
    ]);
  });

  it('a failing step: FAILED, the applied steps undone, a stable UNAVAILABLE error and no session', async () => {
    const email = freshEmail();
    api.failure = (_request, index) => (index === 2 ? { code: 500, reason: 'InternalError' } : null);
    const response = await signUp(stack, email, 'Signup Broken');
    expect(response.data).toBeNull();
    expect(errorCodes(response)).toEqual(['UNAVAILABLE']);
    const userId = await userIdOf(email);
    const [org] = (
      await admin.query('SELECT id, status, failure_reason FROM plattform.organizations WHERE created_by = $1', [userId])
    ).rows as Array<{ id: string; status: string; failure_reason: string }>;
    expect(org).toMatchObject({ status: 'FAILED', failure_reason: 'network-policy: Kubernetes API answered 500' });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAVAILABLE',
      reason: 'ORGANIZATION_PROVISIONING_FAILED',
      organizationId: org!.id,
      failureReason: 'network-policy: Kubernetes API answered 500',
    });

    // Compensation: what was created is deleted again, in reverse, and journaled.
    expect(api.calls().slice(3)).toEqual([
      'DELETE /api/v1/namespaces/org-signup-broken/resourcequotas/tenant-quota',
      'DELETE /api/v1/namespaces/org-signup-broken',
    ]);
    expect([...api.objects.keys()].filter((key) => key.includes('signup-broken'))).toEqual([]);
    const journal = await admin.query('SELECT step, outcome FROM plattform.organization_provisioning_steps WHERE org_id = $1 ORDER BY id', [
      org!.id,
    ]);
    expect(journal.rows.map((row: { step: string; outcome: string }) => `${row.step}:${row.outcome}`)).toEqual([
      'namespace:APPLIED',
      'resource-quota:APPLIED',
      'network-policy:FAILED',
      'resource-quota:UNDONE',
      'namespace:UNDONE',
    ]);
    // Nothing to log in with: no membership, no quota, no session, and login says so.
    for (const table of ['memberships', 'quota_changes']) {
      expect((await admin.query(`SELECT 1 FROM plattform.${table} WHERE org_id = $1`, [org!.id])).rowCount).toBe(0);
    }
    expect((await admin.query('SELECT 1 FROM plattform.refresh_tokens WHERE user_id = $1', [userId])).rowCount).toBe(0);
    expect(errorCodes(await login(email))).toEqual(['UNAUTHENTICATED']);
    expect(await publishedEvents(admin, org!.id, 3)).toEqual([
      ['plattform.organization.status_changed', 'PENDING'],
      ['plattform.organization.status_changed', 'FAILED'],
      ['plattform.organization.failed', 'FAILED'],
    ]);
  });

  it('signing up again with the same email and password retries with a new organization; other passwords are EMAIL_TAKEN', async () => {
    const email = freshEmail();
    api.failure = (_request, index) => (index === 0 ? { code: 503, reason: 'ServiceUnavailable' } : null);
    expect(reasonOf(await signUp(stack, email, 'Signup Retry'))).toBe('ORGANIZATION_PROVISIONING_FAILED');
    api.reset();

    const stranger = await signUp(stack, email, 'Signup Retry', 'somebody else entirely');
    expect(errorCodes(stranger)).toEqual(['CONFLICT']);
    expect(reasonOf(stranger)).toBe('EMAIL_TAKEN');
    expect(api.requests).toHaveLength(0);

    const retry = await signUp(stack, email, 'Signup Retry');
    expect(retry.errors).toBeUndefined();
    const userId = await userIdOf(email);
    expect(retry.data?.signUp).toMatchObject({ user: { id: userId }, organization: { status: 'COMMITTED', operationId: 'signup:2' } });
    expect(await attemptsOf(userId)).toEqual([
      { operation_id: 'signup:1', status: 'FAILED' },
      { operation_id: 'signup:2', status: 'COMMITTED' },
    ]);
    expect(api.calls()).toHaveLength(5);
    expect((await login(email)).errors).toBeUndefined();

    // Now the account works: signing up again is a conflict, not another organization.
    const again = await signUp(stack, email, 'Signup Retry');
    expect(reasonOf(again)).toBe('EMAIL_TAKEN');
    expect(await attemptsOf(userId)).toHaveLength(2);
  });

  it('concurrent sign-ups with one email create one user and one organization', async () => {
    const email = freshEmail();
    const responses = await Promise.all(Array.from({ length: 6 }, () => signUp(stack, email, 'Signup Stampede')));
    const succeeded = responses.filter((response) => response.data?.signUp);
    expect(succeeded).toHaveLength(1);
    for (const response of responses.filter((candidate) => !candidate.data?.signUp)) {
      expect(errorCodes(response)).toEqual(['CONFLICT']);
      expect(['SIGNUP_IN_PROGRESS', 'EMAIL_TAKEN']).toContain(reasonOf(response));
    }
    const userId = await userIdOf(email);
    expect(await attemptsOf(userId)).toEqual([{ operation_id: 'signup:1', status: 'COMMITTED' }]);
    expect(api.calls().filter((call) => call === 'POST /api/v1/namespaces')).toHaveLength(1);
  });

  it('concurrent retries after a failure claim one further attempt between them', async () => {
    const email = freshEmail();
    api.failure = (_request, index) => (index === 0 ? { code: 500, reason: 'InternalError' } : null);
    expect(reasonOf(await signUp(stack, email, 'Signup Herd'))).toBe('ORGANIZATION_PROVISIONING_FAILED');
    api.reset();
    const responses = await Promise.all(Array.from({ length: 5 }, () => signUp(stack, email, 'Signup Herd')));
    expect(responses.filter((response) => response.data?.signUp)).toHaveLength(1);
    const userId = await userIdOf(email);
    expect(await attemptsOf(userId)).toEqual([
      { operation_id: 'signup:1', status: 'FAILED' },
      { operation_id: 'signup:2', status: 'COMMITTED' },
    ]);
  });

  describe('a sign-up interrupted by a crash', () => {
    /** A user whose first attempt died after provisioning its namespace, `silentFor` ago. */
    async function crashedSignUp(slug: string, silentFor: string): Promise<{ email: string; orgId: string; userId: string }> {
      const email = freshEmail();
      const userId = randomUUID();
      const orgId = randomUUID();
      await admin.query('INSERT INTO plattform.users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)', [
        userId,
        email,
        'Crashed',
        await hasher.hash(PASSWORD),
      ]);
      await admin.query(
        `INSERT INTO plattform.organizations (id, name, slug, status, operation_id, created_by, status_changed_at)
         VALUES ($1, $2, $2, 'PENDING', 'signup:1', $3, now() - $4::interval)`,
        [orgId, slug, userId, silentFor],
      );
      await admin.query(`INSERT INTO plattform.memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [orgId, userId]);
      await admin.query(
        `INSERT INTO plattform.organization_provisioning_steps (org_id, operation_id, step, outcome) VALUES ($1, 'signup:1', 'namespace', 'APPLIED')`,
        [orgId],
      );
      api.objects.set(`/api/v1/namespaces/org-${slug}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `org-${slug}` } });
      return { email, orgId, userId };
    }

    it('while it may still be running, a retry is CONFLICT SIGNUP_IN_PROGRESS and touches nothing', async () => {
      const { email, userId } = await crashedSignUp('signup-running', '1 second');
      const response = await signUp(stack, email, 'Signup Running');
      expect(errorCodes(response)).toEqual(['CONFLICT']);
      expect(reasonOf(response)).toBe('SIGNUP_IN_PROGRESS');
      expect(api.requests).toHaveLength(0);
      expect(await attemptsOf(userId)).toEqual([{ operation_id: 'signup:1', status: 'PENDING' }]);
    });

    it('after the stale period, a retry rolls the old attempt back and completes a new one', async () => {
      const { email, orgId, userId } = await crashedSignUp('signup-crashed', '1 hour');
      const response = await signUp(stack, email, 'Signup Crashed Again');
      expect(response.errors).toBeUndefined();
      expect(response.data?.signUp.organization).toMatchObject({ status: 'COMMITTED', operationId: 'signup:2' });
      expect(api.calls()[0]).toBe('DELETE /api/v1/namespaces/org-signup-crashed');
      expect(await attemptsOf(userId)).toEqual([
        { operation_id: 'signup:1', status: 'FAILED' },
        { operation_id: 'signup:2', status: 'COMMITTED' },
      ]);
      const old = await admin.query('SELECT failure_reason FROM plattform.organizations WHERE id = $1', [orgId]);
      expect(old.rows).toEqual([{ failure_reason: 'interrupted; rolled back' }]);
    });
  });
});
