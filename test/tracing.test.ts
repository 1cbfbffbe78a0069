import { randomBytes } from 'node:crypto';
import { startTracing, type HubSubgraphModule, type RunningTracing } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { createRiskHubModule, riskHubSettingsFromEnv } from '@hub/risk-hub';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import Redis from 'ioredis';
import { postGraphQL } from '@hub/testkit/graphqlClient';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { WsConnection } from '@hub/testkit/wsSubscription';
import { readUntil } from '@hub/testkit/eventually';
import { untilSubscribedOnRedis } from '@hub/testkit/redisSubscribers';

/**
 * Traces end to end with the real services in this process (gateway, plattform, risk-hub on
 * PostgreSQL and Redis) and an in-memory exporter: the spans cross real HTTP hops only through the
 * W3C `traceparent` header, and the outbox only through the stored trace context.
 */

const PG_SCOPE = '@opentelemetry/instrumentation-pg';

const ASSESSMENT_WITH_OWNER = /* GraphQL */ `
  query AssessmentWithOwner($id: ID!) { riskAssessment(id: $id) { id title owner { displayName } } }
`;
const CREATE_ASSESSMENT = /* GraphQL */ `
  mutation CreateAssessment($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }
`;
const CONFIG_CHANGED = /* GraphQL */ `
  subscription ConfigChanged($service: String) { configChanged(service: $service) { service key version } }
`;
const SET_CONFIG = /* GraphQL */ `
  mutation SetConfig($input: SetConfigInput!) { setConfig(input: $input) { version } }
`;
const ASSESSMENT_EVENTS = /* GraphQL */ `
  subscription AssessmentEvents { riskAssessmentEvents { type assessmentId assessment { title owner { displayName } } } }
`;

/** A client's own span context, as a browser or another service would send it. */
function clientTraceparent(): { traceId: string; spanId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
}

function idOf(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

/** The span's ancestors in `spans`, nearest first (stops where a parent is not among them). */
function ancestorsOf(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((candidate) => [idOf(candidate), candidate]));
  const chain: ReadableSpan[] = [];
  for (let parent = byId.get(span.parentSpanContext?.spanId ?? ''); parent; parent = byId.get(parent.parentSpanContext?.spanId ?? '')) {
    chain.push(parent);
  }
  return chain;
}

describe('OpenTelemetry traces (gateway → subgraph → SQL, and across the outbox)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: RunningTracing;
  let stack: TestStack;
  let owner: TestAccount;
  let redis: Redis;
  const connections: WsConnection[] = [];

  beforeAll(async () => {
    // Before the services are built: their plugins only trace when tracing is on at creation.
    tracing = startTracing({ serviceName: 'hub-test', exporter })!;
    const riskHub = createRiskHubModule({ settings: { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0 } }) as unknown as HubSubgraphModule;
    stack = await startTestStack({ hubs: [riskHub], redisUrl: TEST_REDIS_URL });
    owner = await signUpAccount(stack, 'Traced Org', 'Ada Lovelace');
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    redis?.disconnect();
    await stack?.stop();
    await tracing?.stop();
  });

  function spansOfTrace(traceId: string, until: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
    const read = async () => {
      await tracing.flush();
      return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    };
    return readUntil(read, until, 10_000);
  }

  const untilSubscribed = (channel: string) => untilSubscribedOnRedis(redis, channel);

  /** The delivery span of an event of `type` that links to a span of `traceId`. */
  function deliveryLinkedTo(type: string, traceId: string): Promise<ReadableSpan | undefined> {
    const read = async () => {
      await tracing.flush();
      return exporter
        .getFinishedSpans()
        .find((span) => span.name === `subscription event ${type}` && span.links.some((link) => link.context.traceId === traceId));
    };
    return readUntil(read, (found) => found !== undefined, 10_000);
  }

  it('a query through the gateway is ONE trace: client span → gateway request → operation → plan fetch → subgraph call → subgraph request → SQL', async () => {
    const created = await postGraphQL<{ createRiskAssessment: { id: string } }>(
      stack.gatewayUrl,
      CREATE_ASSESSMENT,
      { input: { title: 'Scaffold inspection', ownerId: owner.userId } },
      owner.token,
    );
    const assessmentId = created.data!.createRiskAssessment.id;

    const client = clientTraceparent();
    const response = await postGraphQL<{ riskAssessment: { id: string; title: string; owner: { displayName: string } } }>(
      stack.gatewayUrl,
      ASSESSMENT_WITH_OWNER,
      { id: assessmentId },
      owner.token,
      { traceparent: client.header },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.riskAssessment).toEqual({ id: assessmentId, title: 'Scaffold inspection', owner: { displayName: 'Ada Lovelace' } });

    const hasSqlUnder = (service: string) => (spans: ReadableSpan[]) =>
      spans.some(
        (span) =>
          span.instrumentationScope.name === PG_SCOPE &&
          ancestorsOf(span, spans).some((ancestor) => ancestor.kind === SpanKind.SERVER && ancestor.attributes['hub.service'] === service),
      );
    const spans = await spansOfTrace(client.traceId, (all) => hasSqlUnder('risk-hub')(all) && hasSqlUnder('plattform')(all));

    // The gateway's request span continues the client's span; everything else hangs below it.
    const gatewayRequest = spans.find((span) => span.kind === SpanKind.SERVER && span.attributes['hub.service'] === 'gateway');
    expect(gatewayRequest?.parentSpanContext?.spanId).toBe(client.spanId);
    for (const span of spans) {
      if (span !== gatewayRequest) expect(ancestorsOf(span, spans)).toContain(gatewayRequest);
    }
    const operation = spans.find((span) => span.name === 'query AssessmentWithOwner');
    expect(operation?.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'AssessmentWithOwner' });

    // For each subgraph: SQL ← subgraph request (SERVER) ← gateway call (CLIENT) ← plan fetch ← operation
    // (with GATEWAY_EXECUTOR=stock, @apollo/gateway's own `gateway.fetch` span is the plan fetch).
    const planFetchName = (service: string) => (gatewayConfigFrom([]).executor === 'stock' ? 'gateway.fetch' : `plan fetch ${service}`);
    for (const service of ['risk-hub', 'plattform']) {
      const sql = spans.find(
        (span) => span.instrumentationScope.name === PG_SCOPE && ancestorsOf(span, spans).some((ancestor) => ancestor.attributes['hub.service'] === service),
      );
      expect(sql).toBeDefined();
      expect(sql!.kind).toBe(SpanKind.CLIENT);
      const chain = ancestorsOf(sql!, spans);
      const names = chain.map((span) => `${SpanKind[span.kind]} ${span.name}`);
      const subgraphRequest = chain.findIndex((span) => span.kind === SpanKind.SERVER && span.attributes['hub.service'] === service);
      const gatewayCall = chain.findIndex((span) => span.kind === SpanKind.CLIENT && span.name === `subgraph ${service}`);
      const planFetch = chain.findIndex((span) => span.name === planFetchName(service));
      const operationIndex = chain.indexOf(operation!);
      expect({ names, ordered: 0 <= subgraphRequest && subgraphRequest < gatewayCall && gatewayCall < planFetch && planFetch < operationIndex }).toEqual({
        names,
        ordered: true,
      });
    }
  });

  it('an event delivered to a subscriber is a span LINKED to the mutation that wrote it, continued by the gateway', async () => {
    const connection = new WsConnection(stack.gatewayUrl, owner.token);
    connections.push(connection);
    const subscription = connection.subscribe<{ riskAssessmentEvents: { type: string; assessmentId: string; assessment: { title: string } } }>(ASSESSMENT_EVENTS);
    // An event published before the subgraph holds its Redis subscription is never delivered.
    await untilSubscribed(`risk.assessment.created.${owner.orgId}`);

    const mutation = clientTraceparent();
    const created = await postGraphQL<{ createRiskAssessment: { id: string } }>(
      stack.gatewayUrl,
      CREATE_ASSESSMENT,
      { input: { title: 'Confined space entry', ownerId: owner.userId } },
      owner.token,
      { traceparent: mutation.header },
    );
    const assessmentId = created.data!.createRiskAssessment.id;
    await subscription.waitFor(1, 10_000);
    const delivered = subscription.results.find((result) => result.data?.riskAssessmentEvents.assessmentId === assessmentId);
    expect(delivered?.data?.riskAssessmentEvents).toMatchObject({ type: 'risk.assessment.created', assessment: { title: 'Confined space entry' } });
    // The trace context rides on the upstream event only: the client never sees it.
    expect(delivered?.extensions?.traceparent).toBeUndefined();

    // The span that wrote the outbox row is in the mutation's trace (the subgraph's request or below).
    const mutationSpans = await spansOfTrace(mutation.traceId, (spans) => spans.some((span) => span.instrumentationScope.name === PG_SCOPE));
    const mutationSpanIds = new Set(mutationSpans.map(idOf));

    const delivery = await deliveryLinkedTo('risk.assessment.created', mutation.traceId);
    expect(delivery).toBeDefined();
    expect(delivery!.kind).toBe(SpanKind.CONSUMER);
    // A trace of its own (a subscription outlives the mutation), linked to the exact writing span.
    expect(delivery!.spanContext().traceId).not.toBe(mutation.traceId);
    expect(delivery!.parentSpanContext).toBeUndefined();
    const link = delivery!.links.find((candidate) => candidate.context.traceId === mutation.traceId)!;
    expect(mutationSpanIds.has(link.context.spanId)).toBe(true);

    // The gateway's per-event span continues the subgraph's event span, and the entity fetch for
    // the owner's name (plattform, with its SQL) hangs below it in the same trace.
    const eventTrace = await spansOfTrace(delivery!.spanContext().traceId, (spans) =>
      spans.some((span) => span.instrumentationScope.name === PG_SCOPE && ancestorsOf(span, spans).some((ancestor) => ancestor.attributes['hub.service'] === 'plattform')),
    );
    const gatewayEvent = eventTrace.find((span) => span.name === 'subscription event risk-hub');
    expect(gatewayEvent?.parentSpanContext?.spanId).toBe(idOf(delivery!));
    const plattformSql = eventTrace.find(
      (span) => span.instrumentationScope.name === PG_SCOPE && ancestorsOf(span, eventTrace).some((ancestor) => ancestor.attributes['hub.service'] === 'plattform'),
    );
    expect(plattformSql && ancestorsOf(plattformSql, eventTrace)).toContain(gatewayEvent);
  });

  it('a payload a resolver maps from the event (plattform config changes) still links to the mutation', async () => {
    const connection = new WsConnection(stack.gatewayUrl, owner.token);
    connections.push(connection);
    const subscription = connection.subscribe<{ configChanged: { service: string; key: string; version: number } }>(CONFIG_CHANGED, { service: 'traced-service' });
    await untilSubscribed(`plattform.config.changed.${owner.orgId}`);

    const mutation = clientTraceparent();
    const set = await postGraphQL(
      stack.gatewayUrl,
      SET_CONFIG,
      { input: { service: 'traced-service', key: 'threshold', value: { limit: 3 }, reason: 'tracing test' } },
      owner.token,
      { traceparent: mutation.header },
    );
    expect(set.errors).toBeUndefined();
    const [event] = await subscription.waitFor(1, 10_000);
    expect(event?.data?.configChanged).toEqual({ service: 'traced-service', key: 'threshold', version: 1 });

    const delivery = await deliveryLinkedTo('plattform.config.changed', mutation.traceId);
    expect(delivery).toBeDefined();
    expect(delivery!.spanContext().traceId).not.toBe(mutation.traceId);
  });
});
