import { errorCodes } from '@hub/testkit/graphqlClient';
import {
  ADD_HAZARD,
  ADD_MEASURE,
  APPROVE,
  ARCHIVE,
  CREATE,
  daysFromToday,
  GET,
  REJECT,
  REVISE,
  SUBMIT,
  UPDATE,
  type AssessmentView,
} from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';

describe('risk assessment workflow', () => {
  let hub: RiskHubStack;
  let team: TestTeam;

  beforeAll(async () => {
    hub = await startRiskHubStack();
    team = await createTeam(hub.stack, 'Workflow Org');
  });
  afterAll(() => hub.stop());

  async function create(token: string, title = 'Forklift traffic'): Promise<AssessmentView> {
    const data = await expectData(hub.query<{ createRiskAssessment: AssessmentView }>(CREATE, { input: { title, site: 'Hall 2' } }, token));
    return data.createRiskAssessment;
  }

  async function step(operation: string, id: string, token: string, extra: Record<string, unknown> = {}): Promise<AssessmentView> {
    const data = await expectData(hub.query<Record<string, AssessmentView>>(operation, { id, ...extra }, token));
    return Object.values(data)[0]!;
  }

  it('runs DRAFT → IN_REVIEW → APPROVED → DRAFT → IN_REVIEW → REJECTED → DRAFT → IN_REVIEW → APPROVED → ARCHIVED', async () => {
    const created = await create(team.member.token);
    expect(created).toMatchObject({ status: 'DRAFT', version: 0, site: 'Hall 2', scope: '' });
    expect(created.author).toEqual({ id: team.member.userId });
    expect(created.owner).toEqual({ id: team.member.userId });

    expect((await step(SUBMIT, created.id, team.member.token)).status).toBe('IN_REVIEW');
    const approved = await step(APPROVE, created.id, team.admin.token);
    expect(approved).toMatchObject({ status: 'APPROVED', version: 1, decidedBy: { id: team.admin.userId } });
    expect(approved.decidedAt).not.toBeNull();

    const revised = await step(REVISE, created.id, team.member.token);
    expect(revised).toMatchObject({ status: 'DRAFT', version: 1, decidedBy: null });
    const updated = await step(UPDATE, created.id, team.member.token, { input: { title: 'Forklift traffic, rev. 2', site: null } });
    expect(updated).toMatchObject({ title: 'Forklift traffic, rev. 2', site: null });

    await step(SUBMIT, created.id, team.member.token);
    const rejected = await step(REJECT, created.id, team.owner.token, { reason: 'Night shift is missing' });
    expect(rejected).toMatchObject({ status: 'REJECTED', version: 1, rejectionReason: 'Night shift is missing' });

    await step(REVISE, created.id, team.member.token);
    await step(SUBMIT, created.id, team.member.token);
    const second = await step(APPROVE, created.id, team.admin.token);
    expect(second).toMatchObject({ status: 'APPROVED', version: 2, rejectionReason: null });
    expect((await step(ARCHIVE, created.id, team.member.token)).status).toBe('ARCHIVED');

    const final = await step(GET, created.id, team.viewer.token);
    expect(final).toMatchObject({ status: 'ARCHIVED', version: 2 });
  });

  it('refuses illegal transitions with BAD_USER_INPUT and leaves the status unchanged', async () => {
    const draft = await create(team.member.token);
    const cases: Array<[string, string, Record<string, unknown>]> = [
      [APPROVE, team.admin.token, {}],
      [REJECT, team.admin.token, { reason: 'no' }],
      [REVISE, team.member.token, {}],
      [ARCHIVE, team.member.token, {}],
    ];
    for (const [operation, token, extra] of cases) {
      const response = await hub.query(operation, { id: draft.id, ...extra }, token);
      expect([operation.slice(0, 40), errorCodes(response)]).toEqual([operation.slice(0, 40), ['BAD_USER_INPUT']]);
    }
    await step(SUBMIT, draft.id, team.member.token);
    for (const [operation, variables] of [
      [SUBMIT, {}],
      [REVISE, {}],
      [ARCHIVE, {}],
      [UPDATE, { input: { title: 'changed while in review' } }],
    ] as const) {
      const response = await hub.query(operation, { id: draft.id, ...variables }, team.member.token);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const hazard = await hub.query(ADD_HAZARD, { a: draft.id, input: { description: 'x', category: 'y', likelihood: 1, severity: 1 } }, team.member.token);
    expect(errorCodes(hazard)).toEqual(['BAD_USER_INPUT']);
    await step(APPROVE, draft.id, team.admin.token);
    await step(ARCHIVE, draft.id, team.member.token);
    for (const operation of [SUBMIT, APPROVE, REVISE, ARCHIVE]) {
      const response = await hub.query(operation, { id: draft.id }, team.admin.token);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    expect((await step(GET, draft.id, team.member.token)).status).toBe('ARCHIVED');
  });

  it('four-eyes: the author cannot approve or reject, even with the approve permission', async () => {
    const own = await create(team.admin.token, 'Admin wrote this');
    await step(SUBMIT, own.id, team.admin.token);
    for (const [operation, extra] of [[APPROVE, {}], [REJECT, { reason: 'my own' }]] as const) {
      const response = await hub.query(operation, { id: own.id, ...extra }, team.admin.token);
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(response.errors?.[0]?.message).toMatch(/four-eyes/);
    }
    expect((await step(GET, own.id, team.admin.token)).status).toBe('IN_REVIEW');
    // Someone else with the permission may.
    expect((await step(APPROVE, own.id, team.owner.token)).status).toBe('APPROVED');
  });

  it('rejection needs a reason', async () => {
    const assessment = await create(team.member.token);
    await step(SUBMIT, assessment.id, team.member.token);
    const response = await hub.query(REJECT, { id: assessment.id, reason: '   ' }, team.admin.token);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.extensions?.field).toBe('reason');
    expect((await step(GET, assessment.id, team.member.token)).status).toBe('IN_REVIEW');
  });

  it('refuses callers without the permission: viewer cannot write, member cannot approve, anonymous cannot read', async () => {
    const viewerCreate = await hub.query(CREATE, { input: { title: 'viewer' } }, team.viewer.token);
    expect(errorCodes(viewerCreate)).toEqual(['FORBIDDEN']);
    expect(viewerCreate.errors?.[0]?.extensions?.requiredScopes).toEqual([[['risk.assessment.write']]]);

    const assessment = await create(team.owner.token);
    await step(SUBMIT, assessment.id, team.owner.token);
    for (const [operation, extra] of [[APPROVE, {}], [REJECT, { reason: 'no' }]] as const) {
      const response = await hub.query(operation, { id: assessment.id, ...extra }, team.member.token);
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(response.errors?.[0]?.extensions?.requiredScopes).toEqual([[['risk.assessment.approve']]]);
    }
    const viewerSubmit = await hub.query(REVISE, { id: assessment.id }, team.viewer.token);
    expect(errorCodes(viewerSubmit)).toEqual(['FORBIDDEN']);

    const anonymous = await hub.query(GET, { id: assessment.id });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    const anonymousList = await hub.query('{ riskAssessments { nodes { id } } }');
    expect(errorCodes(anonymousList)).toEqual(['UNAUTHENTICATED']);
    expect((await step(GET, assessment.id, team.viewer.token)).status).toBe('IN_REVIEW');
  });

  it('rates hazards by the documented thresholds and validates ratings', async () => {
    const assessment = await create(team.member.token);
    const expectations: Array<[number, number, number, string]> = [
      [1, 4, 4, 'LOW'],
      [1, 5, 5, 'MEDIUM'],
      [3, 3, 9, 'MEDIUM'],
      [2, 5, 10, 'HIGH'],
      [3, 5, 15, 'HIGH'],
      [4, 4, 16, 'CRITICAL'],
      [5, 5, 25, 'CRITICAL'],
    ];
    for (const [likelihood, severity, score, level] of expectations) {
      const data = await expectData(
        hub.query<{ addHazard: { riskScore: number; riskLevel: string } }>(
          ADD_HAZARD,
          { a: assessment.id, input: { description: `L${likelihood} S${severity}`, category: 'Test', likelihood, severity } },
          team.member.token,
        ),
      );
      expect([likelihood, severity, data.addHazard.riskScore, data.addHazard.riskLevel]).toEqual([likelihood, severity, score, level]);
    }
    for (const [likelihood, severity] of [[0, 3], [6, 1], [-1, 2]]) {
      const response = await hub.query(
        ADD_HAZARD,
        { a: assessment.id, input: { description: 'bad', category: 'Test', likelihood, severity } },
        team.member.token,
      );
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const level = await expectData(hub.query<{ riskAssessment: { riskLevel: string } }>(
      'query($id: ID!) { riskAssessment(id: $id) { riskLevel } }', { id: assessment.id }, team.member.token));
    expect(level.riskAssessment.riskLevel).toBe('CRITICAL');
  });

  it('measures: owner, due date, overdue flag, residual risk; progress allowed after approval', async () => {
    const assessment = await create(team.member.token);
    const hazard = await expectData(hub.query<{ addHazard: { id: string } }>(
      ADD_HAZARD, { a: assessment.id, input: { description: 'Noise', category: 'Physical', likelihood: 4, severity: 3 } }, team.member.token));
    const late = await expectData(hub.query<{ addMeasure: { id: string; overdue: boolean; owner: { id: string } } }>(
      ADD_MEASURE,
      { h: hazard.addHazard.id, input: { description: 'Hearing protection', type: 'PPE', dueDate: daysFromToday(-1), ownerId: team.admin.userId } },
      team.member.token,
    ));
    expect(late.addMeasure).toMatchObject({ overdue: true, owner: { id: team.admin.userId } });
    const bad = await hub.query(ADD_MEASURE, { h: hazard.addHazard.id, input: { description: 'x', type: 'PPE', dueDate: '2025-02-30' } }, team.member.token);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const badType = await hub.query(ADD_MEASURE, { h: hazard.addHazard.id, input: { description: 'x', type: 'PRAYER', dueDate: '2025-02-01' } }, team.member.token);
    expect(badType.errors?.length).toBe(1);

    await step(SUBMIT, assessment.id, team.member.token);
    await step(APPROVE, assessment.id, team.admin.token);
    const progressed = await expectData(hub.query<{ updateMeasure: Record<string, unknown> }>(
      `mutation($id: ID!, $input: UpdateMeasureInput!) { updateMeasure(id: $id, input: $input) {
         status overdue residualLikelihood residualSeverity residualRiskScore residualRiskLevel } }`,
      { id: late.addMeasure.id, input: { status: 'DONE', residualLikelihood: 1, residualSeverity: 3 } },
      team.admin.token,
    ));
    expect(progressed.updateMeasure).toEqual({
      status: 'DONE', overdue: false, residualLikelihood: 1, residualSeverity: 3, residualRiskScore: 3, residualRiskLevel: 'LOW',
    });
  });

  it('User.assignedMeasures extends plattform’s User across the gateway', async () => {
    const assessment = await create(team.member.token, 'Assigned work');
    const hazard = await expectData(hub.query<{ addHazard: { id: string } }>(
      ADD_HAZARD, { a: assessment.id, input: { description: 'Dust', category: 'Chemical', likelihood: 2, severity: 2 } }, team.member.token));
    const measure = await expectData(hub.query<{ addMeasure: { id: string } }>(
      ADD_MEASURE,
      { h: hazard.addHazard.id, input: { description: 'Extraction', type: 'ENGINEERING', dueDate: daysFromToday(10), ownerId: team.viewer.userId } },
      team.member.token,
    ));
    const data = await expectData(hub.query<{ user: { displayName: string; assignedMeasures: Array<{ id: string; hazard: { assessment: { title: string } } }> } }>(
      'query($id: ID!) { user(id: $id) { displayName assignedMeasures { id hazard { assessment { title } } } } }',
      { id: team.viewer.userId },
      team.owner.token,
    ));
    expect(data.user.displayName).toBe('Test User');
    expect(data.user.assignedMeasures).toEqual([{ id: measure.addMeasure.id, hazard: { assessment: { title: 'Assigned work' } } }]);
  });

  it('unknown or malformed ids are NOT_FOUND / BAD_USER_INPUT, not internal errors', async () => {
    const missing = await hub.query(GET, { id: '00000000-0000-4000-8000-000000000000' }, team.member.token);
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    const malformed = await hub.query(SUBMIT, { id: "1'; drop table x" }, team.member.token);
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(malformed)).not.toMatch(/select|drop table x|stack/i);
  });
});
