import type { GraphQLDataSource } from '@apollo/gateway';

type Json = Record<string, unknown>;
type ProcessOptions = Parameters<GraphQLDataSource['process']>[0];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The non-null objects a Flatten path reaches (`@` steps into list elements), in document order. */
function objectsAt(value: unknown, path: ReadonlyArray<string | number>): Json[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((element) => objectsAt(element, path[0] === '@' ? path.slice(1) : path));
  if (path.length === 0) return isObject(value) ? [value] : [];
  if (!isObject(value) || path[0] === '@') return [];
  return objectsAt(value[path[0] as string], path.slice(1));
}

/** Whether an entity carries exactly the values of a representation (its keys and `__typename`). */
function carries(entity: unknown, representation: unknown): boolean {
  if (Array.isArray(representation)) return Array.isArray(entity) && entity.length === representation.length && representation.every((item, index) => carries(entity[index], item));
  if (isObject(representation)) return isObject(entity) && Object.keys(representation).every((key) => carries(entity[key], representation[key]));
  return entity === representation;
}

/**
 * Known stock deviation: for an entity fetch, stock @apollo/gateway (2.14) maps an error at
 * `_entities[i]` to the i-th entity at the Flatten path, but it sends representations only for the
 * entities of the fetch's type, so past an entity of another type (a union or interface list) the
 * error lands on the wrong entity. The spec (section 7.1.2, "Errors", `path`) requires the path of
 * the response field that experienced the error.
 *
 * This wraps stock's subgraph so that an `_entities` error index is the position of its entity
 * among all entities at the path (the index stock's mapping expects), found by matching the
 * representation's values in the same data (the data is compared separately). The k-th copy of a
 * representation is the k-th entity carrying it. An index that finds no entity is left as it is.
 */
export function withEntityPositionsForStock(service: GraphQLDataSource, data: Json): GraphQLDataSource {
  return {
    process: async (options: ProcessOptions) => {
      const response = await service.process(options);
      const representations = options.request.variables?.representations as Json[] | undefined;
      const cursorPath = 'pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined;
      if (!representations || !response.errors?.length || !cursorPath) return response;
      const entities = objectsAt(data, cursorPath);
      const positions: number[] = [];
      const used = new Set<number>();
      for (const representation of representations) {
        const position = entities.findIndex((entity, index) => !used.has(index) && carries(entity, representation));
        if (position >= 0) used.add(position);
        positions.push(position);
      }
      const errors = response.errors.map((error) => {
        const index = error.path?.[1];
        if (error.path?.[0] !== '_entities' || typeof index !== 'number' || !(positions[index]! >= 0)) return error;
        return { ...error, path: ['_entities', positions[index]!, ...error.path.slice(2)] };
      });
      return { ...response, errors } as typeof response;
    },
  };
}
