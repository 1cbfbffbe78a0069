import type { HubSubgraphModule, RunningServer } from '@hub/core';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../src/agentSubgraph';
import { claim, COMPLETE, COMPILED_REPORT, CREATE_TASK, dataOf, PROGRESS, registerAgent, reportTaskInput } from './support/agentProtocol';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { setAgentConfig } from './support/agentConfig';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { gatewaySignatureHeaders, subscribeSignedSse } from '@hub/testkit/gatewaySignature';

const TASK_PROGRESS = `subscription($taskId: ID!) {
  agentTaskProgress(taskId: $taskId) { type taskId status progress message attempts occurredAt task { id status } }
}`;
const TASK_UPDATES = `subscription { agentTaskUpdates { type taskId status progress } }`;

interface EventView {
  type: string;
  taskId: string;
  status: string;
  progress: number;
  message: string | null;
  task?: { id: string; status: string } | null;
}

/**
 * The agent subgraph's own subscription semantics, subscribed on the subgraph over SSE with a real
 * token while mutations go through the gateway. The same subscriptions through the gateway (with
 * fields of other subgraphs) are covered by test/gatewaySubscriptions.test.ts.
 */
describe('task subscriptions (SSE on the agent subgraph)', () => {
  let stack: TestStack;
  let subgraphServer: RunningServer;
  let subgraphUrl: string;
  let tenant: TestAccount;
  let worker: string;
  let agentId: string;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [createAgentModule() as HubSubgraphModule], redisUrl: TEST_REDIS_URL });
    subgraphServer = await stack.hubs.agent!.subgraph.listen(0, '127.0.0.1');
    subgraphUrl = `${subgraphServer.url}/graphql`;
    tenant = await signUpAccount(stack, 'Subscribing Tenant');
    worker = await serviceAccountToken(stack, tenant);
    agentId = await registerAgent(stack, worker, 'streamer');
    await setAgentConfig(stack, tenant, 'progressUpdatesPerSecond', 10);
  });
  afterAll(async () => {
    await subgraphServer.close();
    await stack.stop();
  });

  async function createTask(): Promise<string> {
    return dataOf(await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input: reportTaskInput() }, tenant.token)).createAgentTask.id;
  }

  it('a subscriber follows a task from QUEUED to SUCCEEDED with monotonic progress and the final update', async () => {
    const taskId = await createTask();
    const subscription = await subscribeSignedSse<{ agentTaskProgress: EventView }>('agent', subgraphUrl, TASK_PROGRESS, { taskId }, tenant.token);
    try {
      const first = await subscription.next();
      expect(first.data?.agentTaskProgress).toMatchObject({ type: 'CURRENT', taskId, status: 'QUEUED', progress: 0 });

      const lease = (await claim(stack, worker, agentId, ['report.compile']))!;
      expect(lease.task.id).toBe(taskId);
      const reported = Array.from({ length: 30 }, (_, i) => Math.round(((i + 1) / 30) * 0.95 * 1000) / 1000);
      const reportingStarted = performance.now();
      for (const progress of reported) {
        dataOf(await stack.query(PROGRESS, { taskId, leaseToken: lease.leaseToken, progress, message: `step ${progress}` }, worker));
      }
      const reportingMs = performance.now() - reportingStarted;
      dataOf(await stack.query(COMPLETE, { taskId, leaseToken: lease.leaseToken, result: COMPILED_REPORT }, worker));

      const events: EventView[] = [first.data!.agentTaskProgress];
      while (events.at(-1)!.type !== 'COMPLETED') events.push((await subscription.next()).data!.agentTaskProgress);

      expect(events.map((event) => event.status)).toEqual([
        'QUEUED',
        'RUNNING',
        ...events.slice(2, -1).map(() => 'RUNNING'),
        'SUCCEEDED',
      ]);
      expect(events[1]!.type).toBe('STARTED');
      const progress = events.map((event) => event.progress);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      const progressEvents = events.filter((event) => event.type === 'PROGRESS');
      // Coalesced to 10/s at most (the first at once, one per 100 ms window while reports came in,
      // the trailing one), whatever pace a busy machine allowed; the last report is never lost.
      expect(progressEvents.length).toBeLessThanOrEqual(Math.ceil(reportingMs / 100) + 2);
      expect(progressEvents.at(-1)).toMatchObject({ progress: 0.95, message: 'step 0.95' });
      expect(events.at(-1)!.progress).toBe(1);
      // `task` is read per event (a subscription's loaders live as long as it does, so a cached
      // task would still say QUEUED here).
      expect(events[0]!.task).toEqual({ id: taskId, status: 'QUEUED' });
      expect(events.at(-1)!.task).toEqual({ id: taskId, status: 'SUCCEEDED' });
    } finally {
      subscription.close();
    }
  });

  it('agentTaskUpdates carries every task of the tenant and nothing of other tenants', async () => {
    const other = await signUpAccount(stack, 'Other Subscribing Tenant');
    const theirs = await subscribeSignedSse<{ agentTaskUpdates: EventView }>('agent', subgraphUrl, TASK_UPDATES, {}, other.token);
    const mine = await subscribeSignedSse<{ agentTaskUpdates: EventView }>('agent', subgraphUrl, TASK_UPDATES, {}, tenant.token);
    try {
      const taskId = await createTask();
      expect((await mine.next()).data?.agentTaskUpdates).toMatchObject({ type: 'QUEUED', taskId });
      const otherTask = dataOf(
        await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input: reportTaskInput('theirs') }, other.token),
      ).createAgentTask.id;
      // The other tenant's first event is its own task, not ours.
      expect((await theirs.next()).data?.agentTaskUpdates).toMatchObject({ type: 'QUEUED', taskId: otherTask });
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it("another tenant's task cannot be followed; anonymous subscribers are refused", async () => {
    const taskId = await createTask();
    const other = await signUpAccount(stack, 'Curious Tenant');
    const foreign = await subscribeSignedSse('agent', subgraphUrl, TASK_PROGRESS, { taskId }, other.token);
    const refusal = await foreign.next();
    foreign.close();
    expect(refusal.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);

    const body = JSON.stringify({ query: TASK_UPDATES });
    const response = await fetch(subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(await gatewaySignatureHeaders('agent', subgraphUrl, body)) },
      body,
    });
    const text = await response.text();
    expect(text).toContain('UNAUTHENTICATED');
  });
});
