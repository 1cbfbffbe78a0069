import { personScope } from '@hub/core';
import { QueryCounter } from './support/queryCounter';
import { daysFromToday } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';
import { machineTime } from '@hub/testkit/machineTime';

const PAGE = /* GraphQL */ `
  query($first: Int!) {
    riskAssessments(first: $first, orderBy: { field: TITLE }) {
      nodes {
        id title status riskLevel
        owner { id displayName }
        hazards { id riskScore riskLevel measures { id type overdue owner { id displayName } } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface PageData {
  riskAssessments: {
    nodes: Array<{ id: string; owner: { displayName: string }; hazards: Array<{ measures: Array<{ owner: { displayName: string } }> }> }>;
    pageInfo: { hasNextPage: boolean };
  };
}

describe('a page of assessments costs a constant number of SQL queries (dataloaders)', () => {
  let hub: RiskHubStack;
  let team: TestTeam;
  let riskHubQueries: QueryCounter;
  let plattformQueries: QueryCounter;

  beforeAll(async () => {
    hub = await startRiskHubStack();
    team = await createTeam(hub.stack, 'N plus one Org');
    const owners = [team.owner, team.admin, team.member, team.viewer];
    const { assessments, hazards, measures } = hub.hub.services;
    await hub.hub.database.run(personScope(team.owner.orgId, team.member.userId), async (unit) => {
      for (let index = 0; index < 60; index += 1) {
        const owner = owners[index % owners.length]!;
        const assessment = await assessments.create(unit, { title: `Assessment ${String(index).padStart(2, '0')}`, ownerId: owner.userId });
        for (let h = 0; h < 2; h += 1) {
          const hazard = await hazards.add(unit, assessment.id, { description: `Hazard ${h}`, category: 'Test', likelihood: 1 + h, severity: 3 });
          await measures.add(unit, hazard.id, { description: 'Measure', type: 'ADMINISTRATIVE', dueDate: daysFromToday(h - 1), ownerId: owners[(index + h) % owners.length]!.userId });
        }
      }
    });
    riskHubQueries = new QueryCounter(hub.hub.dataSource);
    plattformQueries = new QueryCounter(hub.stack.plattform.dataSource);
  }, machineTime(60_000));
  afterAll(() => hub.stop());

  async function countFor(first: number) {
    let plattformStatements: string[] = [];
    const measured = await riskHubQueries.measure(async () => {
      const inner = await plattformQueries.measure(() => expectData(hub.query<PageData>(PAGE, { first }, team.viewer.token)));
      plattformStatements = inner.statements;
      return inner.result;
    });
    return { data: measured.result, riskHub: measured.statements, plattform: plattformStatements };
  }

  it('5 and 50 assessments (with 2 hazards, 2 measures and owners each) cost the same, small number of statements', async () => {
    const small = await countFor(5);
    const large = await countFor(50);
    expect(small.data.riskAssessments.nodes).toHaveLength(5);
    expect(large.data.riskAssessments.nodes).toHaveLength(50);
    expect(large.data.riskAssessments.pageInfo.hasNextPage).toBe(true);
    const first = large.data.riskAssessments.nodes[0]!;
    expect(first.owner.displayName).toBe('Test User');
    expect(first.hazards).toHaveLength(2);
    expect(first.hazards[1]!.measures[0]!.owner.displayName).toBe('Test User');

    process.stdout.write(
      `risk-hub statements: page of 5 = ${small.riskHub.length}, page of 50 = ${large.riskHub.length}; ` +
        `plattform statements (owners): ${small.plattform.length} / ${large.plattform.length}\n`,
    );
    // risk-hub: list, hazards, measures = 3 transactions of BEGIN, set_config, SELECT, COMMIT.
    expect(large.riskHub.length).toBe(small.riskHub.length);
    expect(large.riskHub.length).toBe(12);
    expect(large.riskHub.filter((statement) => /^\s*SELECT/i.test(statement) && !/set_config/.test(statement))).toHaveLength(3);
    // plattform: the query plan fetches User twice (assessment owners, measure owners); the gateway's
    // executor sends both fetches, started together, as one request: one batched _entities
    // transaction, however many owners.
    expect([large.plattform.length, large.plattform]).toEqual([small.plattform.length, small.plattform]);
    expect(large.plattform.length).toBe(4);
  });
});
