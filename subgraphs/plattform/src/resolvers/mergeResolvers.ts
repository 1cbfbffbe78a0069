import type { Resolvers } from '../generated/resolvers-types';

/** Combines resolver maps per type, so each capability keeps its resolvers in its own file. */
export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const existing = merged[typeName];
      const isFieldMap = typeof fields === 'object' && fields !== null && !('serialize' in fields);
      if (existing && !isFieldMap) throw new Error(`Resolver for ${typeName} defined twice`);
      if (!isFieldMap) {
        merged[typeName] = fields;
        continue;
      }
      const own = (existing ?? {}) as Record<string, unknown>;
      const clash = Object.keys(fields).find((field) => field in own);
      if (clash) throw new Error(`Resolver ${typeName}.${clash} defined twice`);
      merged[typeName] = { ...own, ...fields };
    }
  }
  return merged as Resolvers;
}
