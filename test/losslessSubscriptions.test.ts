import type { HubSubgraphModule, RunningHubSubgraph } from '@hub/core';
import { createLogger, OutboxRetention } from '@hub/core';
import { createRiskHubModule, riskHubSettingsFromEnv } from '@hub/risk-hub';
import Redis from 'ioredis';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { WsConnection, type WsSubscription } from '@hub/testkit/wsSubscription';
import { machineTime } from '@hub/testkit/machineTime';

/**
 * Lossless subscriptions with the real risk-hub behind the gateway: events are numbered by the
 * outbox relay, a killed subgraph is resumed from the last position each upstream stream
 * delivered, SSE clients resume with Last-Event-ID on another gateway replica, and a resume
 * point past retention is refused explicitly. Everything runs on PostgreSQL (restricted app
 * roles) and Redis, as in production.
 */

const EVENTS = /* GraphQL */ `
  subscription Events {
    riskAssessmentEvents {
      type assessmentId
      assessment { title owner { displayName } }
    }
  }
`;

interface EventData {
  riskAssessmentEvents: { type: string; assessmentId: string; assessment: { title: string; owner: { displayName: string } | null } | null };
}

const CREATE = `mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }`;

/** The first test's writes: the hub stream's subgraph is killed after KILLED_AFTER and back after RESTARTED_AFTER. */
const EVENTS_WRITTEN = 300;
const KILLED_AFTER = 60;
const RESTARTED_AFTER = 180;

const sequenceOf = (position: unknown) => Number(String(position).split(':')[1]);

describe('lossless subscriptions through the gateway (risk-hub event log)', () => {
  let stack: TestStack;
  let redis: Redis;
  let writer: { hub: RunningHubSubgraph<unknown>; url: string };
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  const connections: WsConnection[] = [];
  const sse: Array<SseSubscription<EventData>> = [];

  beforeAll(async () => {
    const riskHub = createRiskHubModule({ settings: { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0 } }) as unknown as HubSubgraphModule;
    stack = await startTestStack({ hubs: [riskHub], redisUrl: TEST_REDIS_URL });
    redis = new Redis(TEST_REDIS_URL);
    // A second risk-hub replica takes the writes (and relays them) while the first one is down.
    writer = await stack.startHubReplica('risk-hub');
    tenantA = await signUpAccount(stack, 'Lossless A', 'Grace Hopper');
    tenantB = await signUpAccount(stack, 'Lossless B', 'Barbara Liskov');
  });

  afterEach(async () => {
    for (const subscription of sse.splice(0)) subscription.close();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  function connect(url: string, token: string): WsConnection {
    const connection = new WsConnection(url, token);
    connections.push(connection);
    return connection;
  }

  async function openSse(url: string, token: string, lastEventId?: string): Promise<SseSubscription<EventData>> {
    const subscription = await SseSubscription.open<EventData>(url, EVENTS, {}, token, { requireOk: true, ...(lastEventId ? { lastEventId } : {}) });
    sse.push(subscription);
    return subscription;
  }

  /** Writes one assessment (one `risk.assessment.created` event) through the writer replica. */
  async function create(account: TestAccount, title: string): Promise<void> {
    const response = await postGraphQLSigningSubgraphs(writer.url, CREATE, { input: { title, ownerId: account.userId } }, account.token);
    if (response.errors) throw new Error(`createRiskAssessment failed: ${JSON.stringify(response.errors)}`);
  }

  async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const subscribedInRedis = async (orgId: string) =>
    Number(((await redis.pubsub('NUMSUB', `risk.assessment.created.${orgId}`)) as [string, number])[1]) > 0;

  function titlesOf(results: ReadonlyArray<{ data?: EventData }>): string[] {
    return results.map((result) => result.data?.riskAssessmentEvents.assessment?.title ?? '<missing>');
  }

  it('a subgraph killed while 300 events are written: every client gets all of its tenant’s events exactly once, in order', async () => {
    const subscribers = new Map<TestAccount, Array<WsSubscription<EventData>>>();
    for (const account of [tenantA, tenantB]) {
      const mine: Array<WsSubscription<EventData>> = [];
      for (let c = 0; c < 5; c += 1) {
        const connection = connect(stack.gatewayUrl, account.token);
        mine.push(connection.subscribe<EventData>(EVENTS), connection.subscribe<EventData>(EVENTS));
      }
      subscribers.set(account, mine);
    }
    await until(() => stack.gateway.subscriptions.stats().subscribers === 20, '20 gateway subscribers');
    await until(async () => (await subscribedInRedis(tenantA.orgId)) && (await subscribedInRedis(tenantB.orgId)), 'upstream streams');

    const expected = new Map<TestAccount, string[]>([
      [tenantA, []],
      [tenantB, []],
    ]);
    let killedAt = 0;
    for (let i = 1; i <= EVENTS_WRITTEN; i += 1) {
      const account = i % 2 === 1 ? tenantA : tenantB;
      const title = `event ${i}`;
      await create(account, title);
      expected.get(account)!.push(title);
      if (i === KILLED_AFTER) {
        await stack.stopHub('risk-hub');
        killedAt = Date.now();
      }
      // Down for the 120 writes in between (published by the writer's relay, more than one relay batch
      // of 100); the stream resumes while the last 120 are written.
      if (i === RESTARTED_AFTER) await stack.startHub('risk-hub');
    }
    expect(killedAt).toBeGreaterThan(0);

    for (const [account, subscriptions] of subscribers) {
      const titles = expected.get(account)!;
      expect(titles).toHaveLength(EVENTS_WRITTEN / 2);
      for (const subscription of subscriptions) {
        const results = await subscription.waitFor(EVENTS_WRITTEN / 2, 30_000);
        expect(subscription.end).toBeNull();
        expect(results.every((result) => result.errors === undefined)).toBe(true);
        expect(titlesOf(results)).toEqual(titles);
        expect(results.every((result) => result.data?.riskAssessmentEvents.assessment?.owner?.displayName === (account === tenantA ? 'Grace Hopper' : 'Barbara Liskov'))).toBe(true);
        const sequences = results.map((result) => sequenceOf(result.extensions?.position));
        for (let i = 1; i < sequences.length; i += 1) expect(sequences[i]!).toBeGreaterThan(sequences[i - 1]!);
      }
    }
    // Nothing more arrives: no late duplicate from the replay or a relay retry.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const subscriptions of subscribers.values()) for (const subscription of subscriptions) expect(subscription.results).toHaveLength(EVENTS_WRITTEN / 2);
  }, machineTime(120_000));

  it('an SSE client away during a burst resumes with Last-Event-ID on the other gateway replica: nothing missing, nothing repeated', async () => {
    const replica = await stack.startGatewayReplica();
    const first = await openSse(stack.gatewayUrl, tenantA.token);
    await until(() => first.lastEventId !== null, 'the position marker');
    const titles = Array.from({ length: 120 }, (_, i) => `burst ${i + 1}`);
    let written = 0;
    let away!: () => void;
    const clientAway = new Promise<void>((resolve) => (away = resolve));
    let back!: () => void;
    const clientBack = new Promise<void>((resolve) => (back = resolve));
    const writing = (async () => {
      for (const [index, title] of titles.entries()) {
        await create(tenantA, title);
        written += 1;
        // The burst goes on only once the client is gone, so that it misses events whatever the
        // machine's speed, and its last part only once the client is back: it resumes mid-burst.
        if (index === 40) await clientAway;
        if (index === 80) await clientBack;
      }
    })();
    await first.waitFor(20, 15_000);
    first.close();
    const leftAt = written;
    away();
    const seen = [...first.results];
    const lastEventId = first.eventIds[seen.length - 1]!;
    expect(lastEventId).toBe(seen.at(-1)!.extensions?.position);
    // Away while 20 more are written; it resumes with the burst still going.
    await until(() => written >= Math.max(leftAt, 41) + 20, '20 events written while the client is away');

    const resumed = await openSse(replica.url, tenantA.token, lastEventId);
    back();
    await writing;
    await resumed.waitFor(titles.length - seen.length, 20_000);
    const all = [...seen, ...resumed.results];
    expect(titlesOf(all)).toEqual(titles);
    // Each SSE event id is the event's position, so a further reconnect resumes from the right one.
    expect(resumed.eventIds).toEqual(resumed.results.map((result) => result.extensions?.position));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(resumed.results).toHaveLength(titles.length - seen.length);
  }, machineTime(60_000));

  it("replays only the subscriber's tenant, exactly as live", async () => {
    const live = connect(stack.gatewayUrl, tenantA.token).subscribe<EventData>(EVENTS, {}, {});
    await until(async () => stack.gateway.subscriptions.stats().subscribers >= 1 && (await subscribedInRedis(tenantA.orgId)), 'a live subscriber');
    await create(tenantA, 'isolation start');
    const [start] = await live.waitFor(1, 10_000);
    const from = start!.extensions!.position!;
    const expected: string[] = [];
    for (let i = 1; i <= 20; i += 1) {
      await create(tenantB, `B only ${i}`);
      if (i % 2 === 0) {
        await create(tenantA, `A ${i}`);
        expected.push(`A ${i}`);
      }
    }
    await live.waitFor(11, 10_000);
    // Tenant A resumes from before B's events: the replay holds A's ten events and nothing of B's.
    const replay = connect(stack.gatewayUrl, tenantA.token).subscribe<EventData>(EVENTS, {}, { resumeFrom: from });
    const results = await replay.waitFor(10, 10_000);
    expect(titlesOf(results)).toEqual(expected);
    expect(titlesOf(live.results.slice(1))).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replay.results).toHaveLength(10);
    expect(JSON.stringify(replay.results)).not.toContain('B only');
  }, machineTime(60_000));

  it('a resume point older than retention is refused with RESUME_POINT_EXPIRED (WebSocket and SSE)', async () => {
    const live = connect(stack.gatewayUrl, tenantB.token).subscribe<EventData>(EVENTS);
    await until(async () => subscribedInRedis(tenantB.orgId), 'a live subscriber');
    await create(tenantB, 'about to expire');
    const [old] = await live.waitFor(1, 10_000);
    const position = old!.extensions!.position!;
    // Retention of zero: every published row is past it (the real job, run now).
    const retention = new OutboxRetention({ dataSource: stack.hubs['risk-hub']!.dataSource, schema: 'risk_hub', retentionMs: 0, logger: createLogger('retention-test') });
    expect(await retention.pruneNow()).toBeGreaterThan(0);
    await create(tenantB, 'after the cleanup');
    await live.waitFor(2, 10_000);

    const resumedWs = connect(stack.gatewayUrl, tenantB.token).subscribe<EventData>(EVENTS, {}, { resumeFrom: `risk_hub:${sequenceOf(position) - 1}` });
    const [refusal] = await resumedWs.waitFor(1, 10_000);
    expect(refusal!.data ?? null).toBeNull();
    expect(refusal!.errors?.[0]?.extensions).toMatchObject({ code: 'RESUME_POINT_EXPIRED', reason: 'EXPIRED' });
    expect(refusal!.errors?.[0]?.message).toMatch(/refetch/);

    const resumedSse = await openSse(stack.gatewayUrl, tenantB.token, `risk_hub:${sequenceOf(position) - 1}`);
    const [sseRefusal] = await resumedSse.waitFor(1, 10_000);
    expect(sseRefusal!.errors?.[0]?.extensions).toMatchObject({ code: 'RESUME_POINT_EXPIRED' });

    // A malformed one is the client's mistake: BAD_USER_INPUT, over both transports.
    const malformedWs = connect(stack.gatewayUrl, tenantB.token).subscribe<EventData>(EVENTS, {}, { resumeFrom: 'risk_hub:0x' });
    expect((await malformedWs.waitFor(1, 10_000))[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const malformedSse = await openSse(stack.gatewayUrl, tenantB.token, 'risk_hub:0x');
    expect((await malformedSse.waitFor(1, 10_000))[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });

    // A resume point the log still covers works: the event after the cleanup is replayed.
    const fromLatest = connect(stack.gatewayUrl, tenantB.token).subscribe<EventData>(EVENTS, {}, { resumeFrom: position });
    expect(titlesOf(await fromLatest.waitFor(1, 10_000))).toEqual(['after the cleanup']);
  }, machineTime(60_000));
});
