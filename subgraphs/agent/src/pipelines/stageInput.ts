import type { StageInputMapping } from './pipelineStage.entity';

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export class StageInputError extends Error {}

/** `a.b.c` → ['a', 'b', 'c']; every segment must be a plain identifier. */
export function pathSegments(path: string): string[] {
  const segments = path.split('.');
  if (segments.some((segment) => !SEGMENT.test(segment))) throw new StageInputError(`Invalid path "${path}"`);
  return segments;
}

function readPath(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !(segment in current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function writePath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]!] = value;
}

/**
 * A stage's input: its fixed input plus values copied from earlier stages' results, each named by
 * `<stage name>.<path>` (the stage name alone copies the whole result).
 */
export function resolveStageInput(
  fixedInput: Record<string, unknown>,
  mappings: readonly StageInputMapping[],
  resultsByStage: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const input = structuredClone(fixedInput);
  for (const mapping of mappings) {
    const [stage, ...path] = pathSegments(mapping.source);
    if (!(stage! in resultsByStage)) throw new StageInputError(`Stage "${stage}" has no result to map from`);
    const value = readPath(resultsByStage[stage!], path);
    if (value === undefined) throw new StageInputError(`The result of stage "${stage}" has no value at "${path.join('.')}"`);
    writePath(input, pathSegments(mapping.target), structuredClone(value));
  }
  return input;
}
