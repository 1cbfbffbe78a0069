import { randomUUID } from 'node:crypto';
import { databaseSettings } from '@hub/core';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { readUntil } from '@hub/testkit/eventually';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createOrganization, ORGANIZATION_FIELDS, tokenFor } from './support/tenantHelpers';


describe('createOrganization (saga with the default `none` provisioner)', () => {
  let stack: TestStack;
  let alice: TestAccount;
  let bob: TestAccount;
  let admin: Client;

  beforeAll(async () => {
    stack = await startTestStack();
    alice = await signUpAccount(stack, 'Alice Base');
    bob = await signUpAccount(stack, 'Bob Base');
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await stack.stop();
    await admin.end();
  });

  it('commits a new organization owned by the caller, with the default quota recorded', async () => {
    const operationId = randomUUID();
    const response = await createOrganization(stack, alice.token, 'Saga Plain', operationId);
    expect(response.errors).toBeUndefined();
    const org = response.data!.createOrganization;
    expect(org).toMatchObject({ name: 'Saga Plain', slug: 'saga-plain', status: 'COMMITTED', operationId, failureReason: null });
    expect(org.provisioningSteps).toEqual([]);

    const token = await tokenFor(stack, alice, org.id);
    const me = await stack.query<{
      me: { roles: string[]; organization: { id: string; status: string; quota: { cpu: string; memory: string; storage: string; reason: string; actorId: string } } };
    }>('{ me { roles organization { id status quota { cpu memory storage reason actorId } } } }', {}, token);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toEqual({
      roles: ['OWNER'],
      organization: {
        id: org.id,
        status: 'COMMITTED',
        quota: { cpu: '10', memory: '20Gi', storage: '10Gi', reason: 'initial default quota', actorId: alice.userId },
      },
    });
  });

  it('publishes each status change through the outbox', async () => {
    const org = (await createOrganization(stack, alice.token, 'Saga Events')).data!.createOrganization;
    const rows = await readUntil(
      async () =>
        (
          await admin.query<{ type: string; data: { status?: string }; published: boolean }>(
            `SELECT type, data, published_at IS NOT NULL AS published FROM plattform.outbox WHERE org_id = $1 ORDER BY id`,
            [org.id],
          )
        ).rows,
      (found) => found.length > 0 && found.every((row) => row.published),
      5000,
    );
    expect(rows.map((row) => [row.type, row.data.status ?? null])).toEqual([
      ['plattform.organization.status_changed', 'PENDING'],
      ['plattform.quota.changed', null],
      ['plattform.organization.created', null],
      ['plattform.organization.status_changed', 'COMMITTED'],
      ['plattform.organization.committed', 'COMMITTED'],
    ]);
    expect(rows.every((row) => row.published)).toBe(true);
  });

  it('is idempotent per caller and operationId; another operationId creates another organization', async () => {
    const operationId = randomUUID();
    const first = (await createOrganization(stack, alice.token, 'Saga Retry', operationId)).data!.createOrganization;
    const again = (await createOrganization(stack, alice.token, 'Saga Retry', operationId)).data!.createOrganization;
    expect(again).toEqual(first);
    const other = (await createOrganization(stack, alice.token, 'Saga Retry')).data!.createOrganization;
    expect(other.id).not.toBe(first.id);
    expect(other.slug).toMatch(/^saga-retry-[0-9a-f]{6}$/);
    // The same operation id from another user is that user's own operation.
    const bobs = (await createOrganization(stack, bob.token, 'Saga Retry', operationId)).data!.createOrganization;
    expect(bobs.id).not.toBe(first.id);
  });

  it('20 concurrent identical calls yield one organization', async () => {
    const operationId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => createOrganization(stack, alice.token, 'Saga Stampede', operationId)),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    expect(new Set(responses.map((response) => response.data!.createOrganization.id)).size).toBe(1);
    const { rows } = await admin.query('SELECT status FROM plattform.organizations WHERE created_by = $1 AND operation_id = $2', [
      alice.userId,
      operationId,
    ]);
    expect(rows).toEqual([{ status: 'COMMITTED' }]);
    const memberships = await admin.query(
      'SELECT count(*)::int AS n FROM plattform.memberships m JOIN plattform.organizations o ON o.id = m.org_id WHERE o.operation_id = $1',
      [operationId],
    );
    expect(memberships.rows[0].n).toBe(1);
    const quotas = await admin.query(
      'SELECT count(*)::int AS n FROM plattform.quota_changes q JOIN plattform.organizations o ON o.id = q.org_id WHERE o.operation_id = $1',
      [operationId],
    );
    expect(quotas.rows[0].n).toBe(1);
  });

  it('the creation status is queryable by its creator only', async () => {
    const operationId = randomUUID();
    const org = (await createOrganization(stack, alice.token, 'Saga Status', operationId)).data!.createOrganization;
    const query = `query($op: ID!) { organizationCreation(operationId: $op) { ${ORGANIZATION_FIELDS} } }`;
    const mine = await stack.query<{ organizationCreation: { id: string; status: string } | null }>(query, { op: operationId }, alice.token);
    expect(mine.data?.organizationCreation).toMatchObject({ id: org.id, status: 'COMMITTED' });
    const theirs = await stack.query<{ organizationCreation: unknown }>(query, { op: operationId }, bob.token);
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data?.organizationCreation).toBeNull();
    expect(errorCodes(await stack.query(query, { op: operationId }))).toEqual(['UNAUTHENTICATED']);
  });

  it('creator visibility does not widen ordinary reads: the old token still gets NOT_FOUND for the new org', async () => {
    const org = (await createOrganization(stack, alice.token, 'Saga Hidden')).data!.createOrganization;
    const response = await stack.query('query($id: ID!) { organization(id: $id) { id name } }', { id: org.id }, alice.token);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(response)).not.toContain('Saga Hidden');
  });

  it('refuses anonymous callers and bad input with typed errors', async () => {
    const anonymous = await stack.query(
      'mutation { createOrganization(input: { name: "X", operationId: "op-1" }) { id } }',
    );
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await createOrganization(stack, alice.token, '   '))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await createOrganization(stack, alice.token, 'x'.repeat(101)))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await createOrganization(stack, alice.token, 'Fine', 'has spaces'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await createOrganization(stack, alice.token, 'Fine', 'x'.repeat(101)))).toEqual(['BAD_USER_INPUT']);
  });

  describe('row-level security, as the restricted app role', () => {
    let client: Client;
    let orgId: string;

    beforeAll(async () => {
      client = new Client({ connectionString: databaseSettings('plattform').appUrl });
      await client.connect();
      orgId = (await createOrganization(stack, alice.token, 'Saga Rls')).data!.createOrganization.id;
    });
    afterAll(() => client.end());

    async function visible(settings: Record<string, string>): Promise<{ orgs: number; steps: number }> {
      await client.query('BEGIN');
      try {
        for (const [name, value] of Object.entries(settings)) {
          await client.query('SELECT set_config($1, $2, true)', [`app.${name}`, value]);
        }
        const orgs = await client.query('SELECT id FROM plattform.organizations WHERE id = $1', [orgId]);
        const steps = await client.query('SELECT id FROM plattform.organization_provisioning_steps WHERE org_id = $1', [orgId]);
        return { orgs: orgs.rowCount ?? 0, steps: steps.rowCount ?? 0 };
      } finally {
        await client.query('ROLLBACK');
      }
    }

    it('the creator sees the new organization only through the explicit creator lookup', async () => {
      expect(await visible({ current_user: alice.userId, creator_lookup: 'on' })).toMatchObject({ orgs: 1 });
      expect(await visible({ current_user: alice.userId })).toMatchObject({ orgs: 0 });
      expect(await visible({ current_user: bob.userId, creator_lookup: 'on' })).toMatchObject({ orgs: 0 });
      expect(await visible({ current_org: bob.orgId, current_user: bob.userId, creator_lookup: 'on' })).toMatchObject({ orgs: 0 });
      expect(await visible({ current_org: orgId })).toMatchObject({ orgs: 1 });
    });

    it('the saga journal is append-only in the database itself', async () => {
      await admin.query(
        `INSERT INTO plattform.organization_provisioning_steps (org_id, operation_id, step, outcome) VALUES ($1, 'op', 'probe', 'APPLIED')`,
        [orgId],
      );
      await expect(admin.query('UPDATE plattform.organization_provisioning_steps SET outcome = $1 WHERE org_id = $2', ['UNDONE', orgId])).rejects.toThrow(
        /append-only/,
      );
      await expect(admin.query('DELETE FROM plattform.organization_provisioning_steps WHERE org_id = $1', [orgId])).rejects.toThrow(/append-only/);
      expect(await visible({ current_org: orgId })).toEqual({ orgs: 1, steps: 1 });
      expect(await visible({ current_org: bob.orgId })).toEqual({ orgs: 0, steps: 0 });
    });
  });
});
