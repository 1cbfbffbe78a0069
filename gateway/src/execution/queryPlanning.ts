import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type * as Hive from '@graphql-hive/router-query-planner' with { 'resolution-mode': 'import' };
import { getOperationAST, GraphQLError, print, type DocumentNode } from 'graphql';
import { fromHivePlan } from './hivePlanConversion';
import { forHivePlanner } from './hivePlannerInput';

/** Which planner plans operations for our executor (GATEWAY_PLANNER). */
export type PlannerKind = 'apollo' | 'hive';

/** Plans one operation into the plan shape our executor runs. */
export interface QueryPlanning {
  plan(document: DocumentNode, operationName: string | null, source: string): QueryPlan['node'];
}

/** @apollo/query-planner over the supergraph. */
function apolloPlanning(supergraph: Supergraph, apiSchema: Schema): QueryPlanning {
  const planner = new QueryPlanner(supergraph);
  return {
    plan: (document, operationName) => planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined })).node,
  };
}

/** @graphql-hive/router-query-planner (native) over the supergraph SDL; its plans converted to Apollo's shape. */
function hivePlanning(supergraphSdl: string, apiSchema: Schema): QueryPlanning {
  // Loaded only when chosen: its CommonJS entry (index.cjs) loads a native binary for this platform.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { QueryPlanner: HiveQueryPlanner } = require('@graphql-hive/router-query-planner') as typeof Hive;
  const planner = new HiveQueryPlanner(supergraphSdl);
  const noLabels = new Set<string>();
  const schema = apiSchema.toGraphQLJSSchema();
  return {
    plan: (document, operationName, source) => {
      const planned = forHivePlanner(document, schema);
      if (planned === null) return undefined;
      let node;
      try {
        node = planner.plan(planned === document ? source : print(planned), operationName, noLabels, 0).node;
      } catch (error) {
        // Its errors are plain Errors; an operation it cannot plan is answered like Apollo's planner's.
        throw new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: 'QUERY_PLANNING_FAILED' } });
      }
      return node ? fromHivePlan(node, getOperationAST(document, operationName)?.name?.value ?? null) : undefined;
    },
  };
}

export function createQueryPlanning(kind: PlannerKind, supergraph: Supergraph, apiSchema: Schema, supergraphSdl: string): QueryPlanning {
  return kind === 'hive' ? hivePlanning(supergraphSdl, apiSchema) : apolloPlanning(supergraph, apiSchema);
}
