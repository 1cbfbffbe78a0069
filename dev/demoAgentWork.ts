import type { Logger } from '@hub/core';

/** Demo work for the reference worker, queued as the demo user through the gateway. */
const DEMO_SUBJECTS = /* GraphQL */ `
  query DemoSubjects {
    agentTasks(type: "risk.review", first: 1) { id }
    riskAssessments(first: 50) { nodes { id title } }
    portfolios(first: 5) { edges { node { id name } } }
  }
`;

const START_PIPELINE = /* GraphQL */ `
  mutation DemoPipeline($input: StartAgentPipelineInput!) { startAgentPipeline(input: $input) { id } }
`;

const CREATE_TASK = /* GraphQL */ `
  mutation DemoTask($input: CreateAgentTaskInput!) { createAgentTask(input: $input) { id } }
`;

interface Subjects {
  agentTasks: Array<{ id: string }>;
  riskAssessments: { nodes: Array<{ id: string; title: string }> };
  portfolios: { edges: Array<{ node: { id: string; name: string } }> };
}

/** The seeded assessment with an overdue measure and a high residual risk: the review has findings. */
const REVIEWED_ASSESSMENT = 'Solvent handling in the paint shop';

async function request<T>(gatewayUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
  return body.data;
}

/**
 * Queues the demo's agent work once per tenant (skipped when a risk review exists): a pipeline
 * that reviews the paint-shop assessment and compiles its findings into a report, and a review
 * of the demo portfolio. Going through the gateway as the demo user, like a dashboard would.
 */
export async function queueDemoAgentWork(gatewayUrl: string, demoToken: string, logger: Logger): Promise<string> {
  const subjects = await request<Subjects>(gatewayUrl, demoToken, DEMO_SUBJECTS);
  if (subjects.agentTasks.length > 0) return 'existing';
  const queued: string[] = [];
  const assessment = subjects.riskAssessments.nodes.find((node) => node.title === REVIEWED_ASSESSMENT) ?? subjects.riskAssessments.nodes[0];
  if (assessment) {
    await request(gatewayUrl, demoToken, START_PIPELINE, {
      input: {
        name: `Review: ${assessment.title}`,
        riskAssessmentId: assessment.id,
        stages: [
          { name: 'review', taskType: 'risk.review', input: {} },
          {
            name: 'report',
            taskType: 'report.compile',
            input: { title: `Findings: ${assessment.title}` },
            inputMapping: [{ target: 'findings', source: 'review.findings' }],
          },
        ],
      },
    });
    queued.push('a review pipeline');
  }
  const portfolio = subjects.portfolios.edges[0]?.node;
  if (portfolio) {
    await request(gatewayUrl, demoToken, CREATE_TASK, { input: { type: 'portfolio.review', input: {}, portfolioId: portfolio.id } });
    queued.push('a portfolio review');
  }
  logger.debug({ queued }, 'demo agent work queued');
  return queued.length > 0 ? `queued ${queued.join(' and ')}` : 'nothing to review';
}
