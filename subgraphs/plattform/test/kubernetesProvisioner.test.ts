import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { FakeKubernetesApi, writeFakeKubeconfig, type RecordedRequest } from './support/fakeKubernetesApi';
import { createOrganization, tokenFor } from './support/tenantHelpers';

const TOKEN = 'fake-cluster-token';
const OPERATION_ANNOTATION = 'hub.plattform/operation-id';

/** The five creating requests of a tenant `org-<slug>`, in the order the saga must send them. */
function provisioningCalls(slug: string): string[] {
  const ns = `org-${slug}`;
  return [
    'POST /api/v1/namespaces',
    `POST /api/v1/namespaces/${ns}/resourcequotas`,
    `POST /apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`,
    `POST /apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
    `PATCH /api/v1/namespaces/${ns}`,
  ];
}

/** The DELETE that undoes each creating request (index-aligned with provisioningCalls). */
function undoCalls(slug: string): string[] {
  const ns = `org-${slug}`;
  return [
    `DELETE /api/v1/namespaces/${ns}`,
    `DELETE /api/v1/namespaces/${ns}/resourcequotas/tenant-quota`,
    `DELETE /apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/default-deny`,
    `DELETE /apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/tenant-owner`,
  ];
}

function annotations(request: RecordedRequest): Record<string, string> | undefined {
  return (request.body?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
}

describe('createOrganization with the kubernetes provisioner (against a fake API server)', () => {
  const api = new FakeKubernetesApi(TOKEN);
  let stack: TestStack;
  let alice: TestAccount;
  let admin: Client;

  beforeAll(async () => {
    const kubeconfig = writeFakeKubeconfig(await api.start(), TOKEN);
    stack = await startTestStack({
      plattform: {
        provisioner: { kind: 'kubernetes', ownerClusterRole: 'admin', kubernetesUserPrefix: 'hub:user:', kubeconfigFile: kubeconfig },
      },
    });
    alice = await signUpAccount(stack, 'Alice Home');
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await stack?.stop();
    await api.stop();
    await admin?.end();
  });

  beforeEach(() => api.reset());

  it('creates namespace, quota, default-deny policy and owner binding, then opens the gate last', async () => {
    const operationId = randomUUID();
    const response = await createOrganization(stack, alice.token, 'Kube Happy', operationId);
    expect(response.errors).toBeUndefined();
    const org = response.data!.createOrganization;
    expect(org).toMatchObject({ status: 'COMMITTED', slug: 'kube-happy', operationId, failureReason: null });
    expect(org.provisioningSteps).toEqual(
      ['namespace', 'resource-quota', 'network-policy', 'owner-role-binding', 'isolation-ready'].map((step) => ({
        step,
        outcome: 'APPLIED',
        detail: null,
      })),
    );
    expect(api.calls()).toEqual(provisioningCalls('kube-happy'));

    const [namespace, quota, policy, binding, gate] = api.requests;
    for (const created of [namespace!, quota!, policy!, binding!]) {
      expect(created.contentType).toBe('application/json');
      expect(annotations(created)).toEqual({ [OPERATION_ANNOTATION]: operationId });
    }
    expect(namespace!.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'org-kube-happy', labels: { 'hub.plattform/organization-id': org.id } },
    });
    expect((namespace!.body!.metadata as { labels: Record<string, string> }).labels['isolation-ready']).toBeUndefined();
    expect(quota!.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'tenant-quota', namespace: 'org-kube-happy' },
      spec: {
        hard: {
          'requests.cpu': '10',
          'limits.cpu': '10',
          'requests.memory': '20Gi',
          'limits.memory': '20Gi',
          'requests.storage': '10Gi',
        },
      },
    });
    expect(policy!.body).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'org-kube-happy' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(policy!.body!.spec).not.toHaveProperty('ingress');
    expect(policy!.body!.spec).not.toHaveProperty('egress');
    expect(binding!.body).toMatchObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'tenant-owner', namespace: 'org-kube-happy' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `hub:user:${alice.userId}` }],
    });
    expect(gate!.contentType).toBe('application/merge-patch+json');
    expect(gate!.body).toEqual({ metadata: { labels: { 'isolation-ready': 'true' } } });
    // The stored namespace carries the gate label only after everything else exists.
    expect(api.objects.get('/api/v1/namespaces/org-kube-happy')).toMatchObject({
      metadata: { labels: { 'isolation-ready': 'true', 'hub.plattform/organization-id': org.id } },
    });
  });

  it.each([1, 2, 3, 4, 5])('a failure at step %i leaves the org FAILED and undoes the earlier steps in reverse', async (failAt) => {
    const name = `Kube Fail ${failAt}`;
    const slug = `kube-fail-${failAt}`;
    api.failure = (_request, index) => (index === failAt - 1 ? { code: 500, reason: 'InternalError' } : null);
    const response = await createOrganization(stack, alice.token, name);
    expect(response.errors).toBeUndefined();
    const org = response.data!.createOrganization;
    const stepNames = ['namespace', 'resource-quota', 'network-policy', 'owner-role-binding', 'isolation-ready'];
    const failedStep = stepNames[failAt - 1]!;
    expect(org.status).toBe('FAILED');
    expect(org.failureReason).toBe(`${failedStep}: Kubernetes API answered 500`);

    const expectedCalls = [
      ...provisioningCalls(slug).slice(0, failAt),
      ...undoCalls(slug).slice(0, failAt - 1).reverse(),
    ];
    expect(api.calls()).toEqual(expectedCalls);
    expect([...api.objects.keys()].filter((key) => key.includes(slug))).toEqual([]);
    expect(org.provisioningSteps.map((entry) => `${entry.step}:${entry.outcome}`)).toEqual([
      ...stepNames.slice(0, failAt - 1).map((step) => `${step}:APPLIED`),
      `${failedStep}:FAILED`,
      ...stepNames.slice(0, failAt - 1).reverse().map((step) => `${step}:UNDONE`),
    ]);

    // A failed tenant has no members: nobody can get a token for it.
    const members = await admin.query('SELECT 1 FROM plattform.memberships WHERE org_id = $1', [org.id]);
    expect(members.rowCount).toBe(0);
    const quotas = await admin.query('SELECT 1 FROM plattform.quota_changes WHERE org_id = $1', [org.id]);
    expect(quotas.rowCount).toBe(0);
  });

  it('never deletes an object it did not create: a taken namespace fails the saga without DELETEs', async () => {
    api.objects.set('/api/v1/namespaces/org-kube-taken', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'org-kube-taken' } });
    const response = await createOrganization(stack, alice.token, 'Kube Taken');
    expect(response.data?.createOrganization).toMatchObject({
      status: 'FAILED',
      failureReason: 'namespace: the object already exists',
    });
    expect(api.calls()).toEqual(['POST /api/v1/namespaces']);
    expect(api.objects.has('/api/v1/namespaces/org-kube-taken')).toBe(true);
  });

  it('a failed undo is journaled and reported, and the remaining undos still run', async () => {
    api.failure = (request, index) =>
      index === 3 || (request.method === 'DELETE' && request.path.endsWith('/networkpolicies/default-deny'))
        ? { code: 503, reason: 'ServiceUnavailable' }
        : null;
    const response = await createOrganization(stack, alice.token, 'Kube Undo');
    const org = response.data!.createOrganization;
    expect(org.status).toBe('FAILED');
    expect(org.failureReason).toBe('owner-role-binding: Kubernetes API answered 503; some undo steps failed');
    expect(org.provisioningSteps.slice(3).map((entry) => `${entry.step}:${entry.outcome}`)).toEqual([
      'owner-role-binding:FAILED',
      'network-policy:UNDO_FAILED',
      'resource-quota:UNDONE',
      'namespace:UNDONE',
    ]);
    expect(api.calls().slice(4)).toEqual([
      'DELETE /apis/networking.k8s.io/v1/namespaces/org-kube-undo/networkpolicies/default-deny',
      'DELETE /api/v1/namespaces/org-kube-undo/resourcequotas/tenant-quota',
      'DELETE /api/v1/namespaces/org-kube-undo',
    ]);
  });

  it('20 concurrent identical calls yield one organization and one provisioning run', async () => {
    const operationId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => createOrganization(stack, alice.token, 'Kube Concurrent', operationId)),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const ids = new Set(responses.map((response) => response.data!.createOrganization.id));
    expect(ids.size).toBe(1);
    // Exactly one provisioning run reached the cluster.
    expect(api.calls()).toEqual(provisioningCalls('kube-concurrent'));
    const rows = await admin.query('SELECT id, status FROM plattform.organizations WHERE operation_id = $1', [operationId]);
    expect(rows.rows).toEqual([{ id: [...ids][0], status: 'COMMITTED' }]);
    const steps = await admin.query('SELECT step FROM plattform.organization_provisioning_steps WHERE operation_id = $1', [operationId]);
    expect(steps.rowCount).toBe(5);

    // A later retry is answered from the database alone.
    const retry = await createOrganization(stack, alice.token, 'Kube Concurrent', operationId);
    expect(retry.data?.createOrganization).toMatchObject({ id: [...ids][0], status: 'COMMITTED' });
    expect(api.requests).toHaveLength(5);
  });

  describe('a saga interrupted by a crash', () => {
    /** Leaves the database and the cluster as a process that died after two applied steps would. */
    async function crashedSaga(slug: string, silentFor: string): Promise<{ orgId: string; operationId: string }> {
      const orgId = randomUUID();
      const operationId = randomUUID();
      await admin.query(
        `INSERT INTO plattform.organizations (id, name, slug, status, operation_id, created_by, status_changed_at)
         VALUES ($1, $2, $3, 'PENDING', $4, $5, now() - $6::interval)`,
        [orgId, slug, slug, operationId, alice.userId, silentFor],
      );
      await admin.query(`INSERT INTO plattform.memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [orgId, alice.userId]);
      for (const step of ['namespace', 'resource-quota']) {
        await admin.query(
          `INSERT INTO plattform.organization_provisioning_steps (org_id, operation_id, step, outcome) VALUES ($1, $2, $3, 'APPLIED')`,
          [orgId, operationId, step],
        );
      }
      api.objects.set(`/api/v1/namespaces/org-${slug}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `org-${slug}` } });
      api.objects.set(`/api/v1/namespaces/org-${slug}/resourcequotas/tenant-quota`, { apiVersion: 'v1', kind: 'ResourceQuota' });
      return { orgId, operationId };
    }

    it('a retry after the stale period rolls the journaled steps back and marks the org FAILED', async () => {
      const { orgId, operationId } = await crashedSaga('kube-crashed', '1 hour');
      const response = await createOrganization(stack, alice.token, 'ignored on retry', operationId);
      expect(response.errors).toBeUndefined();
      expect(response.data?.createOrganization).toMatchObject({
        id: orgId,
        status: 'FAILED',
        failureReason: 'interrupted; rolled back',
      });
      expect(api.calls()).toEqual(undoCalls('kube-crashed').slice(0, 2).reverse());
      expect([...api.objects.keys()].filter((key) => key.includes('kube-crashed'))).toEqual([]);
      const members = await admin.query('SELECT 1 FROM plattform.memberships WHERE org_id = $1', [orgId]);
      expect(members.rowCount).toBe(0);
    });

    it('a retry while the saga may still be running returns it PENDING and touches nothing', async () => {
      const { orgId, operationId } = await crashedSaga('kube-running', '1 second');
      const response = await createOrganization(stack, alice.token, 'Kube Running', operationId);
      expect(response.data?.createOrganization).toMatchObject({ id: orgId, status: 'PENDING' });
      expect(api.requests).toHaveLength(0);
    });
  });

  describe('setQuota', () => {
    let orgId: string;
    let ownerToken: string;

    beforeAll(async () => {
      const response = await createOrganization(stack, alice.token, 'Kube Quota');
      orgId = response.data!.createOrganization.id;
      ownerToken = await tokenFor(stack, alice, orgId);
    });

    it('patches the ResourceQuota with a merge patch, then records the change', async () => {
      const response = await stack.query<{ setQuota: { id: string; cpu: string; memory: string; storage: string } }>(
        'mutation($i: SetQuotaInput!) { setQuota(input: $i) { id cpu memory storage } }',
        { i: { cpu: '20', memory: '40Gi', storage: '50Gi', reason: 'more builds' } },
        ownerToken,
      );
      expect(response.errors).toBeUndefined();
      const change = response.data!.setQuota;
      expect(change).toMatchObject({ cpu: '20', memory: '40Gi', storage: '50Gi' });
      expect(api.calls()).toEqual(['PATCH /api/v1/namespaces/org-kube-quota/resourcequotas/tenant-quota']);
      expect(api.requests[0]!.contentType).toBe('application/merge-patch+json');
      expect(api.requests[0]!.body).toEqual({
        metadata: { annotations: { 'hub.plattform/quota-change-id': change.id } },
        spec: {
          hard: {
            'requests.cpu': '20',
            'limits.cpu': '20',
            'requests.memory': '40Gi',
            'limits.memory': '40Gi',
            'requests.storage': '50Gi',
          },
        },
      });
      const recorded = await admin.query('SELECT cpu_millicores::int AS cpu, reason FROM plattform.quota_changes WHERE id = $1', [change.id]);
      expect(recorded.rows).toEqual([{ cpu: 20_000, reason: 'more builds' }]);
      expect(api.objects.get('/api/v1/namespaces/org-kube-quota/resourcequotas/tenant-quota')).toMatchObject({
        spec: { hard: { 'requests.cpu': '20', 'requests.storage': '50Gi' } },
      });
    });

    it('records nothing when the cluster refuses the change', async () => {
      api.failure = () => ({ code: 500, reason: 'InternalError' });
      const before = await admin.query('SELECT count(*)::int AS n FROM plattform.quota_changes WHERE org_id = $1', [orgId]);
      const response = await stack.query(
        'mutation($i: SetQuotaInput!) { setQuota(input: $i) { id } }',
        { i: { cpu: '30', memory: '40Gi', storage: '50Gi', reason: 'refused' } },
        ownerToken,
      );
      expect(errorCodes(response)).toEqual(['INTERNAL']);
      expect(response.errors?.[0]?.message).toMatch(/could not be applied/);
      const after = await admin.query('SELECT count(*)::int AS n FROM plattform.quota_changes WHERE org_id = $1', [orgId]);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });
  });
});
