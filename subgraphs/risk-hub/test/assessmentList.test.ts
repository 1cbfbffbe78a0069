import { personScope } from '@hub/core';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { daysFromToday } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';

const LIST = /* GraphQL */ `
  query($first: Int, $after: String, $filter: RiskAssessmentFilter, $orderBy: RiskAssessmentOrder) {
    riskAssessments(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { title } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface ListData {
  riskAssessments: { edges: Array<{ cursor: string; node: { title: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('assessment lists: filters, sorting, cursor pagination', () => {
  let hub: RiskHubStack;
  let team: TestTeam;

  // title, owner, status, hazard ratings [likelihood, severity][], measure due offsets (days), review due offset
  const fixtures: Array<{ title: string; owner: 'member' | 'admin'; submit: boolean; hazards: Array<[number, number]>; due: number[]; review: number | null }> = [
    { title: 'Alpha', owner: 'member', submit: false, hazards: [[1, 2]], due: [5], review: 30 },
    { title: 'bravo', owner: 'admin', submit: true, hazards: [[2, 3], [1, 1]], due: [-2], review: 10 },
    { title: 'Charlie', owner: 'member', submit: true, hazards: [[3, 4]], due: [3], review: null },
    { title: 'Delta', owner: 'admin', submit: false, hazards: [[5, 4]], due: [-1, 4], review: 20 },
    { title: 'echo', owner: 'member', submit: false, hazards: [], due: [], review: 5 },
  ];

  beforeAll(async () => {
    hub = await startRiskHubStack();
    team = await createTeam(hub.stack, 'List Org');
    const { assessments, hazards, measures } = hub.hub.services;
    for (const fixture of fixtures) {
      // One transaction each, so created_at (transaction time) follows the list order.
      await hub.hub.database.run(personScope(team.owner.orgId, team.member.userId), async (unit) => {
        const assessment = await assessments.create(unit, {
          title: fixture.title,
          ownerId: team[fixture.owner].userId,
          reviewDueDate: fixture.review === null ? null : daysFromToday(fixture.review),
        });
        for (const [likelihood, severity] of fixture.hazards) {
          const hazard = await hazards.add(unit, assessment.id, { description: 'h', category: 'c', likelihood, severity });
          for (const due of fixture.due) await measures.add(unit, hazard.id, { description: 'm', type: 'PPE', dueDate: daysFromToday(due) });
        }
        if (fixture.submit) await assessments.submit(unit, assessment.id);
      });
    }
  });
  afterAll(() => hub.stop());

  async function titles(variables: Record<string, unknown>): Promise<string[]> {
    const data = await expectData(hub.query<ListData>(LIST, variables, team.viewer.token));
    return data.riskAssessments.edges.map((edge) => edge.node.title);
  }

  it('defaults to newest first', async () => {
    expect(await titles({})).toEqual(['echo', 'Delta', 'Charlie', 'bravo', 'Alpha']);
  });

  it('sorts by title (case-insensitive), review due date (nulls last) and risk score, both directions', async () => {
    expect(await titles({ orderBy: { field: 'TITLE' } })).toEqual(['Alpha', 'bravo', 'Charlie', 'Delta', 'echo']);
    expect(await titles({ orderBy: { field: 'TITLE', direction: 'DESC' } })).toEqual(['echo', 'Delta', 'Charlie', 'bravo', 'Alpha']);
    expect(await titles({ orderBy: { field: 'REVIEW_DUE_DATE' } })).toEqual(['echo', 'bravo', 'Delta', 'Alpha', 'Charlie']);
    expect(await titles({ orderBy: { field: 'RISK_SCORE', direction: 'DESC' } })).toEqual(['Delta', 'Charlie', 'bravo', 'Alpha', 'echo']);
  });

  it('filters by status, level, owner and overdue', async () => {
    const sorted = { orderBy: { field: 'TITLE' } };
    expect(await titles({ ...sorted, filter: { status: ['IN_REVIEW'] } })).toEqual(['bravo', 'Charlie']);
    // Levels by highest hazard: Alpha 2 LOW, bravo 6 MEDIUM, Charlie 12 HIGH, Delta 20 CRITICAL, echo none.
    expect(await titles({ ...sorted, filter: { level: ['LOW'] } })).toEqual(['Alpha']);
    expect(await titles({ ...sorted, filter: { level: ['MEDIUM', 'CRITICAL'] } })).toEqual(['bravo', 'Delta']);
    expect(await titles({ ...sorted, filter: { ownerId: team.admin.userId } })).toEqual(['bravo', 'Delta']);
    expect(await titles({ ...sorted, filter: { overdue: true } })).toEqual(['bravo', 'Delta']);
    expect(await titles({ ...sorted, filter: { overdue: false } })).toEqual(['Alpha', 'Charlie', 'echo']);
    expect(await titles({ ...sorted, filter: { overdue: true, ownerId: team.member.userId } })).toEqual([]);
  });

  it('pages with cursors through every sort order without gaps or repeats', async () => {
    for (const orderBy of [
      undefined,
      { field: 'TITLE', direction: 'ASC' },
      { field: 'REVIEW_DUE_DATE', direction: 'DESC' },
      { field: 'RISK_SCORE', direction: 'ASC' },
    ]) {
      const all = await titles({ orderBy });
      const paged: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard += 1) {
        const data: ListData = await expectData(hub.query<ListData>(LIST, { first: 2, after, orderBy }, team.viewer.token));
        paged.push(...data.riskAssessments.edges.map((edge) => edge.node.title));
        if (!data.riskAssessments.pageInfo.hasNextPage) break;
        after = data.riskAssessments.pageInfo.endCursor;
      }
      expect([orderBy, paged]).toEqual([orderBy, all]);
    }
  });

  it('refuses bad paging input with BAD_USER_INPUT', async () => {
    const byTitle = await expectData(hub.query<ListData>(LIST, { first: 1, orderBy: { field: 'TITLE' } }, team.viewer.token));
    const cursor = byTitle.riskAssessments.pageInfo.endCursor;
    for (const variables of [
      { first: 0 },
      { first: 101 },
      { after: 'not-a-cursor' },
      { after: cursor, orderBy: { field: 'CREATED_AT' } },
      { after: Buffer.from(JSON.stringify(['TITLE', 'x', "'; drop"])).toString('base64url'), orderBy: { field: 'TITLE' } },
    ]) {
      const response = await hub.query(LIST, variables, team.viewer.token);
      expect([variables, errorCodes(response)]).toEqual([variables, ['BAD_USER_INPUT']]);
    }
  });
});
