import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type * as Hive from '@graphql-hive/router-query-planner' with { 'resolution-mode': 'import' };
import { getOperationAST, GraphQLError, Kind, print, visit, type DocumentNode } from 'graphql';
import { fromHivePlan } from './hivePlanConversion';

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
function hivePlanning(supergraphSdl: string): QueryPlanning {
  // Loaded only when chosen: its CommonJS entry (index.cjs) loads a native binary for this platform.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { QueryPlanner: HiveQueryPlanner } = require('@graphql-hive/router-query-planner') as typeof Hive;
  const planner = new HiveQueryPlanner(supergraphSdl);
  const noLabels = new Set<string>();
  return {
    plan: (document, operationName, source) => {
      const planned = withoutIntrospection(document);
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

/**
 * `__schema` / `__type` are answered from the API schema by the result shaper; unlike Apollo's,
 * Hive's planner rejects them. The document without them (a selection left empty keeps
 * `__typename`), or null when nothing is left to plan.
 */
function withoutIntrospection(document: DocumentNode): DocumentNode | null {
  let found = false;
  const stripped = visit(document, {
    Field: (field) => {
      if (field.name.value !== '__schema' && field.name.value !== '__type') return undefined;
      found = true;
      return null;
    },
  });
  if (!found) return document;
  let empty = true;
  const completed = visit(stripped, {
    SelectionSet: {
      leave: (set) => (set.selections.length > 0 ? undefined : { ...set, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] }),
    },
    OperationDefinition: {
      leave: (operation) => {
        if (operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename')) empty = false;
        return undefined;
      },
    },
  });
  return empty ? null : completed;
}

export function createQueryPlanning(kind: PlannerKind, supergraph: Supergraph, apiSchema: Schema, supergraphSdl: string): QueryPlanning {
  return kind === 'hive' ? hivePlanning(supergraphSdl) : apolloPlanning(supergraph, apiSchema);
}
