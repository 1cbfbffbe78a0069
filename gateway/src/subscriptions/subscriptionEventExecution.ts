import { createHash } from 'node:crypto';
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { DocumentNode, ExecutionResult, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
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

/**
 * Turns one upstream event into the client's result: the rest of the plan runs like a query
 * (entity fetches to other subgraphs with the subscriber's token), then the result is shaped to
 * the client's selection by the same executor that serves queries.
 */
export async function executeSubscriptionEvent(
  planner: SubscriptionPlanner,
  plan: SubscriptionPlan,
  operation: ClientOperation,
  event: UpstreamEvent,
  context: GatewayContext,
  services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
): Promise<ExecutionResult> {
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
