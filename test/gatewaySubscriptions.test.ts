import { agentModule } from '@hub/agent';
import type { HubSubgraphModule } from '@hub/core';
import { createRiskHubModule, riskHubSettingsFromEnv } from '@hub/risk-hub';
import { tradingModule } from '@hub/trading';
import Redis from 'ioredis';
import { claim, COMPLETE, CREATE_TASK, dataOf, PROGRESS, registerAgent } from '../subgraphs/agent/test/support/agentProtocol';
import { serviceAccountToken, WORKER_SCOPES } from '@hub/testkit/serviceAccounts';
import { tradingApi } from '../subgraphs/trading/test/support/tradingApi';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { eventually } from '@hub/testkit/eventually';
import { untilSubscribedOnRedis } from '@hub/testkit/redisSubscribers';
import { joinByInvitation, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { WsConnection, type WsResult } from '@hub/testkit/wsSubscription';

/**
 * Real hub events reaching subscribers of the GATEWAY: every hub subgraph, plattform and the
 * gateway run as in production on PostgreSQL (restricted app roles) and Redis, so each event
 * travels outbox → relay → Redis → subgraph subscription → pooled upstream WebSocket → gateway,
 * which resolves the fields other subgraphs own per event before handing it to the client.
 */

const AGENT_TASK_PROGRESS = /* GraphQL */ `
  subscription TaskProgress($taskId: ID!) {
    agentTaskProgress(taskId: $taskId) {
      type taskId status progress message
      task {
        id status
        requestedBy { displayName }
        subject { __typename ... on RiskAssessment { id title owner { id displayName } } }
      }
    }
  }
`;

interface TaskProgressData {
  agentTaskProgress: {
    type: string;
    taskId: string;
    status: string;
    progress: number;
    message: string | null;
    task: {
      id: string;
      status: string;
      requestedBy: { displayName: string } | null;
      subject: { __typename: string; id: string; title: string; owner: { id: string; displayName: string } | null } | null;
    } | null;
  };
}

const ASSESSMENT_EVENTS = /* GraphQL */ `
  subscription AssessmentEvents($assessmentId: ID) {
    riskAssessmentEvents(assessmentId: $assessmentId) {
      id type assessmentId data
      assessment { id title status version owner { displayName } decidedBy { displayName } }
    }
  }
`;

interface AssessmentEventData {
  riskAssessmentEvents: {
    id: string;
    type: string;
    assessmentId: string;
    data: Record<string, unknown>;
    assessment: {
      id: string;
      title: string;
      status: string;
      version: number;
      owner: { displayName: string } | null;
      decidedBy: { displayName: string } | null;
    } | null;
  };
}

const ORDER_UPDATES = /* GraphQL */ `
  subscription OrderUpdates($portfolioId: ID!) {
    orderUpdates(portfolioId: $portfolioId) {
      order { id status filledQuantity instrument { symbol } portfolio { id name owner { displayName } } }
      execution { quantity price fees }
    }
  }
`;

interface OrderUpdateData {
  orderUpdates: {
    order: { id: string; status: string; filledQuantity: number; instrument: { symbol: string }; portfolio: { id: string; name: string; owner: { displayName: string } } };
    execution: { quantity: number; price: number; fees: number } | null;
  };
}

const CONFIG_CHANGED = /* GraphQL */ `
  subscription ConfigChanged($service: String) {
    configChanged(service: $service) { service key value version scope updatedBy { id displayName } }
  }
`;

interface ConfigChangedData {
  configChanged: { service: string; key: string; value: unknown; version: number; scope: string; updatedBy: { id: string; displayName: string } | null };
}

const SET_CONFIG = `mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }`;
const CREATE_ASSESSMENT = `mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }`;
const SUBMIT = `mutation($id: ID!) { submitAssessment(id: $id) { status } }`;
const APPROVE = `mutation($id: ID!) { approveAssessment(id: $id) { status version } }`;

describe('hub events through the gateway (outbox → Redis → subgraph → gateway → subscriber)', () => {
  let stack: TestStack;
  let redis: Redis;
  const connections: WsConnection[] = [];
  const sseSubscriptions: Array<SseSubscription<unknown>> = [];

  beforeAll(async () => {
    // The scheduled overdue check stays off: it would only add unrelated events.
    const riskHub = createRiskHubModule({ settings: { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0 } }) as unknown as HubSubgraphModule;
    stack = await startTestStack({ hubs: [riskHub, tradingModule, agentModule as HubSubgraphModule], redisUrl: TEST_REDIS_URL });
    redis = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    for (const subscription of sseSubscriptions.splice(0)) subscription.close();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  function connect(token: string): WsConnection {
    const connection = new WsConnection(stack.gatewayUrl, token);
    connections.push(connection);
    return connection;
  }

  /**
   * The gateway opens its upstream stream asynchronously; an event published before the subgraph
   * holds its Redis subscription is (correctly) never delivered. So the test waits until Redis
   * reports a subscriber on the tenant's channel before it causes the event.
   */
  const untilSubscribed = (channel: string) => untilSubscribedOnRedis(redis, channel);

  async function untilGatewaySubscribers(count: number): Promise<void> {
    await eventually(() => stack.gateway.subscriptions.stats().subscribers === count, 10_000, `${count} gateway subscribers`).catch((error: Error) => {
      throw new Error(`${error.message} (it has ${stack.gateway.subscriptions.stats().subscribers})`);
    });
  }

  /** A fresh user invited into the owner's organization with a role, accepted and logged in there. */
  async function joinedMember(owner: TestAccount, role: string, displayName: string): Promise<TestAccount> {
    const user = await signUpAccount(stack, undefined, displayName);
    return { ...user, orgId: owner.orgId, token: await joinByInvitation(stack, owner.token, user, role) };
  }

  it('agent → risk-hub → plattform: agentTaskProgress over graphql-ws carries the assessment title and owner name in every event', async () => {
    const owner = await signUpAccount(stack, 'Gateway Agent Org', 'Ada Lovelace');
    const assessmentId = dataOf(
      await stack.query<{ createRiskAssessment: { id: string } }>(
        CREATE_ASSESSMENT,
        { input: { title: 'Crane lifts on site B', ownerId: owner.userId } },
        owner.token,
      ),
    ).createRiskAssessment.id;
    const taskId = dataOf(
      await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input: { type: 'risk.review', input: {}, riskAssessmentId: assessmentId } }, owner.token),
    ).createAgentTask.id;
    const worker = await serviceAccountToken(stack, owner, WORKER_SCOPES);
    const agentId = await registerAgent(stack, worker, 'gateway-e2e-worker');

    const subscription = connect(owner.token).subscribe<TaskProgressData>(AGENT_TASK_PROGRESS, { taskId });
    // The first event is the task's state read after the subgraph subscribed to the bus: once it
    // is here, nothing published later can be missed.
    const current = await subscription.next(10_000);
    const subject = { __typename: 'RiskAssessment', id: assessmentId, title: 'Crane lifts on site B', owner: { id: owner.userId, displayName: 'Ada Lovelace' } };
    expect(current).toEqual({
      data: {
        agentTaskProgress: {
          type: 'CURRENT',
          taskId,
          status: 'QUEUED',
          progress: 0,
          message: null,
          task: { id: taskId, status: 'QUEUED', requestedBy: { displayName: 'Ada Lovelace' }, subject },
        },
      },
    });

    const lease = (await claim(stack, worker, agentId, ['risk.review']))!;
    expect(lease.task.id).toBe(taskId);
    dataOf(await stack.query(PROGRESS, { taskId, leaseToken: lease.leaseToken, progress: 0.5, message: 'hazards read' }, worker));
    const result = {
      assessmentId,
      summary: { hazards: 0, measures: 0, hazardsWithoutMeasures: 0, overdueMeasures: 0, highResidualRisks: 0 },
      findings: [],
    };
    dataOf(await stack.query(COMPLETE, { taskId, leaseToken: lease.leaseToken, result }, worker));

    const events = [current.data!.agentTaskProgress];
    while (events.at(-1)!.type !== 'COMPLETED') {
      const next = await subscription.next(10_000);
      expect(next.errors).toBeUndefined();
      events.push(next.data!.agentTaskProgress);
    }
    expect(events.map((event) => [event.type, event.status, event.progress, event.message])).toEqual([
      ['CURRENT', 'QUEUED', 0, null],
      ['STARTED', 'RUNNING', 0, null],
      ['PROGRESS', 'RUNNING', 0.5, 'hazards read'],
      // The task keeps its last progress message when it completes.
      ['COMPLETED', 'SUCCEEDED', 1, 'hazards read'],
    ]);
    // Every event arrives complete: the task from agent, the assessment from risk-hub, the names from plattform.
    for (const event of events) {
      expect(event.taskId).toBe(taskId);
      expect(event.task).toMatchObject({ id: taskId, requestedBy: { displayName: 'Ada Lovelace' }, subject });
    }
    // `task` is the task as it is now, so the last event shows it finished.
    expect(events.at(-1)!.task!.status).toBe('SUCCEEDED');

    // Another tenant cannot follow the task through the gateway: the agent subgraph's refusal
    // reaches the subscriber with its code, and the subscription ends.
    const stranger = await signUpAccount(stack, 'Gateway Agent Stranger');
    const refused = connect(stranger.token).subscribe<TaskProgressData>(AGENT_TASK_PROGRESS, { taskId });
    expect(await refused.ended(10_000)).toEqual({ kind: 'complete' });
    expect(refused.results).toHaveLength(1);
    expect(refused.results[0]!.data ?? null).toBeNull();
    expect(refused.results[0]!.errors?.map((error) => [error.extensions?.code, error.extensions?.serviceName])).toEqual([['NOT_FOUND', 'agent']]);
  });

  it('risk-hub → plattform: an approval reaches a WebSocket and an SSE subscriber of the gateway with owner and approver names', async () => {
    const owner = await signUpAccount(stack, 'Gateway Risk Org', 'Grace Hopper');
    const approver = await joinedMember(owner, 'ADMIN', 'Margaret Hamilton');
    const assessmentId = dataOf(
      await stack.query<{ createRiskAssessment: { id: string } }>(CREATE_ASSESSMENT, { input: { title: 'Hot work permits', ownerId: owner.userId } }, owner.token),
    ).createRiskAssessment.id;

    const ws = connect(owner.token).subscribe<AssessmentEventData>(ASSESSMENT_EVENTS, { assessmentId });
    const sse = await SseSubscription.open<AssessmentEventData>(stack.gatewayUrl, ASSESSMENT_EVENTS, { assessmentId }, owner.token, { requireOk: true });
    sseSubscriptions.push(sse as SseSubscription<unknown>);
    await untilGatewaySubscribers(2);
    await untilSubscribed(`risk.assessment.approved.${owner.orgId}`);

    dataOf(await stack.query(SUBMIT, { id: assessmentId }, owner.token));
    dataOf(await stack.query(APPROVE, { id: assessmentId }, approver.token));

    // `created` was committed before subscribing and may still be delivered late; the approval is what counts.
    const approvedOf = async (results: () => Array<WsResult<AssessmentEventData>>, waitFor: (count: number) => Promise<unknown>) => {
      for (let count = 1; ; count += 1) {
        await waitFor(count);
        const found = results().find((result) => result.errors || result.data?.riskAssessmentEvents.type === 'risk.assessment.approved');
        if (found) return { found, all: results() };
      }
    };
    const viaWs = await approvedOf(() => ws.results, (count) => ws.waitFor(count, 10_000));
    const viaSse = await approvedOf(() => sse.results, (count) => sse.waitFor(count, 10_000));

    const expected = {
      type: 'risk.assessment.approved',
      assessmentId,
      data: expect.objectContaining({ assessmentId, status: 'APPROVED', version: 1, actorId: approver.userId }),
      assessment: {
        id: assessmentId,
        title: 'Hot work permits',
        status: 'APPROVED',
        version: 1,
        owner: { displayName: 'Grace Hopper' },
        decidedBy: { displayName: 'Margaret Hamilton' },
      },
    };
    expect(viaWs.found.errors).toBeUndefined();
    expect(viaWs.found.data!.riskAssessmentEvents).toMatchObject(expected);
    expect(viaSse.found.errors).toBeUndefined();
    expect(viaSse.found.data!.riskAssessmentEvents).toMatchObject(expected);
    // Both transports saw the same event (same CloudEvent id), and the submission before it.
    expect(viaSse.found.data!.riskAssessmentEvents.id).toBe(viaWs.found.data!.riskAssessmentEvents.id);
    for (const all of [viaWs.all, viaSse.all]) {
      const types = all.map((result) => result.data!.riskAssessmentEvents.type).filter((type) => type !== 'risk.assessment.created');
      expect(types).toEqual(['risk.assessment.submitted', 'risk.assessment.approved']);
      expect(all.every((result) => result.data!.riskAssessmentEvents.assessmentId === assessmentId)).toBe(true);
    }
  });

  it('trading → plattform: an execution reaches a gateway subscriber with the portfolio owner’s name', async () => {
    const trader = await signUpAccount(stack, 'Gateway Trading Org', 'Katherine Johnson');
    const api = tradingApi(stack.query, trader.token);
    await api.createInstrument('GWAY');
    await api.recordBar('GWAY', '2025-04-01', 20);
    const portfolio = await api.createPortfolio(5_000, 'Gateway book');

    const subscription = connect(trader.token).subscribe<OrderUpdateData>(ORDER_UPDATES, { portfolioId: portfolio.id });
    await untilSubscribed(`trading.order.executed.${trader.orgId}`);
    const order = await api.order({ portfolioId: portfolio.id, symbol: 'GWAY', side: 'BUY', type: 'MARKET', quantity: 10 });

    const [placed, executed] = await subscription.waitFor(2, 10_000);
    // Each event reads the order as it is now: filled in both.
    const orderView = {
      id: order.id,
      status: 'FILLED',
      filledQuantity: 10,
      instrument: { symbol: 'GWAY' },
      portfolio: { id: portfolio.id, name: 'Gateway book', owner: { displayName: 'Katherine Johnson' } },
    };
    // Each event carries its position in trading's event log (what a client resumes from).
    const position = expect.stringMatching(/^trading:[0-9]+$/);
    expect(placed).toEqual({ data: { orderUpdates: { order: orderView, execution: null } }, extensions: { position } });
    // 10 · 20 = 200; fees 1 + 0.1 % of 200
    expect(executed).toEqual({ data: { orderUpdates: { order: orderView, execution: { quantity: 10, price: 20, fees: 1.2 } } }, extensions: { position } });
    const sequenceOf = (result: WsResult<OrderUpdateData> | undefined) => Number(result?.extensions?.position?.split(':')[1]);
    expect(sequenceOf(executed)).toBeGreaterThan(sequenceOf(placed));
  });

  it("plattform: configChanged reaches the changing tenant's gateway subscriber, never another tenant's", async () => {
    const tenantA = await signUpAccount(stack, 'Gateway Config A', 'Hedy Lamarr');
    const tenantB = await signUpAccount(stack, 'Gateway Config B', 'Radia Perlman');
    const service = `gateway-e2e-${tenantA.orgId.slice(0, 8)}`;
    const subscriberA = connect(tenantA.token).subscribe<ConfigChangedData>(CONFIG_CHANGED, { service });
    const subscriberB = connect(tenantB.token).subscribe<ConfigChangedData>(CONFIG_CHANGED, { service });
    await untilGatewaySubscribers(2);
    await untilSubscribed(`plattform.config.changed.${tenantA.orgId}`);
    await untilSubscribed(`plattform.config.changed.${tenantB.orgId}`);

    dataOf(await stack.query(SET_CONFIG, { input: { service, key: 'threshold', value: { limit: 7 }, reason: 'tenant a' } }, tenantA.token));
    expect(await subscriberA.next(10_000)).toEqual({
      data: {
        configChanged: {
          service,
          key: 'threshold',
          value: { limit: 7 },
          version: 1,
          scope: 'ORGANIZATION',
          updatedBy: { id: tenantA.userId, displayName: 'Hedy Lamarr' },
        },
      },
      extensions: { position: expect.stringMatching(/^plattform:[0-9]+$/) },
    });

    // B's own change reaches B, and it is the first thing B ever receives: A's never arrived.
    dataOf(await stack.query(SET_CONFIG, { input: { service, key: 'threshold', value: { limit: 99 }, reason: 'tenant b' } }, tenantB.token));
    expect((await subscriberB.next(10_000)).data?.configChanged).toMatchObject({
      value: { limit: 99 },
      version: 1,
      updatedBy: { id: tenantB.userId, displayName: 'Radia Perlman' },
    });
    // Markers: one more change of each tenant. Whatever was wrongly sent to either subscriber before
    // it (the other tenant's change, a repeat) came first.
    dataOf(await stack.query(SET_CONFIG, { input: { service, key: 'threshold', value: { limit: 8 }, reason: 'tenant a marker' } }, tenantA.token));
    dataOf(await stack.query(SET_CONFIG, { input: { service, key: 'threshold', value: { limit: 100 }, reason: 'tenant b marker' } }, tenantB.token));
    expect((await subscriberA.next(10_000)).data?.configChanged).toMatchObject({ value: { limit: 8 }, version: 2 });
    expect((await subscriberB.next(10_000)).data?.configChanged).toMatchObject({ value: { limit: 100 }, version: 2 });
    expect(subscriberA.results).toHaveLength(2);
    expect(subscriberB.results).toHaveLength(2);
    expect(JSON.stringify(subscriberB.results)).not.toContain(tenantA.userId);
  });
});
