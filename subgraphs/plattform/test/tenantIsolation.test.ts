import { databaseSettings } from '@hub/core';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

describe('tenant isolation', () => {
  let stack: TestStack;
  let tenantA: TestAccount;
  let tenantB: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    tenantA = await signUpAccount(stack, 'Tenant A');
    tenantB = await signUpAccount(stack, 'Tenant B');
  });
  afterAll(() => stack.stop());

  it('a user sees their own organization and user (the control case)', async () => {
    const response = await stack.query<{ organization: { id: string }; user: { id: string } }>(
      'query($org: ID!, $user: ID!) { organization(id: $org) { id } user(id: $user) { id } }',
      { org: tenantA.orgId, user: tenantA.userId },
      tenantA.token,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ organization: { id: tenantA.orgId }, user: { id: tenantA.userId } });
  });

  it("another tenant's organization is NOT_FOUND, even by id", async () => {
    const response = await stack.query('query($id: ID!) { organization(id: $id) { id name } }', { id: tenantB.orgId }, tenantA.token);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(response)).not.toContain('Tenant B');
  });

  it("another tenant's user is NOT_FOUND, even by id", async () => {
    const response = await stack.query('query($id: ID!) { user(id: $id) { id email } }', { id: tenantB.userId }, tenantA.token);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(response)).not.toContain(tenantB.email);
  });

  it("member lists show only the caller's tenant", async () => {
    const response = await stack.query<{ organization: { members: Array<{ user: { id: string } }> } }>(
      '{ organization { members { user { id } } } }',
      {},
      tenantA.token,
    );
    expect(response.data?.organization.members.map((member) => member.user.id)).toEqual([tenantA.userId]);
  });

  it("entity references (_entities) with another tenant's ids resolve to null", async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Organization { id name } ... on User { id email } } }`;
    const representations = [
      { __typename: 'Organization', id: tenantB.orgId },
      { __typename: 'User', id: tenantB.userId },
      { __typename: 'Organization', id: tenantA.orgId },
    ];
    const response = await postGraphQLSigningSubgraphs<{ _entities: Array<{ id: string } | null> }>(
      `${stack.plattformUrl}/graphql`,
      query,
      { reps: representations },
      tenantA.token,
    );
    expect(response.data?._entities).toEqual([null, null, { id: tenantA.orgId, name: 'Tenant A' }]);
  });

  describe('at the database level, as the restricted app role', () => {
    let client: Client;
    const settings = databaseSettings('plattform');

    beforeAll(async () => {
      client = new Client({ connectionString: settings.appUrl });
      await client.connect();
    });
    afterAll(() => client.end());

    async function count(table: string): Promise<number> {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM plattform.${table}`);
      return Number(rows[0]!.n);
    }

    it('the app role is neither superuser, nor owner, nor exempt from RLS', async () => {
      const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; owns: string }>(
        `SELECT r.rolsuper, r.rolbypassrls,
                (SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'plattform' AND t.tableowner = current_user) AS owns
           FROM pg_roles r WHERE r.rolname = current_user`,
      );
      expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owns: '0' });
    });

    it('without app.current_org no tenant rows are visible', async () => {
      expect(await count('organizations')).toBe(0);
      expect(await count('users')).toBe(0);
      expect(await count('memberships')).toBe(0);
      expect(await count('outbox')).toBe(0);
    });

    it('with app.current_org set, only that tenant is visible', async () => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [tenantA.orgId]);
        const { rows } = await client.query<{ id: string }>('SELECT id FROM plattform.organizations');
        expect(rows.map((row) => row.id)).toEqual([tenantA.orgId]);
        const users = await client.query<{ id: string }>('SELECT id FROM plattform.users');
        expect(users.rows.map((row) => row.id)).toEqual([tenantA.userId]);
      } finally {
        await client.query('ROLLBACK');
      }
    });

    it("inserting a row for another tenant is refused by the policy", async () => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [tenantA.orgId]);
        await expect(
          client.query(`INSERT INTO plattform.memberships (org_id, user_id, role) VALUES ($1, $2, 'admin')`, [
            tenantB.orgId,
            tenantA.userId,
          ]),
        ).rejects.toThrow(/row-level security/);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });
});
