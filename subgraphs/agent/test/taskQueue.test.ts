import type { HubSubgraphModule } from '@hub/core';
import { eventually } from '@hub/testkit/eventually';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../src/agentSubgraph';
import type { AgentServices } from '../src/services';
import {
  claim,
  COMPILED_REPORT,
  COMPLETE,
  CREATE_TASK,
  dataOf,
  FAIL,
  HEARTBEAT,
  PROGRESS,
  registerAgent,
  reportTaskInput,
  TASK,
  type ClaimedTask,
} from './support/agentProtocol';
import { setAgentConfig } from './support/agentConfig';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { createAssessment, riskHubModule } from './support/subjects';

describe('task queue and worker protocol (through the gateway)', () => {
  let stack: TestStack;
  let tenant: TestAccount;
  let worker: string;
  let services: AgentServices;

  beforeAll(async () => {
    // The sweeper runs only when a test asks for it, so lease timing is under the test's control.
    stack = await startTestStack({
      hubs: [riskHubModule(), createAgentModule({ leaseSweepIntervalMs: 3_600_000 }) as HubSubgraphModule],
      redisUrl: TEST_REDIS_URL,
    });
    services = stack.hubs.agent!.services as AgentServices;
    tenant = await signUpAccount(stack, 'Queue Tenant');
    worker = await serviceAccountToken(stack, tenant);
  });
  afterAll(() => stack.stop());

  async function createTask(index: number, priority = 0): Promise<string> {
    const response = await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input: { ...reportTaskInput(`Report ${index}`), priority } }, tenant.token);
    return dataOf(response).createAgentTask.id;
  }

  async function createTasks(count: number, priority = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push(await createTask(i, priority));
    return ids;
  }

  /** `count` tasks created ten at a time (for a test that does not depend on their order). */
  async function createTasksAtOnce(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let first = 0; first < count; first += 10) {
      ids.push(...(await Promise.all(Array.from({ length: Math.min(10, count - first) }, (_, i) => createTask(first + i)))));
    }
    return ids;
  }

  async function drainQueue(): Promise<void> {
    const agentId = await registerAgent(stack, worker, 'drainer');
    for (let lease = await claim(stack, worker, agentId, ['report.compile']); lease; lease = await claim(stack, worker, agentId, ['report.compile'])) {
      dataOf(await stack.query(COMPLETE, { taskId: lease.task.id, leaseToken: lease.leaseToken, result: COMPILED_REPORT }, worker));
    }
  }

  it('two workers racing for 100 tasks claim each exactly once', async () => {
    const ids = await createTasksAtOnce(100);
    expect(new Set(ids).size).toBe(100);
    const [agentA, agentB] = [await registerAgent(stack, worker, 'racer-a'), await registerAgent(stack, worker, 'racer-b')];
    const claimedBy = new Map<string, string[]>();
    const race = async (agentId: string) => {
      for (;;) {
        const lease = await claim(stack, worker, agentId, ['report.compile']);
        if (!lease) return;
        claimedBy.set(lease.task.id, [...(claimedBy.get(lease.task.id) ?? []), agentId]);
        dataOf(await stack.query(COMPLETE, { taskId: lease.task.id, leaseToken: lease.leaseToken, result: COMPILED_REPORT }, worker));
      }
    };
    await Promise.all([race(agentA), race(agentB), race(agentA), race(agentB)]);

    expect([...claimedBy.keys()].sort()).toEqual([...ids].sort());
    expect([...claimedBy.values()].every((agents) => agents.length === 1)).toBe(true);
    const perAgent = [agentA, agentB].map((agent) => [...claimedBy.values()].filter(([by]) => by === agent).length);
    expect(perAgent[0]! + perAgent[1]!).toBe(100);
    expect(perAgent.every((count) => count > 0)).toBe(true);
    const agents = await stack.query<{ agents: Array<{ name: string; metrics: { tasksCompleted: number; successRate: number } }> }>(
      '{ agents { name metrics { tasksCompleted successRate } } }',
      {},
      tenant.token,
    );
    const racers = dataOf(agents).agents.filter((agent) => agent.name.startsWith('racer-'));
    expect(racers.map((agent) => agent.metrics.tasksCompleted).sort()).toEqual([...perAgent].sort());
    expect(racers.every((agent) => agent.metrics.successRate === 1)).toBe(true);
  });

  it('claims the highest priority first, then the oldest', async () => {
    const [low] = await createTasks(1, -5);
    const [high] = await createTasks(1, 50);
    const [normal] = await createTasks(1, 0);
    const agentId = await registerAgent(stack, worker, 'prioritizer');
    const order: string[] = [];
    for (let lease = await claim(stack, worker, agentId, ['report.compile']); lease; lease = await claim(stack, worker, agentId, ['report.compile'])) {
      order.push(lease.task.id);
      dataOf(await stack.query(COMPLETE, { taskId: lease.task.id, leaseToken: lease.leaseToken, result: COMPILED_REPORT }, worker));
    }
    expect(order).toEqual([high, normal, low]);
  });

  it('a worker that dies mid-task: the lease expires, the task is re-queued and completed by another', async () => {
    await setAgentConfig(stack, tenant, 'leaseSeconds', 5);
    try {
      const [taskId] = await createTasks(1);
      const dying = await registerAgent(stack, worker, 'dies-mid-task');
      const beforeClaim = Date.now();
      const first = (await claim(stack, worker, dying, ['report.compile']))!;
      expect(first.task.id).toBe(taskId);
      dataOf(await stack.query(PROGRESS, { taskId, leaseToken: first.leaseToken, progress: 0.4, message: 'halfway' }, worker));
      // Nothing is swept while the lease is valid.
      expect((await services.leaseSweeper.sweepOnce()).requeuedOrFailed).toBe(0);
      // The sweeper re-queues the task as soon as the 5 s lease has run out, and not before.
      await eventually(async () => (await services.leaseSweeper.sweepOnce()).requeuedOrFailed === 1, 15_000, 'the expired lease to be swept');
      expect(Date.now() - beforeClaim).toBeGreaterThanOrEqual(4900);

      const requeued = await stack.query<{ agentTask: { status: string; attempts: number; error: string } }>(TASK, { id: taskId }, tenant.token);
      expect(dataOf(requeued).agentTask).toMatchObject({ status: 'QUEUED', attempts: 1 });
      expect(dataOf(requeued).agentTask.error).toMatch(/Lease expired/);

      const rescuer = await registerAgent(stack, worker, 'rescuer');
      const second = (await claim(stack, worker, rescuer, ['report.compile']))!;
      expect(second.task).toMatchObject({ id: taskId, attempts: 2 });
      // The dead worker's old lease no longer counts.
      const late = await stack.query(COMPLETE, { taskId, leaseToken: first.leaseToken, result: COMPILED_REPORT }, worker);
      expect(errorCodes(late)).toEqual(['CONFLICT']);
      const heartbeat = await stack.query<{ heartbeat: { stop: boolean } }>(
        HEARTBEAT,
        { input: { agentId: dying, taskId, leaseToken: first.leaseToken } },
        worker,
      );
      expect(dataOf(heartbeat).heartbeat.stop).toBe(true);

      dataOf(await stack.query(COMPLETE, { taskId, leaseToken: second.leaseToken, result: COMPILED_REPORT }, worker));
      const done = await stack.query<{ agentTask: { status: string; agent: { name: string } } }>(TASK, { id: taskId }, tenant.token);
      expect(dataOf(done).agentTask).toMatchObject({ status: 'SUCCEEDED', agent: { name: 'rescuer' } });
    } finally {
      await setAgentConfig(stack, tenant, 'leaseSeconds', 60);
    }
  });

  it('heartbeats extend the lease, so a slow but live worker keeps its task', async () => {
    await setAgentConfig(stack, tenant, 'leaseSeconds', 5);
    try {
      const [taskId] = await createTasks(1);
      const agentId = await registerAgent(stack, worker, 'slow-but-alive');
      const lease = (await claim(stack, worker, agentId, ['report.compile']))!;
      for (let beat = 0; beat < 3; beat += 1) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const response = await stack.query<{ heartbeat: { stop: boolean; leaseExpiresAt: string; agent: { status: string } } }>(
          HEARTBEAT,
          { input: { agentId, taskId, leaseToken: lease.leaseToken } },
          worker,
        );
        expect(dataOf(response).heartbeat).toMatchObject({ stop: false, agent: { status: 'WORKING' } });
        expect(Date.parse(dataOf(response).heartbeat.leaseExpiresAt)).toBeGreaterThan(Date.parse(lease.leaseExpiresAt));
        expect((await services.leaseSweeper.sweepOnce()).requeuedOrFailed).toBe(0);
      }
      dataOf(await stack.query(COMPLETE, { taskId, leaseToken: lease.leaseToken, result: COMPILED_REPORT }, worker));
    } finally {
      await setAgentConfig(stack, tenant, 'leaseSeconds', 60);
    }
  });

  it('retryable failures return the task with back-off until maxAttempts, then it FAILS', async () => {
    await setAgentConfig(stack, tenant, 'maxAttempts', 2);
    await setAgentConfig(stack, tenant, 'retryBackoffSeconds', 1);
    try {
      const [taskId] = await createTasks(1);
      const agentId = await registerAgent(stack, worker, 'flaky');
      const first = (await claim(stack, worker, agentId, ['report.compile']))!;
      const failed = await stack.query<{ failTask: { status: string; attempts: number; availableAt: string } }>(
        FAIL,
        { taskId, leaseToken: first.leaseToken, error: 'upstream timeout', retryable: true },
        worker,
      );
      expect(dataOf(failed).failTask).toMatchObject({ status: 'QUEUED', attempts: 1 });
      // Back-off: not claimable before availableAt.
      expect(Date.parse(dataOf(failed).failTask.availableAt)).toBeGreaterThan(Date.now() + 500);
      expect(await claim(stack, worker, agentId, ['report.compile'])).toBeNull();
      // Claimable again once the 1 s back-off has passed.
      const claimed: ClaimedTask[] = [];
      await eventually(
        async () => {
          const lease = await claim(stack, worker, agentId, ['report.compile']);
          if (lease) claimed.push(lease);
          return lease !== null;
        },
        10_000,
        'the task back after its back-off',
      );
      const second = claimed[0]!;
      expect(second.task).toMatchObject({ id: taskId, attempts: 2 });
      const final = await stack.query<{ failTask: { status: string; attempts: number; error: string } }>(
        FAIL,
        { taskId, leaseToken: second.leaseToken, error: 'upstream timeout again', retryable: true },
        worker,
      );
      expect(dataOf(final).failTask).toMatchObject({ status: 'FAILED', attempts: 2, error: 'upstream timeout again' });
      expect(await claim(stack, worker, agentId, ['report.compile'])).toBeNull();
    } finally {
      await setAgentConfig(stack, tenant, 'maxAttempts', 3);
      await setAgentConfig(stack, tenant, 'retryBackoffSeconds', 5);
    }
  });

  it('a non-retryable failure FAILS at once', async () => {
    const [taskId] = await createTasks(1);
    const agentId = await registerAgent(stack, worker, 'strict');
    const lease = (await claim(stack, worker, agentId, ['report.compile']))!;
    const failed = await stack.query<{ failTask: { status: string; attempts: number } }>(
      FAIL,
      { taskId, leaseToken: lease.leaseToken, error: 'input cannot be processed', retryable: false },
      worker,
    );
    expect(dataOf(failed).failTask).toMatchObject({ status: 'FAILED', attempts: 1 });
  });

  it('cancellation: a queued task is never claimed; a running worker learns it on its next heartbeat', async () => {
    await drainQueue();
    const [queued, running] = await createTasks(2);
    const agentId = await registerAgent(stack, worker, 'cancel-watcher');
    const lease = (await claim(stack, worker, agentId, ['report.compile']))!;
    expect(lease.task.id).toBe(queued);
    const cancelRunning = await stack.query<{ cancelAgentTask: { status: string } }>(
      'mutation($id: ID!) { cancelAgentTask(id: $id) { status } }',
      { id: queued },
      tenant.token,
    );
    expect(dataOf(cancelRunning).cancelAgentTask.status).toBe('CANCELLED');
    const heartbeat = await stack.query<{ heartbeat: { stop: boolean; task: { status: string } } }>(
      HEARTBEAT,
      { input: { agentId, taskId: queued, leaseToken: lease.leaseToken } },
      worker,
    );
    expect(dataOf(heartbeat).heartbeat).toMatchObject({ stop: true, task: { status: 'CANCELLED' } });
    const progress = await stack.query(PROGRESS, { taskId: queued, leaseToken: lease.leaseToken, progress: 0.5 }, worker);
    expect(errorCodes(progress)).toEqual(['CONFLICT']);

    dataOf(await stack.query('mutation($id: ID!) { cancelAgentTask(id: $id) { status } }', { id: running }, tenant.token));
    expect(await claim(stack, worker, agentId, ['report.compile'])).toBeNull();
    const again = await stack.query('mutation($id: ID!) { cancelAgentTask(id: $id) { status } }', { id: running }, tenant.token);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('progress is bounded, never goes backwards, and results must match the result schema', async () => {
    const [taskId] = await createTasks(1);
    const agentId = await registerAgent(stack, worker, 'reporter');
    const lease = (await claim(stack, worker, agentId, ['report.compile']))!;
    const report = (progress: number) => stack.query<{ reportProgress: { progress: number } }>(PROGRESS, { taskId, leaseToken: lease.leaseToken, progress }, worker);
    expect(dataOf(await report(0.6)).reportProgress.progress).toBeCloseTo(0.6);
    expect(dataOf(await report(0.3)).reportProgress.progress).toBeCloseTo(0.6);
    expect(errorCodes(await report(1.5))).toEqual(['BAD_USER_INPUT']);
    const wrong = await stack.query(COMPLETE, { taskId, leaseToken: lease.leaseToken, result: { markdown: 42 } }, worker);
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
    expect(wrong.errors?.[0]?.extensions?.violations).toBeDefined();
    dataOf(await stack.query(COMPLETE, { taskId, leaseToken: lease.leaseToken, result: COMPILED_REPORT }, worker));
  });

  it('refuses input that does not match the task type schema, unknown types and wrong subjects', async () => {
    const bad = await stack.query(CREATE_TASK, { input: { type: 'report.compile', input: { title: '' } } }, tenant.token);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const unknown = await stack.query(CREATE_TASK, { input: { type: 'weather.forecast', input: {} } }, tenant.token);
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    const noSubject = await stack.query(CREATE_TASK, { input: { type: 'risk.review', input: {} } }, tenant.token);
    expect(errorCodes(noSubject)).toEqual(['BAD_USER_INPUT']);
    const badId = await stack.query(CREATE_TASK, { input: { type: 'risk.review', input: {}, riskAssessmentId: 'nope' } }, tenant.token);
    expect(errorCodes(badId)).toEqual(['BAD_USER_INPUT']);
  });

  it('fills review thresholds from the tenant settings and links the task to its subject', async () => {
    await setAgentConfig(stack, tenant, 'riskReview.residualScoreThreshold', 15);
    const assessmentId = await createAssessment(stack, tenant.token);
    const created = await stack.query<{ createAgentTask: { id: string; input: Record<string, unknown> } }>(
      CREATE_TASK,
      { input: { type: 'risk.review', input: {}, riskAssessmentId: assessmentId } },
      tenant.token,
    );
    expect(dataOf(created).createAgentTask.input).toEqual({ residualScoreThreshold: 15 });
    const taskId = dataOf(created).createAgentTask.id;
    const linked = await stack.query<{
      agentTask: { requestedBy: { id: string }; subject: { __typename: string; id: string; agentTasks: Array<{ id: string }> } };
    }>(
      'query($id: ID!) { agentTask(id: $id) { requestedBy { id } subject { __typename ... on RiskAssessment { id agentTasks { id } } } } }',
      { id: taskId },
      tenant.token,
    );
    expect(dataOf(linked).agentTask).toEqual({
      requestedBy: { id: tenant.userId },
      subject: { __typename: 'RiskAssessment', id: assessmentId, agentTasks: [{ id: taskId }] },
    });
    await setAgentConfig(stack, tenant, 'riskReview.residualScoreThreshold', 12);
    await stack.query('mutation($id: ID!) { cancelAgentTask(id: $id) { status } }', { id: taskId }, tenant.token);
  });

  it('the worker protocol needs scope agent.worker; requesters need agent.task.create', async () => {
    const agentId = await registerAgent(stack, worker, 'scoped');
    const asUser = await stack.query('mutation($a: ID!) { claimAgentTask(agentId: $a, types: ["report.compile"]) { leaseToken } }', { a: agentId }, tenant.token);
    expect(errorCodes(asUser)).toEqual(['FORBIDDEN']);
    const asWorker = await stack.query(CREATE_TASK, { input: reportTaskInput() }, worker);
    expect(errorCodes(asWorker)).toEqual(['FORBIDDEN']);
    const anonymous = await stack.query('{ agentTasks { id } }');
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    // Another service account cannot act as this agent.
    const otherAccount = await serviceAccountToken(stack, tenant);
    const impostor = await stack.query('mutation($a: ID!) { claimAgentTask(agentId: $a, types: ["report.compile"]) { leaseToken } }', { a: agentId }, otherAccount);
    expect(errorCodes(impostor)).toEqual(['NOT_FOUND']);
  });

  it("tenants are isolated: another tenant's workers cannot see or claim the tasks", async () => {
    await drainQueue();
    const [taskId] = await createTasks(1);
    const other = await signUpAccount(stack, 'Other Queue Tenant');
    const otherWorker = await serviceAccountToken(stack, other);
    const otherAgent = await registerAgent(stack, otherWorker, 'other-tenant-worker');
    expect(await claim(stack, otherWorker, otherAgent, ['report.compile'])).toBeNull();
    const read = await stack.query(TASK, { id: taskId }, other.token);
    expect(errorCodes(read)).toEqual(['NOT_FOUND']);
    const cancel = await stack.query('mutation($id: ID!) { cancelAgentTask(id: $id) { status } }', { id: taskId }, other.token);
    expect(errorCodes(cancel)).toEqual(['NOT_FOUND']);
    const list = await stack.query<{ agentTasks: Array<{ id: string }> }>('{ agentTasks(first: 200) { id } }', {}, other.token);
    expect(dataOf(list).agentTasks).toEqual([]);
    // Not an id at all: malformed input (the kit refuses it before the agent subgraph looks).
    const malformed = await stack.query(TASK, { id: 'not-a-uuid' }, tenant.token);
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
  });
});
