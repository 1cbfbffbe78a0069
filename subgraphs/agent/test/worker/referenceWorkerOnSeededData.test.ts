import type { HubSubgraphModule } from '@hub/core';
import { riskHubModule } from '@hub/risk-hub';
import { tradingModule } from '@hub/trading';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../../src/agentSubgraph';
import { GatewayClient } from '../../worker/gatewayClient';
import { PERFORMERS } from '../../worker/performers';
import { ReferenceWorker } from '../../worker/referenceWorker';
import { CREATE_TASK, dataOf, TASK } from '../support/agentProtocol';
import { createServiceAccount, WORKER_SCOPES } from '@hub/testkit/serviceAccounts';
import { ServiceTokenSource } from '../../worker/serviceTokenSource';
import { machineTime } from '@hub/testkit/machineTime';

interface Finding {
  kind: string;
  severity: string;
  message: string;
}

/**
 * The reference worker end to end: risk-hub's and trading's demo data seeded into a tenant, tasks
 * created through the gateway, claimed and performed by the worker reading through the gateway.
 */
describe('reference worker on seeded risk-hub and trading data', () => {
  let stack: TestStack;
  let tenant: TestAccount;
  let worker: ReferenceWorker;

  beforeAll(async () => {
    const agent = createAgentModule() as HubSubgraphModule;
    stack = await startTestStack({ hubs: [riskHubModule, tradingModule as unknown as HubSubgraphModule, agent], redisUrl: TEST_REDIS_URL });
    tenant = await signUpAccount(stack, 'Seeded Worker Tenant');
    const seedTenant = { orgId: tenant.orgId, userId: tenant.userId };
    for (const module of [riskHubModule, tradingModule as unknown as HubSubgraphModule]) {
      await module.seedDemo!(stack.hubs[module.name]!, seedTenant);
    }
    // The worker reads the subjects it reviews, so its service account also holds those read
    // scopes; it authenticates as it does in production, exchanging its client credential.
    const credential = await createServiceAccount(stack, tenant.token, WORKER_SCOPES);
    const gateway = new GatewayClient(stack.gatewayUrl, new ServiceTokenSource(stack.gatewayUrl, credential));
    worker = new ReferenceWorker({ gateway, name: 'seeded-reference', performers: PERFORMERS });
  }, machineTime(120_000));
  afterAll(() => stack.stop());

  async function perform(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const created = dataOf(await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input }, tenant.token));
    expect(await worker.runOnce()).toEqual({ taskId: created.createAgentTask.id, outcome: 'completed' });
    const task = dataOf(
      await stack.query<{ agentTask: { status: string; progress: number; result: Record<string, unknown> } }>(
        TASK,
        { id: created.createAgentTask.id },
        tenant.token,
      ),
    ).agentTask;
    expect(task).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
    return task.result;
  }

  async function assessmentId(title: string): Promise<string> {
    const page = dataOf(
      await stack.query<{ riskAssessments: { nodes: Array<{ id: string; title: string }> } }>(
        'query { riskAssessments(first: 50) { nodes { id title } } }',
        {},
        tenant.token,
      ),
    );
    return page.riskAssessments.nodes.find((node) => node.title === title)!.id;
  }

  it('risk.review of the paint shop finds the overdue respirators and the residual vapour risk', async () => {
    const result = await perform({ type: 'risk.review', input: {}, riskAssessmentId: await assessmentId('Solvent handling in the paint shop') });
    const findings = result.findings as Finding[];
    // Seed: respirators due 3 days ago; vapour inhalation 4×3 = 12 with no residual stated (threshold 12);
    // fire 2×5 = 10 stays below the threshold; every hazard has measures.
    expect(findings.map((finding) => finding.kind).sort()).toEqual(['HIGH_RESIDUAL_RISK', 'OVERDUE_MEASURE']);
    expect(findings.find((finding) => finding.kind === 'OVERDUE_MEASURE')!.message).toBe(
      'Measure "Respirators with A2 filters for mixing work" for "Inhalation of solvent vapours during mixing" is 3 day(s) overdue',
    );
    expect(findings.find((finding) => finding.kind === 'HIGH_RESIDUAL_RISK')!.message).toBe(
      'Residual risk of "Inhalation of solvent vapours during mixing" is 12 (threshold 12)',
    );
  });

  it('risk.review of the forklift assessment finds nothing: measures lower the risk and none is overdue', async () => {
    const result = await perform({ type: 'risk.review', input: {}, riskAssessmentId: await assessmentId('Warehouse forklift operations') });
    expect(result.findings).toEqual([]);
  });

  it('portfolio.review reports weights and warnings that match the positions read through the gateway', async () => {
    const portfolios = dataOf(
      await stack.query<{ portfolios: { edges: Array<{ node: { id: string; cash: number; positions: Array<{ marketValue: number; instrument: { symbol: string } }> } }> } }>(
        'query { portfolios(first: 5) { edges { node { id cash positions { marketValue instrument { symbol } } } } } }',
        {},
        tenant.token,
      ),
    );
    const portfolio = portfolios.portfolios.edges[0]!.node;
    expect(portfolio.positions.length).toBe(3);
    const total = portfolio.cash + portfolio.positions.reduce((sum, position) => sum + position.marketValue, 0);

    const result = await perform({ type: 'portfolio.review', input: {}, portfolioId: portfolio.id });
    const weights = result.weights as Array<{ symbol: string; weight: number }>;
    expect(weights.map((entry) => entry.symbol).sort()).toEqual(portfolio.positions.map((position) => position.instrument.symbol).sort());
    for (const position of portfolio.positions) {
      const reported = weights.find((entry) => entry.symbol === position.instrument.symbol)!.weight;
      expect(reported).toBeCloseTo(position.marketValue / total, 3);
    }
    const summary = result.summary as { positions: number; totalValue: number; maxDrawdown: number | null };
    expect(summary.positions).toBe(3);
    expect(summary.totalValue).toBeCloseTo(total, 1);
    // 60 bars were played in after the purchases, so there is a daily value series to judge.
    expect(summary.maxDrawdown).not.toBeNull();
    const concentrated = portfolio.positions.filter((position) => position.marketValue / total > 0.25).map((position) => position.instrument.symbol);
    const warned = (result.warnings as Array<{ kind: string; symbol?: string }>).filter((warning) => warning.kind === 'CONCENTRATION');
    expect(warned.map((warning) => warning.symbol).sort()).toEqual(concentrated.sort());
  });
});
