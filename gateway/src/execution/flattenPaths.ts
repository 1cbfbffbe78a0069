/**
 * Flatten paths of query plans: field names, `@` for the elements of a list, and (as
 * @apollo/query-planner writes them with type-conditioned fetching, and as plans of Hive's planner
 * are converted) a step with a type condition `<step>|[A,B]`: only objects whose `__typename` is one
 * of those types (or implements / belongs to one) are followed. An empty step (`|[A]`) filters where
 * it stands.
 */
import type { FetchNode, PlanNode } from '@apollo/query-planner';

type Json = Record<string, unknown>;

/** Whether an object is of a type condition's type (by `__typename`). */
export type TypeMatcher = (object: Json, condition: string) => boolean;

interface ConditionedStep {
  readonly key: string;
  readonly types: readonly string[];
}

const CONDITIONED = new Map<string, ConditionedStep>();

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The step split into its key and its type condition; null for a plain step (checked without parsing). */
function conditioned(step: string | number): ConditionedStep | null {
  if (typeof step !== 'string' || step.charCodeAt(step.length - 1) !== 93 /* ] */) return null;
  let parsed = CONDITIONED.get(step);
  if (!parsed) {
    const start = step.lastIndexOf('|[');
    if (start < 0) return null;
    parsed = { key: step.slice(0, start), types: step.slice(start + 2, -1).split(',') };
    CONDITIONED.set(step, parsed);
  }
  return parsed;
}

/** The key a step reads (`@`, a field name, or '' for a bare type condition). */
function keyOf(step: string | number): string | number {
  return conditioned(step)?.key ?? step;
}

function matches(value: unknown, step: ConditionedStep | null, isOfType: TypeMatcher): boolean {
  if (!step) return true;
  return isObject(value) && step.types.some((type) => isOfType(value, type));
}

/** The values at a Flatten path (`@` flattens a list), in document order; objects failing a type condition are left out. */
export function flattenAt(value: unknown, path: ReadonlyArray<string | number>, index: number, isOfType: TypeMatcher): unknown {
  if (index === path.length || value === undefined || value === null) return value;
  const step = path[index]!;
  const condition = conditioned(step);
  const key = condition ? condition.key : step;
  if (key === '@') {
    if (!Array.isArray(value)) return undefined;
    const out: unknown[] = [];
    for (const element of value) {
      if (!matches(element, condition, isOfType)) continue;
      const inner = flattenAt(element, path, index + 1, isOfType);
      if (Array.isArray(inner)) for (const item of inner) out.push(item);
      else out.push(inner);
    }
    return out;
  }
  if (Array.isArray(value)) return undefined;
  const next = key === '' ? value : (value as Json)[key as string];
  if (condition && !matches(next, condition, isOfType)) return undefined;
  return flattenAt(next, path, index + 1, isOfType);
}

/** The concrete response paths of the non-null objects a Flatten path reaches, in the same order (type conditions as in flattenAt). */
export function hydratedPaths(root: unknown, path: ReadonlyArray<string | number>, isOfType: TypeMatcher): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const walk = (value: unknown, index: number, prefix: Array<string | number>): void => {
    if (value === null || value === undefined) return;
    if (index === path.length) {
      if (Array.isArray(value)) value.forEach((element, position) => element !== null && element !== undefined && out.push([...prefix, position]));
      else out.push(prefix);
      return;
    }
    const condition = conditioned(path[index]!);
    const key = keyOf(path[index]!);
    if (key === '@') {
      if (Array.isArray(value)) value.forEach((element, position) => matches(element, condition, isOfType) && walk(element, index + 1, [...prefix, position]));
      return;
    }
    if (!isObject(value)) return;
    if (key === '') {
      if (matches(value, condition, isOfType)) walk(value, index + 1, prefix);
      return;
    }
    const next = value[key as string];
    if (matches(next, condition, isOfType)) walk(next, index + 1, [...prefix, key]);
  };
  walk(root, 0, []);
  return out;
}

/**
 * A Parallel node whose children are all Flatten nodes of one and the same entity fetch (Hive's
 * BatchFetch alias reaching its entities by several paths, as hivePlanConversion.ts writes it): one
 * fetch over the entities of every path, each representation sent once. Null for any other Parallel.
 */
export function sameFetchAtPaths(nodes: readonly PlanNode[]): { fetch: FetchNode; paths: ReadonlyArray<ReadonlyArray<string | number>> } | null {
  if (nodes.length < 2) return null;
  const first = nodes[0]!;
  if (first.kind !== 'Flatten' || first.node.kind !== 'Fetch' || !first.node.requires) return null;
  const fetch = first.node;
  for (const node of nodes) if (node.kind !== 'Flatten' || node.node !== fetch) return null;
  return { fetch, paths: nodes.map((node) => (node as Extract<PlanNode, { kind: 'Flatten' }>).path) };
}

/** The values at each of several Flatten paths, one list in the order of the paths. */
export function flattenAtAll(value: unknown, paths: ReadonlyArray<ReadonlyArray<string | number>>, isOfType: TypeMatcher): unknown[] {
  const out: unknown[] = [];
  for (const path of paths) {
    const values = flattenAt(value, path, 0, isOfType);
    if (Array.isArray(values)) for (const item of values) out.push(item);
    else if (values !== undefined && values !== null) out.push(values);
  }
  return out;
}
