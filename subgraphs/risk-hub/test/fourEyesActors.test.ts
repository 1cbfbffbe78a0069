import { Client } from 'pg';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { createServiceAccount, exchangeServiceToken, type ServiceCredential } from '@hub/testkit/serviceAccounts';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { addMemberAndLogin, signUpAccount, type TestAccount } from '@hub/testkit/testStack';
import { ADD_HAZARD, ADD_MEASURE, APPROVE, CREATE, daysFromToday, GET, REJECT, SUBMIT, type AssessmentView } from './support/operations';
import { expectData, postGraphQL, startRiskHubStack, type RiskHubStack } from './support/riskHubStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

/** The person or service account behind an Actor, as the gateway resolves it through plattform. */
const ACTOR_FIELDS = /* GraphQL */ `
  __typename
  ... on User { id displayName }
  ... on ServiceAccount { id name createdBy { id } }
`;

const AUDIT = /* GraphQL */ `
  query($id: ID!) {
    riskAssessment(id: $id) {
      author { id }
      authoredBy { ${ACTOR_FIELDS} }
      decidedBy { id displayName }
      decider { ${ACTOR_FIELDS} }
      auditTrail { action actor { id } actorKind actorId performedBy { ${ACTOR_FIELDS} } serviceAccountCreator { id } }
    }
  }
`;

interface ActorView {
  __typename: 'User' | 'ServiceAccount';
  id: string;
  displayName?: string;
  name?: string;
  createdBy?: { id: string } | null;
}

interface AuditView {
  author: { id: string } | null;
  authoredBy: ActorView | null;
  decidedBy: { id: string; displayName: string } | null;
  decider: ActorView | null;
  auditTrail: Array<{
    action: string;
    actor: { id: string } | null;
    actorKind: string;
    actorId: string | null;
    performedBy: ActorView | null;
    serviceAccountCreator: { id: string } | null;
  }>;
}

const RISK_WRITE_SCOPES = ['risk.assessment.read', 'risk.assessment.write'];

/** How an audit entry reads when a person made the change. */
function byPerson(id: string, displayName: string) {
  return {
    actor: { id },
    actorKind: 'USER',
    actorId: id,
    performedBy: { __typename: 'User', id, displayName },
    serviceAccountCreator: null,
  };
}

function subjectOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}

/**
 * A service account that was granted `risk.assessment.approve` before plattform stopped allowing
 * it: written with the admin connection, as such an old grant sits in the table.
 */
async function grantApproveAsBefore(serviceAccountId: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`UPDATE plattform.service_accounts SET scopes = scopes || '{risk.assessment.approve}' WHERE id = $1`, [serviceAccountId]);
  } finally {
    await admin.end();
  }
}

describe('four-eyes: decisions are made by a person other than the author; every actor is named', () => {
  let hub: RiskHubStack;
  let owner: TestAccount;
  let adminToken: string;
  let adminId: string;
  let otherTenant: TestAccount;

  beforeAll(async () => {
    hub = await startRiskHubStack();
    owner = await signUpAccount(hub.stack, 'Four Eyes Org', 'Olivia Owner');
    adminToken = await addMemberAndLogin(hub.stack, owner, 'ADMIN');
    adminId = subjectOf(adminToken);
    otherTenant = await signUpAccount(hub.stack, 'Four Eyes Other Tenant');
  });
  afterAll(() => hub.stop());

  const direct = <T>(query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse<T>> =>
    postGraphQLSigningSubgraphs<T>(hub.hubGraphqlUrl, query, variables, token);

  async function submitted(token: string, title: string): Promise<AssessmentView> {
    const created = (await expectData(hub.query<{ createRiskAssessment: AssessmentView }>(CREATE, { input: { title } }, token))).createRiskAssessment;
    await expectData(hub.query(SUBMIT, { id: created.id }, token));
    return created;
  }

  async function serviceToken(credential: ServiceCredential): Promise<string> {
    return (await expectData(exchangeServiceToken(hub.stack, credential))).issueServiceToken.accessToken;
  }

  async function statusOf(id: string): Promise<AssessmentView> {
    return (await expectData(hub.query<{ riskAssessment: AssessmentView }>(GET, { id }, owner.token))).riskAssessment;
  }

  it('the reported attack is refused: an admin cannot approve their own assessment through a service account', async () => {
    const own = await submitted(adminToken, 'Admin wrote this and tries a machine');
    // plattform no longer grants the decision to a service account at all.
    const grant = await hub.query(
      'mutation($input: CreateServiceAccountInput!) { createServiceAccount(input: $input) { clientId } }',
      { input: { name: 'self-approver', scopes: ['risk.assessment.approve'] } },
      adminToken,
    );
    expect(errorCodes(grant)).toEqual(['BAD_USER_INPUT']);
    expect(grant.errors![0]!.extensions).toMatchObject({ reason: 'PERSON_ONLY', scopes: ['risk.assessment.approve'] });

    // An account that holds it from before is refused by risk-hub, through the gateway and directly.
    const credential = await createServiceAccount(hub.stack, adminToken, RISK_WRITE_SCOPES);
    await grantApproveAsBefore(credential.clientId);
    const machine = await serviceToken(credential);
    for (const [operation, extra] of [[APPROVE, {}], [REJECT, { reason: 'machine says no' }]] as const) {
      for (const response of [await hub.query(operation, { id: own.id, ...extra }, machine), await direct(operation, { id: own.id, ...extra }, machine)]) {
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.errors![0]!.extensions).toMatchObject({ rule: 'four-eyes', reason: 'SERVICE_ACCOUNT' });
        expect(response.errors![0]!.message).toMatch(/Service accounts cannot approve or reject/);
      }
    }
    expect(await statusOf(own.id)).toMatchObject({ status: 'IN_REVIEW', decidedBy: null, decidedAt: null });
  });

  it('a service account cannot approve or reject anyone else’s assessment either', async () => {
    const credential = await createServiceAccount(hub.stack, owner.token, RISK_WRITE_SCOPES);
    await grantApproveAsBefore(credential.clientId);
    const machine = await serviceToken(credential);
    const assessment = await submitted(adminToken, 'Written by the admin, the owner made the machine');
    for (const [operation, extra] of [[APPROVE, {}], [REJECT, { reason: 'automated finding' }]] as const) {
      const response = await direct(operation, { id: assessment.id, ...extra }, machine);
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(response.errors![0]!.extensions).toMatchObject({ reason: 'SERVICE_ACCOUNT' });
    }
    expect((await statusOf(assessment.id)).status).toBe('IN_REVIEW');
  });

  it('the author cannot approve, not even with a freshly switched token; another admin of the organization can, and decidedBy resolves', async () => {
    const assessment = await submitted(owner.token, 'Owner wrote this');
    const switched = await expectData(
      hub.query<{ switchOrganization: { accessToken: string } }>(
        'mutation($org: ID!) { switchOrganization(organizationId: $org) { accessToken } }',
        { org: owner.orgId },
        owner.token,
      ),
    );
    for (const token of [owner.token, switched.switchOrganization.accessToken]) {
      for (const response of [await hub.query(APPROVE, { id: assessment.id }, token), await direct(APPROVE, { id: assessment.id }, token)]) {
        expect(errorCodes(response)).toEqual(['FORBIDDEN']);
        expect(response.errors![0]!.extensions).toMatchObject({ rule: 'four-eyes', reason: 'AUTHOR' });
      }
    }
    // Another tenant's owner holds the permission but does not see the assessment at all.
    for (const response of [await hub.query(APPROVE, { id: assessment.id }, otherTenant.token), await direct(APPROVE, { id: assessment.id }, otherTenant.token)]) {
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    }
    expect((await statusOf(assessment.id)).status).toBe('IN_REVIEW');

    const approved = await direct<{ approveAssessment: AssessmentView }>(APPROVE, { id: assessment.id }, adminToken);
    expect(approved.data?.approveAssessment).toMatchObject({ status: 'APPROVED', decidedBy: { id: adminId } });
    const view = (await expectData(hub.query<{ riskAssessment: AuditView }>(AUDIT, { id: assessment.id }, owner.token))).riskAssessment;
    expect(view.decidedBy).toEqual({ id: adminId, displayName: 'Test User' });
    expect(view.decider).toEqual({ __typename: 'User', id: adminId, displayName: 'Test User' });
    expect(view.auditTrail.at(-1)).toEqual({ action: 'approved', ...byPerson(adminId, 'Test User') });
  });

  it('a service account’s assessment: its creator counts as author, another person decides; the trail names the account and its creator', async () => {
    const credential = await createServiceAccount(hub.stack, adminToken, RISK_WRITE_SCOPES, 'importer');
    const machine = await serviceToken(credential);
    const imported = (await expectData(hub.query<{ createRiskAssessment: AssessmentView }>(CREATE, { input: { title: 'Imported by a machine' } }, machine)))
      .createRiskAssessment;
    const hazard = await expectData(hub.query<{ addHazard: { id: string } }>(
      ADD_HAZARD, { a: imported.id, input: { description: 'Dust', category: 'Chemical', likelihood: 3, severity: 3 } }, machine));
    const measure = await expectData(hub.query<{ addMeasure: { owner: { id: string } } }>(
      ADD_MEASURE, { h: hazard.addHazard.id, input: { description: 'Extraction', type: 'ENGINEERING', dueDate: daysFromToday(30) } }, machine));
    await expectData(hub.query(SUBMIT, { id: imported.id }, machine));
    // The person behind the machine is responsible for what it wrote, and may not approve it.
    expect(imported.owner).toEqual({ id: adminId });
    expect(measure.addMeasure.owner).toEqual({ id: adminId });
    for (const [operation, extra] of [[APPROVE, {}], [REJECT, { reason: 'my machine, my call' }]] as const) {
      const response = await hub.query(operation, { id: imported.id, ...extra }, adminToken);
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(response.errors![0]!.extensions).toMatchObject({ reason: 'AUTHOR' });
    }
    await expectData(hub.query(APPROVE, { id: imported.id }, owner.token));

    const view = (await expectData(hub.query<{ riskAssessment: AuditView }>(AUDIT, { id: imported.id }, owner.token))).riskAssessment;
    const account: ActorView = { __typename: 'ServiceAccount', id: credential.clientId, name: 'importer', createdBy: { id: adminId } };
    expect(view.author).toBeNull();
    expect(view.authoredBy).toEqual(account);
    expect(view.decider).toMatchObject({ __typename: 'User', id: owner.userId });
    const byMachine = { actor: null, actorKind: 'SERVICE_ACCOUNT', actorId: credential.clientId, performedBy: account, serviceAccountCreator: { id: adminId } };
    expect(view.auditTrail).toEqual([
      { action: 'created', ...byMachine },
      { action: 'created', ...byMachine },
      { action: 'created', ...byMachine },
      { action: 'submitted', ...byMachine },
      { action: 'approved', ...byPerson(owner.userId, 'Olivia Owner') },
    ]);
    // Straight at risk-hub the same record, as references.
    const raw = await direct<{ riskAssessment: { auditTrail: Array<Record<string, unknown>> } }>(
      `query($id: ID!) { riskAssessment(id: $id) { auditTrail { actorKind actorId serviceAccountCreator { id } performedBy { __typename ... on ServiceAccount { id } } } } }`,
      { id: imported.id },
      owner.token,
    );
    expect(raw.data?.riskAssessment.auditTrail[0]).toEqual({
      actorKind: 'SERVICE_ACCOUNT',
      actorId: credential.clientId,
      serviceAccountCreator: { id: adminId },
      performedBy: { __typename: 'ServiceAccount', id: credential.clientId },
    });
  });

  it('a service account named as actor shows name and creator to members; its grants stay with managers and its tenant', async () => {
    const credential = await createServiceAccount(hub.stack, owner.token, RISK_WRITE_SCOPES, 'visible-importer');
    const assessment = await submitted(await serviceToken(credential), 'Visible machine work');
    const memberToken = await addMemberAndLogin(hub.stack, owner, 'MEMBER');
    const trail = (fields: string) =>
      hub.query<{ riskAssessment: { auditTrail: Array<{ performedBy: Record<string, unknown> | null }> } }>(
        `query($id: ID!) { riskAssessment(id: $id) { auditTrail { performedBy { ... on ServiceAccount { ${fields} } } } } }`,
        { id: assessment.id },
        memberToken,
      );
    const named = await expectData(trail('id name status createdBy { id }'));
    expect(named.riskAssessment.auditTrail[0]!.performedBy).toEqual({
      id: credential.clientId,
      name: 'visible-importer',
      status: 'ACTIVE',
      createdBy: { id: owner.userId },
    });
    const grants = await trail('scopes');
    expect(errorCodes(grants)).toContain('FORBIDDEN');
    expect(JSON.stringify(grants.data ?? null)).not.toContain('risk.assessment.write');
    // Asked straight at plattform by another tenant, the reference resolves to nothing.
    const foreign = await hub.stack.plattformQuery<{ _entities: unknown[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on ServiceAccount { id name } } }',
      { r: [{ __typename: 'ServiceAccount', id: credential.clientId }] },
      otherTenant.token,
    );
    expect(foreign.data?._entities).toEqual([null]);
  });

  it('entries recorded before actor kinds were kept still read: no actor is the system, an actor is a person', async () => {
    const assessment = await submitted(owner.token, 'Has history');
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      for (const actor of [null, owner.userId]) {
        await admin.query(
          `INSERT INTO risk_hub.audit_entries (org_id, assessment_id, actor_id, entity_type, entity_id, action, changes)
           VALUES ($1, $2, $3, 'ASSESSMENT', $2, 'legacy', '{}')`,
          [owner.orgId, assessment.id, actor],
        );
      }
    } finally {
      await admin.end();
    }
    const view = (await expectData(hub.query<{ riskAssessment: AuditView }>(AUDIT, { id: assessment.id }, owner.token))).riskAssessment;
    expect(view.auditTrail.filter((entry) => entry.action === 'legacy')).toEqual([
      { action: 'legacy', actor: null, actorKind: 'SYSTEM', actorId: null, performedBy: null, serviceAccountCreator: null },
      { action: 'legacy', ...byPerson(owner.userId, 'Olivia Owner') },
    ]);
  });
});
