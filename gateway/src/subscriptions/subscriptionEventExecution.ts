import { createHash } from 'node:crypto';
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { contextOf, inSpan } from '@hub/runtime';
import { SpanKind } from '@opentelemetry/api';
import type { GatewayContext } from '../gatewayContext';
import { subgraphFetchFor } from '../execution/ownFederatedExecution';
import { QueryPlanExecutor, type SubgraphResponse } from '../execution/queryPlanExecutor';
import { ResultShaper } from '../execution/resultShaper';
import type { SubscriptionPlan } from './subscriptionPlanner';
import type { SubscriptionPlanner } from './subscriptionPlanner';

/** One event as the owning subgraph sent it (a `next` payload). */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<Record<string, unknown>>;
  extensions?: Record<string, unknown>;
}

export interface ClientOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  source: string;
  variables: Record<string, unknown>;
}

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

const NO_CACHE_POLICY = { restrict: () => undefined, replace: () => undefined, policyIfCacheable: () => null };

/**
 * Stands in for the primary's subgraph during one event: the primary fetch "returns" the event
 * (a deep copy: the executor merges into it), any other call to that subgraph goes out for real.
 */
function eventSource(plan: SubscriptionPlan, event: UpstreamEvent, real: GraphQLDataSource<GatewayContext> | undefined): GraphQLDataSource<GatewayContext> {
  return {
    async process(options) {
      if (options.request.query === plan.primary.operation) {
        return structuredClone({ data: event.data ?? null, errors: event.errors }) as GatewayResponse;
      }
      if (!real) throw new Error(`No data source for subgraph ${plan.primary.serviceName}`);
      return real.process(options);
    },
  };
}

const EXECUTORS = new WeakMap<SubscriptionPlanner, QueryPlanExecutor>();
const SHAPERS = new WeakMap<SubscriptionPlan, ResultShaper>();

/** Our executor: the primary fetch answers with the event, the rest runs and is shaped like a query's plan. */
async function executeWithOwnExecutor(
  planner: SubscriptionPlanner,
  plan: SubscriptionPlan,
  operation: ClientOperation,
  event: UpstreamEvent,
  context: GatewayContext,
  services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
): Promise<ExecutionResult> {
  let executor = EXECUTORS.get(planner);
  if (!executor) {
    executor = new QueryPlanExecutor(planner.supergraphSchema);
    EXECUTORS.set(planner, executor);
  }
  let shaper = SHAPERS.get(plan);
  if (!shaper) {
    shaper = new ResultShaper(planner.clientSchema, operation.document, operation.operation);
    SHAPERS.set(plan, shaper);
  }
  const realFetch = subgraphFetchFor(services, context, operation.operation, planner.inFlight);
  const fetch = (node: typeof plan.primary, variables: Record<string, unknown>) =>
    node === plan.primary
      ? Promise.resolve(structuredClone({ data: event.data ?? null, errors: event.errors }) as SubgraphResponse)
      : realFetch(node, variables);
  const node = plan.rest ? { kind: 'Sequence' as const, nodes: [plan.primary, plan.rest] } : plan.primary;
  const data: Record<string, unknown> = {};
  const errors: GraphQLError[] = [];
  // Conditions (@skip/@include) need the variables with their defaults applied.
  const coerced = getVariableValues(planner.clientSchema, operation.operation.variableDefinitions ?? [], operation.variables);
  const variables = coerced.coerced ?? operation.variables;
  await executor.execute(node, data, variables, fetch, errors);
  const shaped = shaper.shape(data, variables, errors);
  const allErrors = [...errors, ...shaped.errors];
  return {
    data: shaped.data,
    ...(allErrors.length > 0 ? { errors: allErrors } : {}),
    ...(event.extensions ? { extensions: event.extensions } : {}),
  } as ExecutionResult;
}

/**
 * Turns one upstream event into the client's result: the rest of the plan runs like a query
 * (entity fetches to other subgraphs with the subscriber's token), then the result is shaped to
 * the client's selection by the same executor that serves queries (ours, or stock's when the
 * gateway runs GATEWAY_EXECUTOR=stock).
 */
export async function executeSubscriptionEvent(
  planner: SubscriptionPlanner,
  plan: SubscriptionPlan,
  operation: ClientOperation,
  upstreamEvent: UpstreamEvent,
  context: GatewayContext,
  services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
): Promise<ExecutionResult> {
  // The subgraph's event span travels as `extensions.traceparent`: continued here, never forwarded.
  const { traceparent, ...extensions } = upstreamEvent.extensions ?? {};
  const event = traceparent === undefined ? upstreamEvent : { ...upstreamEvent, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
  const parent = contextOf(typeof traceparent === 'string' ? traceparent : undefined);
  return inSpan(
    `subscription event ${plan.primary.serviceName}`,
    { kind: SpanKind.CONSUMER, parent, root: parent === undefined, attributes: { 'hub.subgraph': plan.primary.serviceName, ...(operation.operationName ? { 'graphql.operation.name': operation.operationName } : {}) } },
    () => executeEventPlan(planner, plan, operation, event, context, services),
  );
}

async function executeEventPlan(
  planner: SubscriptionPlanner,
  plan: SubscriptionPlan,
  operation: ClientOperation,
  event: UpstreamEvent,
  context: GatewayContext,
  services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
): Promise<ExecutionResult> {
  if (planner.executor === 'own') return executeWithOwnExecutor(planner, plan, operation, event, context, services);
  const serviceMap = new Proxy({} as ServiceMap, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      return name === plan.primary.serviceName ? eventSource(plan, event, services(name)) : services(name);
    },
  });
  const node = plan.rest ? { kind: 'Sequence' as const, nodes: [plan.primary, plan.rest] } : plan.primary;
  const result = await executeQueryPlan(
    { kind: 'QueryPlan', node },
    serviceMap,
    {
      request: { query: operation.source, operationName: operation.operationName ?? undefined, variables: operation.variables },
      document: operation.document,
      source: operation.source,
      queryHash: createHash('sha256').update(operation.source).digest('hex'),
      operationName: operation.operationName,
      operation: operation.operation,
      schema: planner.supergraphSchema,
      schemaHash: '' as never,
      context,
      logger: context.logger as never,
      cache: undefined as never,
      // A fresh metrics object per execution: a shared one grows without bound.
      metrics: {},
      overallCachePolicy: NO_CACHE_POLICY,
      requestIsBatched: false,
    } as never,
    plan.operationContext,
    planner.supergraphSchema,
    planner.apiSchema,
  );
  return { data: result.data, errors: result.errors, ...(event.extensions ? { extensions: event.extensions } : {}) } as ExecutionResult;
}
