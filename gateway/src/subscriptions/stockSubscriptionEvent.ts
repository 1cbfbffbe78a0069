import { createHash } from 'node:crypto';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { ExecutionResult } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
import type { ClientOperation, EventExecution, UpstreamEvent } from './subscriptionEventExecution';
import { eventPlanNode, type SubscriptionPlan, type SubscriptionPlanner } from './subscriptionPlanner';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
type OperationContext = ReturnType<typeof buildOperationContext>;

const NO_CACHE_POLICY = { restrict: () => undefined, replace: () => undefined, policyIfCacheable: () => null };
const OPERATION_CONTEXTS = new WeakMap<SubscriptionPlan, OperationContext>();

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

function operationContextOf(planner: SubscriptionPlanner, plan: SubscriptionPlan, operation: ClientOperation): OperationContext {
  let operationContext = OPERATION_CONTEXTS.get(plan);
  if (!operationContext) {
    operationContext = buildOperationContext({ schema: planner.clientSchema, operationDocument: operation.document, operationName: operation.operationName ?? undefined });
    OPERATION_CONTEXTS.set(plan, operationContext);
  }
  return operationContext;
}

/**
 * One event run by @apollo/gateway's executor (GATEWAY_EXECUTOR=stock, the reference): the primary
 * fetch answers with the event, the rest of the plan goes out through the gateway's data sources.
 */
export const executeEventWithStock: EventExecution = async (planner, plan, operation, event, context, services) => {
  const serviceMap = new Proxy({} as ServiceMap, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      return name === plan.primary.serviceName ? eventSource(plan, event, services(name)) : services(name);
    },
  });
  const result = await executeQueryPlan(
    { kind: 'QueryPlan', node: eventPlanNode(plan) },
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
    operationContextOf(planner, plan, operation),
    planner.supergraphSchema,
    planner.apiSchema,
  );
  return { data: result.data, errors: result.errors, ...(event.extensions ? { extensions: event.extensions } : {}) } as ExecutionResult;
};
