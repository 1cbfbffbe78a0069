import { Client } from 'pg';
import { databaseSettings } from '@hub/core';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, type TestAccount } from '@hub/testkit/testStack';
import { ADD_HAZARD, ADD_MEASURE, CREATE, daysFromToday, GET, SUBMIT } from './support/operations';
import { expectData, startRiskHubStack, type RiskHubStack } from './support/riskHubStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

describe('risk-hub tenant isolation', () => {
  let hub: RiskHubStack;
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  let assessmentA: string;
  let assessmentB: string;
  let hazardB: string;
  let measureB: string;

  async function seed(account: TestAccount, title: string) {
    const created = await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title } }, account.token));
    const id = created.createRiskAssessment.id;
    const hazard = await expectData(hub.query<{ addHazard: { id: string } }>(
      ADD_HAZARD, { a: id, input: { description: `${title} hazard`, category: 'Secret', likelihood: 2, severity: 2 } }, account.token));
    const measure = await expectData(hub.query<{ addMeasure: { id: string } }>(
      ADD_MEASURE, { h: hazard.addHazard.id, input: { description: `${title} measure`, type: 'PPE', dueDate: daysFromToday(3) } }, account.token));
    return { id, hazardId: hazard.addHazard.id, measureId: measure.addMeasure.id };
  }

  beforeAll(async () => {
    hub = await startRiskHubStack();
    tenantA = await signUpAccount(hub.stack, 'Risk Tenant A');
    tenantB = await signUpAccount(hub.stack, 'Risk Tenant B');
    assessmentA = (await seed(tenantA, 'Tenant A plan')).id;
    const b = await seed(tenantB, 'Tenant B secret plan');
    assessmentB = b.id;
    hazardB = b.hazardId;
    measureB = b.measureId;
  });
  afterAll(() => hub.stop());

  it('the owning tenant reads its assessment (control case)', async () => {
    const data = await expectData(hub.query<{ riskAssessment: { id: string } }>(GET, { id: assessmentB }, tenantB.token));
    expect(data.riskAssessment.id).toBe(assessmentB);
  });

  it("another tenant's assessment is NOT_FOUND, and cannot be changed", async () => {
    const read = await hub.query(GET, { id: assessmentB }, tenantA.token);
    expect(errorCodes(read)).toEqual(['NOT_FOUND']);
    const submit = await hub.query(SUBMIT, { id: assessmentB }, tenantA.token);
    expect(errorCodes(submit)).toEqual(['NOT_FOUND']);
    const hazard = await hub.query(ADD_HAZARD, { a: assessmentB, input: { description: 'x', category: 'x', likelihood: 1, severity: 1 } }, tenantA.token);
    expect(errorCodes(hazard)).toEqual(['NOT_FOUND']);
    const measure = await hub.query(ADD_MEASURE, { h: hazardB, input: { description: 'x', type: 'PPE', dueDate: daysFromToday(1) } }, tenantA.token);
    expect(errorCodes(measure)).toEqual(['NOT_FOUND']);
    const update = await hub.query('mutation($id: ID!) { updateMeasure(id: $id, input: { status: DONE }) { id } }', { id: measureB }, tenantA.token);
    expect(errorCodes(update)).toEqual(['NOT_FOUND']);
    for (const response of [read, submit, hazard, measure, update]) expect(JSON.stringify(response)).not.toContain('secret');
    const still = await expectData(hub.query<{ riskAssessment: { status: string } }>(GET, { id: assessmentB }, tenantB.token));
    expect(still.riskAssessment.status).toBe('DRAFT');
  });

  it("lists and a user's assigned measures show only the caller's tenant", async () => {
    const list = await expectData(hub.query<{ riskAssessments: { nodes: Array<{ id: string }> } }>('{ riskAssessments(first: 100) { nodes { id } } }', {}, tenantA.token));
    expect(list.riskAssessments.nodes.map((node) => node.id)).toEqual([assessmentA]);
    // Tenant B's user through tenant A's token: plattform hides the user, risk-hub the measures.
    const response = await postGraphQLSigningSubgraphs<{ _entities: Array<{ assignedMeasures: unknown[] } | null> }>(
      hub.hubGraphqlUrl,
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { assignedMeasures { id description } } } }',
      { reps: [{ __typename: 'User', id: tenantB.userId }] },
      tenantA.token,
    );
    expect(response.data?._entities).toEqual([{ assignedMeasures: [] }]);
  });

  it("_entities with another tenant's RiskAssessment id resolves to null", async () => {
    const query = 'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on RiskAssessment { id title hazards { description } } } }';
    const response = await postGraphQLSigningSubgraphs<{ _entities: Array<{ id: string; title: string } | null> }>(
      hub.hubGraphqlUrl,
      query,
      {
        reps: [
          { __typename: 'RiskAssessment', id: assessmentB },
          { __typename: 'RiskAssessment', id: assessmentA },
          { __typename: 'RiskAssessment', id: 'not-a-uuid' },
        ],
      },
      tenantA.token,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([null, { id: assessmentA, title: 'Tenant A plan', hazards: [{ description: 'Tenant A plan hazard' }] }, null]);
    expect(JSON.stringify(response)).not.toContain('secret');
  });

  it('_entities without a token is refused', async () => {
    const response = await postGraphQLSigningSubgraphs(
      hub.hubGraphqlUrl,
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on RiskAssessment { id title } } }',
      { reps: [{ __typename: 'RiskAssessment', id: assessmentB }] },
    );
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(response)).not.toContain('secret');
  });

  describe('at the database level, as the restricted app role', () => {
    let client: Client;
    beforeAll(async () => {
      client = new Client({ connectionString: databaseSettings('risk-hub').appUrl });
      await client.connect();
    });
    afterAll(() => client.end());

    it('sees no rows without app.current_org, and only its own with it', async () => {
      for (const table of ['assessments', 'hazards', 'measures', 'audit_entries', 'documents', 'document_versions', 'document_contents', 'outbox']) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM risk_hub.${table}`);
        expect([table, rows[0].n]).toEqual([table, 0]);
      }
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [tenantA.orgId]);
        const { rows } = await client.query('SELECT id FROM risk_hub.assessments');
        expect(rows.map((row: { id: string }) => row.id)).toEqual([assessmentA]);
        await expect(
          client.query(
            `INSERT INTO risk_hub.hazards (id, org_id, assessment_id, description, category, likelihood, severity)
             VALUES (gen_random_uuid(), $1, $2, 'x', 'x', 1, 1)`,
            [tenantB.orgId, assessmentB],
          ),
        ).rejects.toThrow(/row-level security/);
      } finally {
        await client.query('ROLLBACK');
      }
    });

    it('the overdue scan function (callable by this role, which has no RLS bypass) returns ids only', async () => {
      const { rows } = await client.query(
        `SELECT r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user`,
      );
      expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const columns = await client.query('SELECT * FROM risk_hub.overdue_measure_ids(10) LIMIT 0');
      expect(columns.fields.map((field) => field.name)).toEqual(['org_id', 'measure_id']);
    });
  });
});
