import { randomUUID } from 'node:crypto';
import type { HubSubgraphModule } from '@hub/core';
import { tradingModule } from '@hub/trading';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { tradingApi } from '../../trading/test/support/tradingApi';
import { createAgentModule } from '../src/agentSubgraph';
import { CREATE_TASK, dataOf } from './support/agentProtocol';
import { createAssessment, riskHubModule } from './support/subjects';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

/**
 * A task or pipeline may only be about a subject its requester can see: the agent subgraph
 * checks the assessment or portfolio with its owning subgraph (through the gateway, as the
 * caller) before it stores the reference. Another tenant's id is NOT_FOUND and leaves no row,
 * whether the request comes through the gateway or straight at the agent subgraph.
 */

const START = `mutation($input: StartAgentPipelineInput!) { startAgentPipeline(input: $input) { id status } }`;

describe('task and pipeline subjects belong to the requester’s tenant', () => {
  let stack: TestStack;
  let admin: Client;
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  let ownAssessment: string;
  let ownPortfolio: string;
  let foreignAssessment: string;
  let foreignPortfolio: string;

  async function rowsAbout(subjectId: string): Promise<number> {
    const { rows } = await admin.query(
      `SELECT (SELECT count(*) FROM agent.tasks WHERE subject_id = $1) + (SELECT count(*) FROM agent.pipelines WHERE subject_id = $1) AS n`,
      [subjectId],
    );
    return Number(rows[0].n);
  }

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [riskHubModule(), tradingModule as unknown as HubSubgraphModule, createAgentModule() as HubSubgraphModule] });
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    tenantA = await signUpAccount(stack, 'Subject Tenant A');
    tenantB = await signUpAccount(stack, 'Subject Tenant B');
    ownAssessment = await createAssessment(stack, tenantA.token);
    foreignAssessment = await createAssessment(stack, tenantB.token);
    ownPortfolio = (await tradingApi(stack.query, tenantA.token).createPortfolio(1_000)).id;
    foreignPortfolio = (await tradingApi(stack.query, tenantB.token).createPortfolio(1_000)).id;
  });

  afterAll(async () => {
    await admin?.end();
    await stack?.stop();
  });

  const foreignRequests = () => [
    ['task about B’s assessment', CREATE_TASK, { input: { type: 'risk.review', input: {}, riskAssessmentId: foreignAssessment } }, foreignAssessment],
    ['task about B’s portfolio', CREATE_TASK, { input: { type: 'portfolio.review', input: {}, portfolioId: foreignPortfolio } }, foreignPortfolio],
    [
      'pipeline about B’s assessment',
      START,
      { input: { name: 'Review', riskAssessmentId: foreignAssessment, stages: [{ name: 'review', taskType: 'risk.review', input: {} }] } },
      foreignAssessment,
    ],
    [
      'pipeline about B’s portfolio',
      START,
      { input: { name: 'Review', portfolioId: foreignPortfolio, stages: [{ name: 'review', taskType: 'portfolio.review', input: {} }] } },
      foreignPortfolio,
    ],
  ] as const;

  it('refuses another tenant’s subject with NOT_FOUND and stores nothing (gateway and agent subgraph)', async () => {
    for (const [what, mutation, variables, subjectId] of foreignRequests()) {
      const viaGateway = await stack.query(mutation, variables, tenantA.token);
      const direct = await postGraphQLSigningSubgraphs(stack.subgraphUrls.agent!, mutation, variables, tenantA.token);
      expect({ what, gateway: errorCodes(viaGateway), direct: errorCodes(direct) }).toEqual({ what, gateway: ['NOT_FOUND'], direct: ['NOT_FOUND'] });
      expect(JSON.stringify([viaGateway.errors, direct.errors])).not.toMatch(/Subject Tenant B|INVALID_GRAPHQL/);
      expect({ what, rows: await rowsAbout(subjectId) }).toEqual({ what, rows: 0 });
    }
  });

  it('refuses an id that names nothing with NOT_FOUND', async () => {
    const unknown = randomUUID();
    const response = await stack.query(CREATE_TASK, { input: { type: 'risk.review', input: {}, riskAssessmentId: unknown } }, tenantA.token);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(await rowsAbout(unknown)).toBe(0);
  });

  it('accepts the requester’s own assessment and portfolio, for tasks and pipelines', async () => {
    const task = await stack.query<{ createAgentTask: { id: string; status: string } }>(
      CREATE_TASK,
      { input: { type: 'risk.review', input: {}, riskAssessmentId: ownAssessment } },
      tenantA.token,
    );
    expect(dataOf(task).createAgentTask.status).toBe('QUEUED');
    const portfolioTask = await postGraphQLSigningSubgraphs<{ createAgentTask: { status: string } }>(
      stack.subgraphUrls.agent!,
      CREATE_TASK,
      { input: { type: 'portfolio.review', input: {}, portfolioId: ownPortfolio } },
      tenantA.token,
    );
    expect(dataOf(portfolioTask).createAgentTask.status).toBe('QUEUED');
    const pipeline = await stack.query<{ startAgentPipeline: { status: string } }>(
      START,
      { input: { name: 'Review', riskAssessmentId: ownAssessment, stages: [{ name: 'review', taskType: 'risk.review', input: {} }] } },
      tenantA.token,
    );
    expect(dataOf(pipeline).startAgentPipeline.status).toBe('RUNNING');
    expect(await rowsAbout(ownAssessment)).toBe(3);
    expect(await rowsAbout(ownPortfolio)).toBe(1);
  });
});
