import type { ExecutionResult } from 'graphql';

/** The parts of a result a marker check looks at (upstream payloads and client results alike). */
interface ResultShape {
  data?: unknown;
  errors?: ReadonlyArray<unknown>;
  extensions?: Record<string, unknown>;
}

/**
 * A position marker: a result that is ONLY `{ extensions: { position } }` (no data key, no errors).
 * Subgraphs send one when a position-tracking stream starts (their head); the gateway hands the
 * same shape to SSE subscribers, which write it as a bare `id:` line. Event results always carry a
 * `data` key (see executeSubscriptionEvent), so the shape alone cannot be mistaken for an event.
 */
export function isPositionMarker(result: ResultShape): boolean {
  if ('data' in result || (result.errors !== undefined && result.errors.length > 0)) return false;
  const extensions = result.extensions;
  return extensions !== undefined && typeof extensions.position === 'string' && Object.keys(extensions).length === 1;
}

export function positionMarker(position: string): ExecutionResult {
  return { extensions: { position } };
}

/** The position an event or marker carries, if any. */
export function positionOf(result: ResultShape): string | undefined {
  const position = result.extensions?.position;
  return typeof position === 'string' ? position : undefined;
}
