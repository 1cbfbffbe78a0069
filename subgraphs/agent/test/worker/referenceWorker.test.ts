import type { HubSubgraphModule } from '@hub/core';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { readUntil } from '@hub/testkit/eventually';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../../src/agentSubgraph';
import { GatewayClient } from '../../worker/gatewayClient';
import { PERFORMERS, type Performer } from '../../worker/performers';
import { ReferenceWorker } from '../../worker/referenceWorker';
import { CREATE_TASK, dataOf, TASK } from '../support/agentProtocol';
import { setAgentConfig } from '../support/agentConfig';
import { createAssessment, riskHubModule } from '../support/subjects';
import { createServiceAccount, type ServiceCredential } from '@hub/testkit/serviceAccounts';
import { GraphQLRequestError } from '../../worker/gatewayClient';
import { ServiceTokenSource } from '../../worker/serviceTokenSource';

interface TaskView {
  id: string;
  status: string;
  attempts: number;
  progress: number;
  error: string | null;
  result: Record<string, unknown> | null;
  agent: { id: string; name: string } | null;
}

/** The reference worker against the real gateway, agent subgraph and risk-hub (for task subjects). */
describe('reference worker over the gateway', () => {
  let stack: TestStack;
  let tenant: TestAccount;
  let gateway: GatewayClient;
  let credential: ServiceCredential;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [riskHubModule(), createAgentModule() as HubSubgraphModule], redisUrl: TEST_REDIS_URL });
    tenant = await signUpAccount(stack, 'Worker Tenant');
    // The worker authenticates as in production: its service account's credential, exchanged at the gateway.
    credential = await createServiceAccount(stack, tenant.token, ['agent.worker'], 'reference-workers');
    gateway = new GatewayClient(stack.gatewayUrl, new ServiceTokenSource(stack.gatewayUrl, credential));
  });
  afterAll(() => stack.stop());

  const create = async (input: Record<string, unknown>) =>
    dataOf(await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input }, tenant.token)).createAgentTask.id;
  const read = async (id: string) => dataOf(await stack.query<{ agentTask: TaskView }>(TASK, { id }, tenant.token)).agentTask;

  it('claims a report.compile task, reports progress and completes it with the compiled report', async () => {
    const taskId = await create({
      type: 'report.compile',
      input: {
        title: 'Quarterly review',
        findings: [
          { severity: 'info', message: 'All inspections done' },
          { severity: 'critical', message: 'Fire exit blocked' },
        ],
      },
    });
    const worker = new ReferenceWorker({ gateway, name: 'reference-1', performers: PERFORMERS });
    expect(await worker.runOnce()).toEqual({ taskId, outcome: 'completed' });
    const task = await read(taskId);
    expect(task).toMatchObject({ status: 'SUCCEEDED', progress: 1, agent: { name: 'reference-1' } });
    expect(task.result).toMatchObject({ counts: { critical: 1, warning: 0, info: 1 } });
    expect(String(task.result!.markdown)).toMatch(/^# Quarterly review\n[\s\S]*## Critical\n\n- Fire exit blocked[\s\S]*## Notes\n\n- All inspections done/);
    expect(await worker.runOnce()).toBeNull();
  });

  it('fails a risk.review it cannot read data for, without retrying (its account lacks risk.assessment.read)', async () => {
    const taskId = await create({ type: 'risk.review', input: {}, riskAssessmentId: await createAssessment(stack, tenant.token) });
    const worker = new ReferenceWorker({ gateway, name: 'reference-2', performers: PERFORMERS });
    expect(await worker.runOnce()).toEqual({ taskId, outcome: 'failed' });
    const task = await read(taskId);
    expect(task).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(task.error).toMatch(/risk.assessment.read/);
  });

  it('stops working on a task cancelled while it runs (seen on its next heartbeat or progress report)', async () => {
    await setAgentConfig(stack, tenant, 'leaseSeconds', 5);
    try {
      const taskId = await create({ type: 'report.compile', input: { title: 'Slow', findings: [] } });
      let steps = 0;
      // The task runs two steps, then waits for the test to cancel it, then goes on step by step:
      // the worker has to notice the cancellation on its own (heartbeat or progress report).
      let reachedSecondStep!: () => void;
      const atSecondStep = new Promise<void>((resolve) => (reachedSecondStep = resolve));
      let cancelled!: () => void;
      const afterCancel = new Promise<void>((resolve) => (cancelled = resolve));
      const slowCompile: Performer = async (_task, { progress }) => {
        for (steps = 1; steps <= 20; steps += 1) {
          await progress(steps / 20, `step ${steps}`);
          if (steps === 2) {
            reachedSecondStep();
            await afterCancel;
          }
        }
        return { markdown: '', counts: { info: 0, warning: 0, critical: 0 } };
      };
      const worker = new ReferenceWorker({ gateway, name: 'reference-3', performers: { 'report.compile': slowCompile } });
      const running = worker.runOnce();
      await atSecondStep;
      try {
        dataOf(await stack.query('mutation($id: ID!) { cancelAgentTask(id: $id) { id } }', { id: taskId }, tenant.token));
      } finally {
        cancelled();
      }
      expect(await running).toEqual({ taskId, outcome: 'stopped' });
      expect(steps).toBeLessThan(20);
      expect((await read(taskId)).status).toBe('CANCELLED');
    } finally {
      await setAgentConfig(stack, tenant, 'leaseSeconds', 60);
    }
  });

  it('as a loop it works through the queue until stopped', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map((n) => create({ type: 'report.compile', input: { title: `Batch ${n}`, findings: [{ severity: 'warning', message: `item ${n}` }] } })),
    );
    const worker = new ReferenceWorker({ gateway, name: 'reference-loop', performers: PERFORMERS, idlePollMs: 100 });
    worker.start();
    try {
      const statuses = await readUntil(
        () => Promise.all(ids.map(async (id) => (await read(id)).status)),
        (now) => now.every((status) => status === 'SUCCEEDED'),
        10_000,
      );
      expect(statuses).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    } finally {
      await worker.stop();
    }
  });

  it('renews its service token before expiry and after a revocation; a revoked account stops it', async () => {
    let clock = Date.now();
    const source = new ServiceTokenSource(stack.gatewayUrl, credential, () => clock);
    const first = await source.token();
    expect(await source.token()).toBe(first);
    // Within 5 minutes of the 1 h expiry the credential is exchanged again.
    clock += 56 * 60_000;
    const renewed = await source.token();
    expect(renewed).not.toBe(first);

    // An administrator revokes the token in use: the next request is refused once, the client
    // exchanges the credential again and the request goes through.
    const jti = (JSON.parse(Buffer.from(renewed.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    dataOf(await stack.query('mutation($id: ID!) { revokeToken(tokenId: $id, reason: "test") }', { id: jti }, tenant.token));
    const client = new GatewayClient(stack.gatewayUrl, source);
    const worker = new ReferenceWorker({ gateway: client, name: 'reference-renewing', performers: PERFORMERS });
    expect(typeof (await worker.register())).toBe('string');
    expect(await source.token()).not.toBe(renewed);

    // Once the account itself is revoked, no token can be had: the worker gets UNAUTHENTICATED.
    const own = await createServiceAccount(stack, tenant.token, ['agent.worker']);
    const ownWorker = new ReferenceWorker({
      gateway: new GatewayClient(stack.gatewayUrl, new ServiceTokenSource(stack.gatewayUrl, own)),
      name: 'reference-revoked',
      performers: PERFORMERS,
    });
    await ownWorker.register();
    dataOf(
      await stack.query('mutation($id: ID!) { revokeServiceAccount(id: $id, reason: "test") { status } }', { id: own.clientId }, tenant.token),
    );
    // (Its current token was just used; verifiers may reuse a "not revoked" answer for up to 2 s.)
    const refusal = await readUntil(
      () => ownWorker.register().then(() => null, (error: unknown) => error),
      (error) => error !== null,
      3000,
    );
    expect(refusal).toBeInstanceOf(GraphQLRequestError);
    expect((refusal as GraphQLRequestError).codes).toEqual(['UNAUTHENTICATED']);
  });
});
