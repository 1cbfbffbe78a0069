import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlanSelectionNode, SubscriptionNode } from '@apollo/query-planner';
import type * as Hive from '@graphql-hive/router-query-planner' with { 'resolution-mode': 'import' };
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  parseType,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * Converts a plan of @graphql-hive/router-query-planner into the plan shape our executor runs
 * (@apollo/query-planner's): paths become strings (type conditions as `@|[Book]`), rewrites get
 * Apollo's form, a required field the planner fetched under an internal alias is renamed back by an
 * input rewrite, a fragment spread in a required selection is the fetch operation's fragment, a
 * BatchFetch becomes one entity fetch per alias over all its paths (merged again into one request
 * by the fetch path), and a subscription's plan becomes Apollo's Subscription node.
 */
export function fromHivePlan(node: Hive.PlanNode, operationName: string | null = null): PlanNode | SubscriptionNode {
  const naming = { operationName, fetches: 0 };
  // A subscription's plan: its Subscription node, alone or first in a Sequence of what runs for every event.
  if (node.kind === 'Subscription') return subscription(node, [], naming);
  if (node.kind === 'Sequence' && node.nodes[0]?.kind === 'Subscription') return subscription(node.nodes[0], node.nodes.slice(1), naming);
  return convert(node, naming);
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
      return { kind: 'Flatten', path: flattenPath(node.path), node: convert(node.node, naming) as FetchNode };
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

/**
 * A Flatten path as our executor reads it: a type condition is written as @apollo/query-planner
 * writes it with type-conditioned fetching, on the step it follows (`@|[Book,Movie]`).
 */
function flattenPath(path: Hive.FlattenNodePathSegment[]): string[] {
  const steps: string[] = [];
  for (const step of path) {
    if (step === '@') steps.push('@');
    else if ('Field' in step) steps.push(step.Field);
    else if (steps.length > 0 && !steps[steps.length - 1]!.endsWith(']')) steps[steps.length - 1] += `|[${step.TypeCondition.join(',')}]`;
    else steps.push(`|[${step.TypeCondition.join(',')}]`);
  }
  return steps;
}

/**
 * Hive's Subscription node has only its primary (the subscription to the owning subgraph); the
 * nodes after it in its Sequence run for every event. Apollo's holds both: `primary` and `rest`.
 */
function subscription(node: Hive.SubscriptionNode, rest: Hive.PlanNode[], naming: Naming): SubscriptionNode {
  const primary = node.primary as Hive.FetchNode | Hive.PlanNode;
  if ('kind' in primary && primary.kind !== undefined && primary.kind !== 'Fetch') {
    throw new GraphQLError(`A subscription's primary is a ${primary.kind} node, not a fetch`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const fetch = primary as Hive.FetchNode;
  const converted = fetchNode(naming, fetch.serviceName, fetch.operation, 'subscription', fetch.variableUsages, undefined, undefined, fetch.outputRewrites);
  const after = rest.map((child) => convert(child, naming));
  return { kind: 'Subscription', primary: converted, rest: after.length === 0 ? undefined : after.length === 1 ? after[0] : { kind: 'Sequence', nodes: after } };
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
  fragmentsOfPlan: readonly FragmentDefinitionNode[] | null = null,
): FetchNode {
  let document = parse(source);
  const renames: FetchDataRewrite[] = [];
  // The fragments a required selection may spread: the fetch's own (a BatchFetch's: its whole operation's).
  const definitions = fragmentsOfPlan ?? document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  const fragments = new Map(definitions.map((definition) => [definition.name.value, definition]));
  const converted = requires?.map((selection) => requiresSelection(selection, [], renames, fragments));
  const input = [...(inputRewrites ?? []).flatMap(rewrite), ...renames];
  const output = (outputRewrites ?? []).flatMap(rewrite);
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
 * renamed by an input rewrite. A fragment spread is one of the fetch operation's fragments
 * (the planner names repeated selections), taken as an inline fragment on its type.
 */
function requiresSelection(selection: Hive.RequiresSelection, path: string[], renames: FetchDataRewrite[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): QueryPlanSelectionNode {
  if (selection.kind === 'FragmentSpread') {
    const fragment = fragments.get(selection.value);
    if (!fragment) throw new GraphQLError(`Required selection spreads fragment "${selection.value}", which its fetch does not define`, { extensions: { code: 'BAD_USER_INPUT' } });
    const typeCondition = fragment.typeCondition.name.value;
    const inner = [...path, `... on ${typeCondition}`];
    return { kind: 'InlineFragment', typeCondition, selections: fragment.selectionSet.selections.map((child) => requiresSelection(fromDocumentSelection(child), inner, renames, fragments)) };
  }
  if (selection.kind === 'InlineFragment') {
    const inner = [...path, `... on ${selection.typeCondition}`];
    return { kind: 'InlineFragment', typeCondition: selection.typeCondition, selections: selection.selections.map((child) => requiresSelection(child, inner, renames, fragments)) };
  }
  const inner = [...path, selection.name];
  if (selection.alias && selection.alias !== selection.name) renames.push({ kind: 'KeyRenamer', path: inner, renameKeyTo: selection.alias });
  return {
    kind: 'Field',
    name: selection.name,
    selections: selection.selections?.map((child) => requiresSelection(child, inner, renames, fragments)),
  } as QueryPlanSelectionNode;
}

/** A selection of a fragment definition in the planner's form of a required selection. */
function fromDocumentSelection(selection: SelectionNode): Hive.RequiresSelection {
  switch (selection.kind) {
    case Kind.FRAGMENT_SPREAD:
      return { kind: 'FragmentSpread', value: selection.name.value };
    case Kind.INLINE_FRAGMENT:
      if (!selection.typeCondition) throw new GraphQLError('Required selection has an inline fragment without a type condition', { extensions: { code: 'BAD_USER_INPUT' } });
      return { kind: 'InlineFragment', typeCondition: selection.typeCondition.name.value, selections: selection.selectionSet.selections.map(fromDocumentSelection) };
    case Kind.FIELD:
      // An aliased field sits under its alias in the fetched data and reaches the subgraph under its name.
      return {
        kind: 'Field',
        name: selection.alias?.value ?? selection.name.value,
        alias: selection.alias ? selection.name.value : undefined,
        selections: selection.selectionSet?.selections.map(fromDocumentSelection),
      };
  }
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

/** One BatchFetch: an `_entities` fetch per alias over the entities of all its paths, in parallel. */
function batchFetch(node: Hive.BatchFetchNode, naming: Naming): PlanNode {
  const document = parse(node.operation);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new GraphQLError('BatchFetch without an operation', { extensions: { code: 'BAD_USER_INPUT' } });
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  const nodes: PlanNode[] = [];
  for (const alias of node.entityBatch.aliases) {
    const field = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === alias.alias);
    if (!field || field.kind !== Kind.FIELD) throw new GraphQLError(`BatchFetch alias ${alias.alias} not in its operation`, { extensions: { code: 'BAD_USER_INPUT' } });
    const single = singleEntitiesOperation(field, alias.representationsVariableName, operation, fragments);
    const fetch = fetchNode(naming, node.serviceName, single.source, node.operationKind, single.variableUsages.length > 0 ? single.variableUsages : undefined, alias.requires, alias.inputRewrites, alias.outputRewrites, fragments);
    // An alias at several paths: one Parallel of Flattens sharing the fetch, run as one fetch over all its entities.
    const atPaths: PlanNode[] = alias.paths.map((path) => ({ kind: 'Flatten', path: flattenPath(path), node: fetch }));
    nodes.push(atPaths.length === 1 ? atPaths[0]! : { kind: 'Parallel', nodes: atPaths });
  }
  return nodes.length === 1 ? nodes[0]! : { kind: 'Parallel', nodes };
}

/**
 * `_entities` of one batch alias as its own operation: its representations as `$representations`,
 * and the definitions of the other variables it uses (the client's) from the batch operation.
 */
function singleEntitiesOperation(field: FieldNode, variableName: string, batch: OperationDefinitionNode, fragments: FragmentDefinitionNode[]): { source: string; variableUsages: string[] } {
  const renamed = visit(field, {
    Variable: (variable) => (variable.name.value === variableName ? { ...variable, name: { ...variable.name, value: 'representations' } } : undefined),
  });
  const entities = { ...renamed, alias: undefined };
  const used = usedFragments(entities, fragments);
  const names = new Set<string>();
  for (const node of [entities, ...used]) visit(node, { Variable: (variable) => void names.add(variable.name.value) });
  names.delete('representations');
  const others = (batch.variableDefinitions ?? []).filter((definition) => names.has(definition.variable.name.value));
  if (others.length !== names.size) throw new GraphQLError('BatchFetch alias uses a variable its operation does not define', { extensions: { code: 'BAD_USER_INPUT' } });
  const operation: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: [REPRESENTATIONS_DEFINITION, ...others],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [entities] },
      },
      ...used,
    ],
  };
  return { source: print(operation), variableUsages: [...names] };
}

/** `$representations: [_Any!]!` */
const REPRESENTATIONS_DEFINITION: VariableDefinitionNode = {
  kind: Kind.VARIABLE_DEFINITION,
  variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: 'representations' } },
  type: parseType('[_Any!]!'),
};

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
