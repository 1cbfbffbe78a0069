import type { HubSubgraphModule } from '@hub/core';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../src/agentSubgraph';
import { claim, COMPLETE, dataOf, FAIL, PROGRESS, registerAgent } from './support/agentProtocol';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { createAssessment, riskHubModule } from './support/subjects';

const START = `mutation($input: StartAgentPipelineInput!) { startAgentPipeline(input: $input) { id status stages { name task { id status } } } }`;
const PIPELINE = `query($id: ID!) {
  agentPipeline(id: $id) {
    id status progress error results
    failedStage { name position task { id status error } }
    stages { position name taskType task { id status input } }
  }
}`;

interface PipelineView {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  results: Record<string, unknown>;
  failedStage: { name: string; position: number; task: { status: string; error: string } } | null;
  stages: Array<{ position: number; name: string; taskType: string; task: { id: string; status: string; input: Record<string, unknown> } | null }>;
}

const REVIEW_RESULT = (assessmentId: string) => ({
  assessmentId,
  summary: { hazards: 3, measures: 2, hazardsWithoutMeasures: 1, overdueMeasures: 1, highResidualRisks: 0 },
  findings: [
    { kind: 'HAZARD_WITHOUT_MEASURES', severity: 'critical', hazardId: 'h1', message: 'Hazard "Slippery floor" has no measures' },
    { kind: 'OVERDUE_MEASURE', severity: 'warning', hazardId: 'h2', measureId: 'm1', message: 'Measure "Guard rail" is overdue' },
  ],
});

describe('pipelines', () => {
  let stack: TestStack;
  let tenant: TestAccount;
  let worker: string;
  let agentId: string;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [riskHubModule(), createAgentModule() as HubSubgraphModule] });
    tenant = await signUpAccount(stack, 'Pipeline Tenant');
    worker = await serviceAccountToken(stack, tenant);
    agentId = await registerAgent(stack, worker, 'pipeline-worker');
  });
  afterAll(() => stack.stop());

  const view = async (id: string) => dataOf(await stack.query<{ agentPipeline: PipelineView }>(PIPELINE, { id }, tenant.token)).agentPipeline;

  interface StageInput {
    name: string;
    taskType: string;
    input?: Record<string, unknown>;
    inputMapping?: Array<{ target: string; source: string }>;
  }

  function reviewThenReport(assessmentId: string): { name: string; riskAssessmentId?: string; stages: StageInput[] } {
    return {
      name: 'Assessment review',
      riskAssessmentId: assessmentId,
      stages: [
        { name: 'review', taskType: 'risk.review', input: {} },
        {
          name: 'report',
          taskType: 'report.compile',
          input: { title: 'Review report' },
          inputMapping: [{ target: 'findings', source: 'review.findings' }],
        },
      ],
    };
  }

  it('success: each stage is queued when the previous one succeeds, with input mapped from its result', async () => {
    const assessmentId = await createAssessment(stack, tenant.token);
    const started = await stack.query<{ startAgentPipeline: PipelineView }>(START, { input: reviewThenReport(assessmentId) }, tenant.token);
    const pipelineId = dataOf(started).startAgentPipeline.id;
    let current = await view(pipelineId);
    expect(current.status).toBe('RUNNING');
    expect(current.stages.map((stage) => stage.task?.status ?? null)).toEqual(['QUEUED', null]);
    expect(current.progress).toBe(0);
    // The report stage cannot be claimed before the review succeeded.
    expect(await claim(stack, worker, agentId, ['report.compile'])).toBeNull();

    const review = (await claim(stack, worker, agentId, ['risk.review']))!;
    expect(review.task.subject).toEqual({ __typename: 'RiskAssessment', id: assessmentId });
    dataOf(await stack.query(PROGRESS, { taskId: review.task.id, leaseToken: review.leaseToken, progress: 0.5 }, worker));
    expect((await view(pipelineId)).progress).toBeCloseTo(0.25);
    dataOf(await stack.query(COMPLETE, { taskId: review.task.id, leaseToken: review.leaseToken, result: REVIEW_RESULT(assessmentId) }, worker));

    current = await view(pipelineId);
    expect(current.progress).toBeCloseTo(0.5);
    expect(current.stages[1]!.task).toMatchObject({
      status: 'QUEUED',
      input: { title: 'Review report', findings: REVIEW_RESULT(assessmentId).findings },
    });
    const report = (await claim(stack, worker, agentId, ['report.compile']))!;
    expect(report.task.id).toBe(current.stages[1]!.task!.id);
    const reportResult = { markdown: '# Review report', counts: { info: 0, warning: 1, critical: 1 } };
    dataOf(await stack.query(COMPLETE, { taskId: report.task.id, leaseToken: report.leaseToken, result: reportResult }, worker));

    current = await view(pipelineId);
    expect(current).toMatchObject({ status: 'SUCCEEDED', progress: 1, failedStage: null, error: null });
    expect(current.results).toEqual({ review: REVIEW_RESULT(assessmentId), report: reportResult });
  });

  it('failure: the pipeline fails with the failing stage and the partial results; later stages never run', async () => {
    const assessmentId = await createAssessment(stack, tenant.token);
    const input = reviewThenReport(assessmentId);
    input.stages.push({ name: 'archive', taskType: 'report.compile', input: { title: 'Archive', findings: [] } });
    const started = await stack.query<{ startAgentPipeline: PipelineView }>(START, { input }, tenant.token);
    const pipelineId = dataOf(started).startAgentPipeline.id;

    const review = (await claim(stack, worker, agentId, ['risk.review']))!;
    dataOf(await stack.query(COMPLETE, { taskId: review.task.id, leaseToken: review.leaseToken, result: REVIEW_RESULT(assessmentId) }, worker));
    const report = (await claim(stack, worker, agentId, ['report.compile']))!;
    dataOf(await stack.query(FAIL, { taskId: report.task.id, leaseToken: report.leaseToken, error: 'template missing', retryable: false }, worker));

    const current = await view(pipelineId);
    expect(current).toMatchObject({
      status: 'FAILED',
      error: 'template missing',
      failedStage: { name: 'report', position: 1, task: { status: 'FAILED', error: 'template missing' } },
      results: { review: REVIEW_RESULT(assessmentId) },
    });
    expect(current.stages[2]!.task).toBeNull();
    expect(await claim(stack, worker, agentId, ['report.compile'])).toBeNull();
  });

  it('failure: a mapping whose source value is missing fails the pipeline at that stage', async () => {
    const assessmentId = await createAssessment(stack, tenant.token);
    const input = reviewThenReport(assessmentId);
    input.stages[1]!.inputMapping = [{ target: 'findings', source: 'review.noSuchField' }];
    const started = await stack.query<{ startAgentPipeline: PipelineView }>(START, { input }, tenant.token);
    const pipelineId = dataOf(started).startAgentPipeline.id;
    const review = (await claim(stack, worker, agentId, ['risk.review']))!;
    dataOf(await stack.query(COMPLETE, { taskId: review.task.id, leaseToken: review.leaseToken, result: REVIEW_RESULT(assessmentId) }, worker));

    const current = await view(pipelineId);
    expect(current).toMatchObject({ status: 'FAILED', failedStage: { name: 'report', task: null }, results: { review: REVIEW_RESULT(assessmentId) } });
    expect(current.error).toMatch(/noSuchField/);
  });

  it('cancelling a stage cancels the pipeline', async () => {
    const started = await stack.query<{ startAgentPipeline: PipelineView }>(START, { input: reviewThenReport(await createAssessment(stack, tenant.token)) }, tenant.token);
    const { id, stages } = dataOf(started).startAgentPipeline;
    dataOf(await stack.query('mutation($id: ID!) { cancelAgentTask(id: $id) { id } }', { id: stages[0]!.task!.id }, tenant.token));
    expect(await view(id)).toMatchObject({ status: 'CANCELLED', failedStage: { name: 'review' } });
  });

  it('refuses malformed pipelines before queuing anything', async () => {
    const base = reviewThenReport(await createAssessment(stack, tenant.token));
    const cases = [
      { ...base, stages: [] },
      { ...base, stages: [base.stages[0], { ...base.stages[0] }] },
      { ...base, stages: [base.stages[1]] },
      { ...base, riskAssessmentId: undefined },
      { ...base, stages: [{ name: 'review', taskType: 'no.such.type' }] },
    ];
    for (const input of cases) {
      const response = await stack.query(START, { input }, tenant.token);
      expect([JSON.stringify(input.stages), errorCodes(response)]).toEqual([JSON.stringify(input.stages), ['BAD_USER_INPUT']]);
    }
    const list = await stack.query<{ agentTasks: Array<{ id: string; status: string }> }>('{ agentTasks(status: QUEUED) { id status } }', {}, tenant.token);
    expect(dataOf(list).agentTasks).toEqual([]);
  });
});
