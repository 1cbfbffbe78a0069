import { BadUserInputError } from '@hub/runtime';

/**
 * A Relay-style page, the one list shape of the graph: `first` + opaque `after` cursor in; `nodes`
 * (the page), `edges` (each node with its cursor) and `pageInfo` out.
 */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

export const MAX_PAGE_SIZE = 200;

/** Validated page size; callers fetch `limit + 1` rows to learn whether another page exists. */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  return size;
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The cursor's parts, or BAD_USER_INPUT for anything this API did not hand out. */
export function decodeCursor(cursor: string, length: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === length && parts.every((part) => typeof part === 'string')) {
      return parts as string[];
    }
  } catch {
    // fall through to the uniform error
  }
  throw new BadUserInputError('after is not a valid cursor', { field: 'after' });
}

/** Builds the page from up to `limit + 1` rows fetched in cursor order. */
export function toConnection<T>(rows: readonly T[], limit: number, cursorOf: (row: T) => string[]): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return { edges, nodes: page, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}
