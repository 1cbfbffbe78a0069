import type { GraphQLDataSource } from '@apollo/gateway';
import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
import type { GenerationExecution } from '../supergraph/supergraphGeneration';
import type { PlannerKind } from './queryPlanning';

/**
 * The seam where a planned operation is executed against subgraphs: our executor (default) or
 * @apollo/gateway's planner and executor, chosen per gateway (GATEWAY_EXECUTOR).
 */
export interface FederatedExecution extends GenerationExecution {
  /** The API schema clients see (validation, introspection). */
  readonly schema: GraphQLSchema;
  /** Who runs the plans, and who plans them (subscriptions plan and run their events the same way). */
  readonly executorKind: ExecutorKind;
  readonly plannerKind: PlannerKind;
  execute(args: ExecutionArgs, source: string): Promise<ExecutionResult>;
  stop(): Promise<void>;
}

/** Builds (or reuses) the HTTP client of one subgraph; clients outlive supergraph reloads. */
export type SubgraphServiceFactory = (subgraph: { name: string; url: string }) => GraphQLDataSource<GatewayContext>;

/** Which executor runs query plans: ours (default) or @apollo/gateway's executeQueryPlan (GATEWAY_EXECUTOR). */
export type ExecutorKind = 'own' | 'stock';
