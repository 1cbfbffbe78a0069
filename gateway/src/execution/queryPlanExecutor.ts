import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { inSpan, tracingStarted } from '@hub/runtime';
import { GraphQLError, isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { flattenAt, flattenAtAll, hydratedPaths, sameFetchAtPaths, type TypeMatcher } from './flattenPaths';

/** One subgraph response as the fetch path returns it. */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message?: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

/** Sends one subgraph operation (the shared fetch path: headers, pool, breaker, dedupe). */
export type SubgraphFetch = (fetch: FetchNode, variables: Record<string, unknown>) => Promise<SubgraphResponse>;

type Json = Record<string, unknown>;

interface Cursor {
  /** Response path of the cursor (with `@` for list elements), as the plan's Flatten nodes write it. */
  readonly path: ReadonlyArray<string | number>;
  readonly data: unknown;
  /** One fetch's entities from several Flatten paths (see flattenPaths.ts, sameFetchAtPaths): each path, in the order of `data`. */
  readonly paths?: ReadonlyArray<ReadonlyArray<string | number>>;
}

/** Builds the representation of one entity from a fetch's `requires` selection; null when it cannot. */
type RepresentationBuilder = (entity: Json) => Json | null;

const COMPILED_REQUIRES = new WeakMap<FetchNode, RepresentationBuilder>();

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges a subgraph's answer into the data fetched so far: objects key by key, lists of the same
 * length element by element, anything else replaces.
 */
export function mergeInto(target: Json, source: Json | null | undefined): void {
  if (!source) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const current = target[key];
    if (isObject(current) && isObject(value)) {
      mergeInto(current, value);
    } else if (Array.isArray(current) && Array.isArray(value) && current.length === value.length) {
      for (let index = 0; index < value.length; index += 1) {
        const element = value[index];
        if (isObject(current[index]) && isObject(element)) mergeInto(current[index] as Json, element);
        else current[index] = element;
      }
    } else {
      target[key] = value;
    }
  }
}

/**
 * Runs query plans of @apollo/query-planner: Fetch (root fetches and entity fetches with their
 * `requires` representations, batched per node, duplicates merged), Flatten, Sequence, Parallel and
 * Condition. Errors of subgraphs are kept with the client path of the entity they concern.
 */
export class QueryPlanExecutor {
  private readonly subtypeCache = new Map<string, boolean>();
  /**
   * Type conditions of Flatten paths. An object without `__typename` matches: planners fetch it
   * wherever the type decides (abstract types); the root object has none (Hive's `|[Query]`).
   */
  private readonly matchesType: TypeMatcher = (object, condition) => this.isOfType(object, condition, true);

  constructor(private readonly supergraphSchema: GraphQLSchema) {}

  async execute(node: PlanNode, data: Json, variables: Record<string, unknown>, fetch: SubgraphFetch, errors: GraphQLError[]): Promise<void> {
    const run = { variables, fetch, errors, root: data };
    await this.executeNode(run, node, { path: [], data });
  }

  private async executeNode(run: PlanRun, node: PlanNode, cursor: Cursor): Promise<void> {
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes) await this.executeNode(run, child, cursor);
        return;
      case 'Parallel': {
        const shared = sameFetchAtPaths(node.nodes);
        if (shared) {
          await this.executeNode(run, shared.fetch, { path: [...cursor.path, ...shared.paths[0]!], paths: shared.paths.map((path) => [...cursor.path, ...path]), data: flattenAtAll(cursor.data, shared.paths, this.matchesType) });
          return;
        }
        await Promise.all(node.nodes.map((child) => this.executeNode(run, child, cursor)));
        return;
      }
      case 'Flatten': {
        const data = flattenAt(cursor.data, node.path, 0, this.matchesType);
        if (data === undefined || data === null) return;
        await this.executeNode(run, node.node, { path: [...cursor.path, ...node.path], data });
        return;
      }
      case 'Condition': {
        const value = run.variables[node.condition];
        const branch = value === true ? node.ifClause : node.elseClause;
        if (branch) await this.executeNode(run, branch, cursor);
        return;
      }
      case 'Fetch':
        try {
          // One span per plan fetch (its subgraph request may be merged with others starting together).
          if (tracingStarted()) await inSpan(`plan fetch ${node.serviceName}`, { attributes: { 'hub.subgraph': node.serviceName } }, () => this.executeFetch(run, node, cursor));
          else await this.executeFetch(run, node, cursor);
        } catch (error) {
          run.errors.push(error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: 'UNAVAILABLE' } }));
        }
        return;
      case 'Defer':
        // The planner emits Defer only when deferring is enabled, which this gateway never asks for.
        throw new GraphQLError('@defer is not supported by this gateway', { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }

  private async executeFetch(run: PlanRun, fetch: FetchNode, cursor: Cursor): Promise<void> {
    const entities: Json[] = [];
    if (Array.isArray(cursor.data)) {
      for (const entity of cursor.data) if (isObject(entity)) entities.push(entity);
    } else if (isObject(cursor.data)) {
      entities.push(cursor.data);
    }
    if (entities.length === 0) return;
    const variables: Record<string, unknown> = {};
    for (const name of fetch.variableUsages ?? []) {
      if (Object.prototype.hasOwnProperty.call(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
    }

    if (!fetch.requires) {
      const response = await run.fetch(fetch, variables);
      this.recordErrors(run, fetch, response, (path) => (path ? [...cursor.path, ...path] : undefined));
      const received = response.data;
      if (!received) return;
      this.applyRewrites(fetch.outputRewrites, received);
      for (const entity of entities) mergeInto(entity, received);
      return;
    }

    const build = this.representationBuilder(fetch);
    const representations: Json[] = [];
    // Entities with the same representation (the same object reached twice) share one request slot.
    const entitiesOfRepresentation: number[][] = [];
    const slotByKey = new Map<string, number>();
    for (let index = 0; index < entities.length; index += 1) {
      const representation = build(entities[index]!);
      if (!representation || !representation.__typename) continue;
      this.applyRewrites(fetch.inputRewrites, representation);
      const key = JSON.stringify(representation);
      let slot = slotByKey.get(key);
      if (slot === undefined) {
        slot = representations.length;
        slotByKey.set(key, slot);
        representations.push(representation);
        entitiesOfRepresentation.push([]);
      }
      entitiesOfRepresentation[slot]!.push(index);
    }
    if (representations.length === 0) return;
    if ('representations' in variables) throw new GraphQLError('Variables cannot contain key "representations"', { extensions: { code: 'BAD_USER_INPUT' } });
    variables.representations = representations;
    const response = await run.fetch(fetch, variables);

    let entityPaths: Array<Array<string | number>> | undefined;
    this.recordErrors(run, fetch, response, (path) => {
      if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return path ? [...cursor.path, ...path] : undefined;
      entityPaths ??= (cursor.paths ?? [cursor.path]).flatMap((path) => hydratedPaths(run.root, path, this.matchesType));
      const slot = entitiesOfRepresentation[path[1]];
      if (!slot) return undefined;
      return slot.map((entityIndex) => [...(entityPaths![entityIndex] ?? []), ...path.slice(2)]);
    });
    const received = response.data?._entities;
    if (!response.data) return;
    if (!Array.isArray(received)) throw new GraphQLError('Expected "data._entities" in response to be an array', { extensions: { code: 'SUBGRAPH_INVALID_RESPONSE', serviceName: fetch.serviceName } });
    if (received.length !== representations.length) {
      throw new GraphQLError(`Expected "data._entities" to contain ${representations.length} elements`, { extensions: { code: 'SUBGRAPH_INVALID_RESPONSE', serviceName: fetch.serviceName } });
    }
    for (let slot = 0; slot < received.length; slot += 1) {
      const answer = received[slot] as Json | null;
      if (!answer) continue;
      const targets = entitiesOfRepresentation[slot]!;
      if (!answer.__typename) answer.__typename = entities[targets[0]!]!.__typename;
      this.applyRewrites(fetch.outputRewrites, answer);
      // Entities with one representation at one plan path get the same later fetches below them, so
      // they can share the answer's nested objects (merging is idempotent, and the result shaper
      // copies into the response instead of writing into this data). One fetch for several paths
      // (sameFetchAtPaths) may be followed by different fetches per path: there each entity gets its own copy.
      const ownCopies = (cursor.paths?.length ?? 0) > 1;
      for (let copy = 0; copy < targets.length; copy += 1) {
        mergeInto(entities[targets[copy]!]!, ownCopies && copy > 0 ? (structuredClone(answer) as Json) : answer);
      }
    }
  }

  /** Subgraph errors with the client path: `_entities` indexes map to each entity they concern. */
  private recordErrors(
    run: PlanRun,
    fetch: FetchNode,
    response: SubgraphResponse,
    pathFor: (path: ReadonlyArray<string | number> | undefined) => ReadonlyArray<string | number> | Array<Array<string | number>> | undefined,
  ): void {
    for (const error of response.errors ?? []) {
      const message = error.message || `Error while fetching subquery from service "${fetch.serviceName}"`;
      const extensions = { ...error.extensions, code: error.extensions?.code ?? 'DOWNSTREAM_SERVICE_ERROR', serviceName: fetch.serviceName };
      const mapped = pathFor(error.path);
      const paths = mapped && mapped.length > 0 && Array.isArray(mapped[0]) ? (mapped as Array<Array<string | number>>) : [mapped as ReadonlyArray<string | number> | undefined];
      for (const path of paths) run.errors.push(new GraphQLError(message, { path, extensions }));
    }
  }

  private representationBuilder(fetch: FetchNode): RepresentationBuilder {
    let build = COMPILED_REQUIRES.get(fetch);
    if (!build) {
      const compiled = this.compileSelections(fetch.requires ?? []);
      build = (entity) => compiled(entity);
      COMPILED_REQUIRES.set(fetch, build);
    }
    return build;
  }

  /** A `requires` selection compiled to a function picking those fields (inline fragments by `__typename`). */
  private compileSelections(selections: readonly QueryPlanSelectionNode[]): (source: Json) => Json | null {
    const parts = selections.map((selection) => {
      if (selection.kind === 'InlineFragment') {
        const condition = selection.typeCondition;
        const inner = this.compileSelections(selection.selections);
        return (source: Json, target: Json): boolean => {
          if (!condition || !this.isOfType(source, condition)) return true;
          const picked = inner(source);
          if (picked) mergeInto(target, picked);
          return true;
        };
      }
      const name = selection.alias ?? selection.name;
      const inner = selection.selections ? this.compileSelections(selection.selections) : null;
      return (source: Json, target: Json): boolean => {
        const value = source[name];
        if (value === undefined || !Object.prototype.hasOwnProperty.call(source, name)) return false;
        if (Array.isArray(value)) target[name] = inner ? value.map((element) => (isObject(element) ? inner(element) : null)) : value;
        else if (inner) target[name] = isObject(value) ? inner(value) : null;
        else target[name] = value;
        return true;
      };
    });
    return (source) => {
      const target: Json = {};
      for (const part of parts) if (!part(source, target)) return null;
      return target;
    };
  }

  /** Whether an object (by `__typename`) is of a type or implements / belongs to it. */
  private isOfType(object: Json, condition: string, unknownIsMatch = false): boolean {
    const typename = object.__typename;
    if (typeof typename !== 'string' || !typename) return unknownIsMatch;
    if (typename === condition) return true;
    const key = `${condition}\n${typename}`;
    let answer = this.subtypeCache.get(key);
    if (answer === undefined) {
      const type = this.supergraphSchema.getType(typename);
      const conditionType = this.supergraphSchema.getType(condition);
      answer =
        !!type && !!conditionType && isAbstractType(conditionType) && (isObjectType(type) || isInterfaceType(type)) && this.supergraphSchema.isSubType(conditionType, type);
      this.subtypeCache.set(key, answer);
    }
    return answer;
  }

  /** inputRewrites / outputRewrites of a fetch: set a value or rename a key at a path (`... on T` steps). */
  private applyRewrites(rewrites: readonly FetchDataRewrite[] | undefined, value: Json): void {
    if (!rewrites) return;
    for (const rewrite of rewrites) {
      if (rewrite.path.length === 0) continue;
      const last = rewrite.path[rewrite.path.length - 1]!;
      this.atPath(rewrite.path, 0, rewrite.path.length - 1, value, (object) => {
        if (rewrite.kind === 'ValueSetter') {
          object[last] = rewrite.setValueTo;
        } else if (object[last]) {
          object[rewrite.renameKeyTo] = object[last];
          object[last] = undefined;
        }
      });
    }
  }

  private atPath(path: readonly string[], index: number, end: number, value: unknown, apply: (object: Json) => void): void {
    if (Array.isArray(value)) {
      for (const element of value) this.atPath(path, index, end, element, apply);
      return;
    }
    if (!isObject(value)) return;
    if (index === end) {
      apply(value);
      return;
    }
    const step = path[index]!;
    if (step.startsWith('... on ')) {
      if (this.isOfType(value, step.slice(7), true)) this.atPath(path, index + 1, end, value, apply);
      return;
    }
    this.atPath(path, index + 1, end, value[step], apply);
  }
}

interface PlanRun {
  readonly variables: Record<string, unknown>;
  readonly fetch: SubgraphFetch;
  readonly errors: GraphQLError[];
  readonly root: Json;
}
