import { seedRiskHubDemo } from '../src';
import { signUpAccount } from '@hub/testkit/testStack';
import { expectData, startRiskHubStack, type RiskHubStack } from './support/riskHubStack';

describe('risk-hub demo seed', () => {
  let hub: RiskHubStack;
  beforeAll(async () => {
    hub = await startRiskHubStack();
  });
  afterAll(() => hub.stop());

  it('creates realistic assessments with hazards and measures once, and leaves them alone on the next run', async () => {
    const demo = await signUpAccount(hub.stack, 'Demo Seed Org');
    const tenant = { orgId: demo.orgId, userId: demo.userId };
    expect(await seedRiskHubDemo(hub.hub, tenant)).toBe('created 3 assessments');
    expect(await seedRiskHubDemo(hub.hub, tenant)).toBe('existing (3 assessments)');

    const data = await expectData(hub.query<{ riskAssessments: { nodes: Array<{ title: string; status: string; riskLevel: string; hazards: Array<{ measures: Array<{ overdue: boolean }> }> }> } }>(
      '{ riskAssessments(orderBy: { field: TITLE }) { nodes { title status riskLevel hazards { measures { overdue } } } } }', {}, demo.token));
    const nodes = data.riskAssessments.nodes;
    expect(nodes.map((node) => [node.title, node.status, node.riskLevel])).toEqual([
      ['Office workstations', 'DRAFT', 'MEDIUM'],
      ['Solvent handling in the paint shop', 'DRAFT', 'HIGH'],
      ['Warehouse forklift operations', 'IN_REVIEW', 'HIGH'],
    ]);
    const measures = nodes.flatMap((node) => node.hazards.flatMap((hazard) => hazard.measures));
    expect(measures).toHaveLength(7);
    expect(measures.filter((measure) => measure.overdue)).toHaveLength(1);
  });
});
