import type { JsonValue } from '../json';

export interface DiffLine {
  kind: 'added' | 'removed' | 'changed';
  /** Dotted path inside the value; empty for the value itself. */
  path: string;
  before?: JsonValue;
  after?: JsonValue;
}

const isObject = (value: JsonValue | undefined): value is { [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What changed between two config values, field by field for objects, whole for anything else. */
export function jsonDiff(before: JsonValue | undefined, after: JsonValue | undefined, path = ''): DiffLine[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ kind: 'added', path, after }];
  if (after === undefined) return [{ kind: 'removed', path, before }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => jsonDiff(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ kind: 'changed', path, before, after }];
}
