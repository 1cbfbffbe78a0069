import type { GraphQLDataSource } from '@apollo/gateway';
import type { DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { contextOf, inSpan } from '@hub/runtime';
import { SpanKind } from '@opentelemetry/api';
import type { GatewayContext } from '../gatewayContext';
import { subgraphFetchFor } from '../execution/ownFederatedExecution';
import { QueryPlanExecutor, type SubgraphResponse } from '../execution/queryPlanExecutor';
import { ResultShaper } from '../execution/resultShaper';
import { eventPlanNode, type SubscriptionPlan, type SubscriptionPlanner } from './subscriptionPlanner';
import type * as StockEvent from './stockSubscriptionEvent';

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

/** Runs one upstream event's plan for one client operation (ours, or stock's in stockSubscriptionEvent.ts). */
export type EventExecution = (
  planner: SubscriptionPlanner,
  plan: SubscriptionPlan,
  operation: ClientOperation,
  event: UpstreamEvent,
  context: GatewayContext,
  services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
) => Promise<ExecutionResult>;

const EXECUTORS = new WeakMap<SubscriptionPlanner, QueryPlanExecutor>();
const SHAPERS = new WeakMap<SubscriptionPlan, ResultShaper>();

/** Our executor: the primary fetch answers with the event, the rest runs and is shaped like a query's plan. */
const executeWithOwnExecutor: EventExecution = async (planner, plan, operation, event, context, services) => {
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
  const node = eventPlanNode(plan);
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
};

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

const executeEventPlan: EventExecution = (planner, plan, operation, event, context, services) => {
  if (planner.executor === 'own') return executeWithOwnExecutor(planner, plan, operation, event, context, services);
  // Loaded only for GATEWAY_EXECUTOR=stock: @apollo/gateway's module tree is not needed by ours.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { executeEventWithStock } = require('./stockSubscriptionEvent') as typeof StockEvent;
  return executeEventWithStock(planner, plan, operation, event, context, services);
};
