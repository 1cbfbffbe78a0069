import type { FetchNode } from '@apollo/query-planner';
import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import type { SubgraphFetch, SubgraphResponse } from './queryPlanExecutor';
import { afterThisTurn } from './sharedFlushTick';

interface Waiting {
  readonly fetch: FetchNode;
  readonly variables: Record<string, unknown>;
  readonly resolve: (response: SubgraphResponse) => void;
  readonly reject: (error: unknown) => void;
}

/** Several fetches of one subgraph as one operation: each member's root fields and variables under its own prefix. */
interface MergedFetch {
  readonly node: FetchNode;
  /** Per member: its root response names (unprefixed). */
  readonly rootNames: ReadonlyArray<readonly string[]>;
}

const MAX_MERGED = 1000;
const mergedByMembers = new Map<string, MergedFetch>();
const fetchIds = new WeakMap<FetchNode, number>();
const rootNamesOf = new WeakMap<FetchNode, readonly string[] | null>();
let nextFetchId = 0;

const prefixOf = (member: number) => `b${member}_`;

function fetchId(fetch: FetchNode): number {
  let id = fetchIds.get(fetch);
  if (id === undefined) {
    id = nextFetchId++;
    fetchIds.set(fetch, id);
  }
  return id;
}

function operationOf(fetch: FetchNode): { document: DocumentNode; operation: OperationDefinitionNode } {
  const document = fetch.operationDocumentNode ?? parse(fetch.operation);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
  return { document, operation };
}

/** Response names of a fetch's root fields; null when its root is not plain fields (then it goes alone). */
function rootNames(fetch: FetchNode): readonly string[] | null {
  if (rootNamesOf.has(fetch)) return rootNamesOf.get(fetch)!;
  const { operation } = operationOf(fetch);
  const names = operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD)
    ? operation.selectionSet.selections.map((selection) => (selection as FieldNode).alias?.value ?? (selection as FieldNode).name.value)
    : null;
  rootNamesOf.set(fetch, names);
  return names;
}

/** One operation holding every member's operation, variables, fragments and root fields renamed by its prefix. */
function merge(fetches: readonly FetchNode[]): MergedFetch {
  const key = fetches.map(fetchId).join(',');
  const known = mergedByMembers.get(key);
  if (known) return known;
  const variableDefinitions: VariableDefinitionNode[] = [];
  const selections: FieldNode[] = [];
  const fragments: FragmentDefinitionNode[] = [];
  for (let member = 0; member < fetches.length; member += 1) {
    const prefix = prefixOf(member);
    const renamed = visit(operationOf(fetches[member]!).document, {
      Variable: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
      FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
      FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    });
    for (const definition of renamed.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.push(definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        variableDefinitions.push(...(definition.variableDefinitions ?? []));
        for (const selection of definition.selectionSet.selections) {
          const field = selection as FieldNode;
          const responseName = field.alias?.value ?? field.name.value;
          selections.push({ ...field, alias: { kind: Kind.NAME as const, value: prefix + responseName } });
        }
      }
    }
  }
  const name = `${fetches[0]!.operationName ?? 'Fetch'}__batch`;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { kind: Kind.OPERATION_DEFINITION, operation: 'query' as never, name: { kind: Kind.NAME, value: name }, variableDefinitions, selectionSet: { kind: Kind.SELECTION_SET, selections } },
      ...fragments,
    ],
  };
  const merged: MergedFetch = {
    node: { kind: 'Fetch', serviceName: fetches[0]!.serviceName, operation: print(document), operationName: name, operationKind: 'query' as never, operationDocumentNode: document },
    rootNames: fetches.map((fetch) => rootNames(fetch)!),
  };
  if (mergedByMembers.size >= MAX_MERGED) mergedByMembers.delete(mergedByMembers.keys().next().value as string);
  mergedByMembers.set(key, merged);
  return merged;
}

/** The member's share of the merged answer: its root fields, and the errors under its prefix (or without a path). */
function split(response: SubgraphResponse, member: number, names: readonly string[]): SubgraphResponse {
  const prefix = prefixOf(member);
  const data = response.data ? Object.fromEntries(names.map((name) => [name, response.data![prefix + name]])) : response.data;
  const errors = (response.errors ?? []).flatMap((error) => {
    const head = error.path?.[0];
    if (typeof head !== 'string') return [error];
    if (!head.startsWith(prefix)) return [];
    return [{ ...error, path: [head.slice(prefix.length), ...error.path!.slice(1)] }];
  });
  return errors.length > 0 ? { data, errors } : { data };
}

/**
 * Fewer subgraph requests per operation: the plan's query fetches to the same subgraph that start
 * in the same turn of the event loop (parallel branches, answers that arrived together) go out as
 * one request, each under its own prefix, and every fetch gets back exactly its part of the
 * answer. Mutations are never merged (their order matters). Merging stays within one operation
 * and one subgraph; the flushes of all operations run from one shared tick (sharedFlushTick).
 */
export function batchedSubgraphFetch(send: SubgraphFetch): SubgraphFetch {
  const waiting = new Map<string, Waiting[]>();
  const flush = (serviceName: string) => {
    const members = waiting.get(serviceName)!;
    waiting.delete(serviceName);
    if (members.length === 1) {
      const [only] = members;
      send(only!.fetch, only!.variables).then(only!.resolve, only!.reject);
      return;
    }
    const merged = merge(members.map((member) => member.fetch));
    const variables: Record<string, unknown> = {};
    members.forEach((member, index) => {
      for (const [name, value] of Object.entries(member.variables)) variables[prefixOf(index) + name] = value;
    });
    send(merged.node, variables).then(
      (response) => members.forEach((member, index) => member.resolve(split(response, index, merged.rootNames[index]!))),
      (error: unknown) => members.forEach((member) => member.reject(error)),
    );
  };
  return (fetch, variables) => {
    if (fetch.operationKind !== 'query' || !rootNames(fetch)) return send(fetch, variables);
    return new Promise<SubgraphResponse>((resolve, reject) => {
      let members = waiting.get(fetch.serviceName);
      if (!members) {
        members = [];
        waiting.set(fetch.serviceName, members);
        // After the current I/O turn: fetches started by answers that arrived together merge too.
        // One shared tick for all operations, so their requests leave together (one signature).
        afterThisTurn(() => flush(fetch.serviceName));
      }
      members.push({ fetch, variables, resolve, reject });
    });
  };
}
