import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import type * as Hive from '@graphql-hive/router-query-planner' with { 'resolution-mode': 'import' };
import { GraphQLError, Kind, parse, print, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';

/**
 * Converts a plan of @graphql-hive/router-query-planner into the plan shape our executor runs
 * (@apollo/query-planner's): paths become strings, rewrites get Apollo's form, a required field the
 * planner fetched under an internal alias is renamed back by an input rewrite, and a BatchFetch
 * becomes one entity fetch per alias (merged again into one request by the fetch path).
 */
export function fromHivePlan(node: Hive.PlanNode, operationName: string | null = null): PlanNode {
  return convert(node, { operationName, fetches: 0 });
}

/**
 * Subgraph operations are named after the client's like Apollo's planner names them
 * (`<Operation>__<subgraph>__<n>`): subgraph logs tell operations apart, and fetches of
 * differently named client operations are not shared in flight as identical requests.
 */
interface Naming {
  readonly operationName: string | null;
  fetches: number;
}

function convert(node: Hive.PlanNode, naming: Naming): PlanNode {
  switch (node.kind) {
    case 'Sequence':
      return { kind: 'Sequence', nodes: node.nodes.map((child) => convert(child, naming)) };
    case 'Parallel':
      return { kind: 'Parallel', nodes: node.nodes.map((child) => convert(child, naming)) };
    case 'Flatten':
      return { kind: 'Flatten', path: node.path.map(flattenStep), node: convert(node.node, naming) as FetchNode };
    case 'Condition':
      return {
        kind: 'Condition',
        condition: node.condition,
        ifClause: node.ifClause ? convert(node.ifClause, naming) : undefined,
        elseClause: node.elseClause ? convert(node.elseClause, naming) : undefined,
      };
    case 'Fetch':
      return fetchNode(naming, node.serviceName, node.operation, node.operationKind, node.variableUsages, node.requires, node.inputRewrites, node.outputRewrites);
    case 'BatchFetch':
      return batchFetch(node, naming);
    case 'Subscription':
    case 'Defer':
      throw new GraphQLError(`Plan node ${node.kind} is not run by this gateway`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

function flattenStep(step: Hive.FlattenNodePathSegment): string {
  if (step === '@') return '@';
  if ('Field' in step) return step.Field;
  // Our executor's Flatten walks response keys; a type condition in a Flatten path is not supported yet.
  throw new GraphQLError('Type conditions in Flatten paths are not supported', { extensions: { code: 'BAD_USER_INPUT' } });
}

function fetchNode(
  naming: Naming,
  serviceName: string,
  source: string,
  operationKind: Hive.FetchNode['operationKind'],
  variableUsages: string[] | undefined,
  requires: Hive.RequiresSelection[] | undefined,
  inputRewrites: Hive.InputRewrite[] | undefined,
  outputRewrites: Hive.OutputRewrite[] | undefined,
): FetchNode {
  const renames: FetchDataRewrite[] = [];
  const converted = requires?.map((selection) => requiresSelection(selection, [], renames));
  const input = [...(inputRewrites ?? []).flatMap(rewrite), ...renames];
  const output = (outputRewrites ?? []).flatMap(rewrite);
  let document = parse(source);
  let operation = source;
  let operationName: string | undefined;
  if (naming.operationName) {
    // A subgraph name may hold characters a GraphQL name may not (`risk-hub`).
    operationName = `${naming.operationName}__${serviceName.replace(/[^_0-9A-Za-z]/g, '_')}__${naming.fetches}`;
    naming.fetches += 1;
    const name = { kind: Kind.NAME, value: operationName } as const;
    document = visit(document, { OperationDefinition: (definition) => ({ ...definition, name }) });
    operation = print(document);
  }
  return {
    kind: 'Fetch',
    serviceName,
    operation,
    operationKind: operationKind ?? 'query',
    operationName,
    variableUsages,
    requires: converted,
    inputRewrites: input.length > 0 ? input : undefined,
    outputRewrites: output.length > 0 ? output : undefined,
    operationDocumentNode: document,
    id: undefined,
  } as unknown as FetchNode;
}

/**
 * A required field with `alias` is read from the response under `name` (the planner's internal
 * alias) and must reach the subgraph as `alias` (the field's own name): picked under `name`, then
 * renamed by an input rewrite.
 */
function requiresSelection(selection: Hive.RequiresSelection, path: string[], renames: FetchDataRewrite[]): QueryPlanSelectionNode {
  if (selection.kind === 'FragmentSpread') {
    throw new GraphQLError('Fragment spreads in required selections are not supported', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  if (selection.kind === 'InlineFragment') {
    const inner = [...path, `... on ${selection.typeCondition}`];
    return { kind: 'InlineFragment', typeCondition: selection.typeCondition, selections: selection.selections.map((child) => requiresSelection(child, inner, renames)) };
  }
  const inner = [...path, selection.name];
  if (selection.alias && selection.alias !== selection.name) renames.push({ kind: 'KeyRenamer', path: inner, renameKeyTo: selection.alias });
  return {
    kind: 'Field',
    name: selection.name,
    selections: selection.selections?.map((child) => requiresSelection(child, inner, renames)),
  } as QueryPlanSelectionNode;
}

/** Hive's rewrite (`{ ValueSetter: … }`, `{ KeyRenamer: … }` or `{ kind: 'ValueSetter', … }`) in Apollo's form, one per type of a typename step. */
function rewrite(value: Hive.FetchRewrite): FetchDataRewrite[] {
  if ('ValueSetter' in value) return rewritePaths(value.ValueSetter.path).map((path) => ({ kind: 'ValueSetter', path, setValueTo: value.ValueSetter.setValueTo }));
  if ('KeyRenamer' in value) return rewritePaths(value.KeyRenamer.path).map((path) => ({ kind: 'KeyRenamer', path, renameKeyTo: value.KeyRenamer.renameKeyTo }));
  return rewritePaths(value.path).map((path) => ({ kind: 'ValueSetter', path, setValueTo: value.setValueTo }));
}

function rewritePaths(path: Hive.FetchNodePathSegment[]): string[][] {
  let paths: string[][] = [[]];
  for (const step of path) {
    if ('Key' in step) paths = paths.map((prefix) => [...prefix, step.Key]);
    else paths = paths.flatMap((prefix) => step.TypenameEquals.map((type) => [...prefix, `... on ${type}`]));
  }
  return paths;
}

/** One BatchFetch: an `_entities` fetch per alias, each at each of its paths, in parallel. */
function batchFetch(node: Hive.BatchFetchNode, naming: Naming): PlanNode {
  const document = parse(node.operation);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new GraphQLError('BatchFetch without an operation', { extensions: { code: 'BAD_USER_INPUT' } });
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  const nodes: PlanNode[] = [];
  for (const alias of node.entityBatch.aliases) {
    const field = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === alias.alias);
    if (!field || field.kind !== Kind.FIELD) throw new GraphQLError(`BatchFetch alias ${alias.alias} not in its operation`, { extensions: { code: 'BAD_USER_INPUT' } });
    const single = singleEntitiesOperation(field, alias.representationsVariableName, fragments);
    const fetch = fetchNode(naming, node.serviceName, single, node.operationKind, node.variableUsages, alias.requires, alias.inputRewrites, alias.outputRewrites);
    for (const path of alias.paths) nodes.push({ kind: 'Flatten', path: path.map(flattenStep), node: fetch });
  }
  return nodes.length === 1 ? nodes[0]! : { kind: 'Parallel', nodes };
}

/** `_entities` of one batch alias as its own operation, its representations as `$representations`. */
function singleEntitiesOperation(field: SelectionNode & { kind: Kind.FIELD }, variableName: string, fragments: FragmentDefinitionNode[]): string {
  const renamed = visit(field, {
    Variable: (variable) => (variable.name.value === variableName ? { ...variable, name: { ...variable.name, value: 'representations' } } : undefined),
  });
  const entities = { ...renamed, alias: undefined };
  const used = usedFragments(entities, fragments);
  const others = new Set<string>();
  visit(entities, { Variable: (variable) => void (variable.name.value !== 'representations' && others.add(variable.name.value)) });
  if (others.size > 0) throw new GraphQLError('BatchFetch aliases with variables are not supported', { extensions: { code: 'BAD_USER_INPUT' } });
  const operation: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as never,
        variableDefinitions: [
          {
            kind: Kind.VARIABLE_DEFINITION,
            variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: 'representations' } },
            type: parse('query($r:[_Any!]!){a}').definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? definition.variableDefinitions ?? [] : []))[0]!.type,
          },
        ],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [entities] },
      },
      ...used,
    ],
  };
  return print(operation);
}

/** The fragments a selection uses, transitively (a subgraph rejects an unused fragment). */
function usedFragments(root: SelectionNode, fragments: FragmentDefinitionNode[]): FragmentDefinitionNode[] {
  const byName = new Map(fragments.map((fragment) => [fragment.name.value, fragment]));
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: Array<SelectionNode | FragmentDefinitionNode> = [root];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread: (spread) => {
        const fragment = byName.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...used.values()];
}
