import { isUuid } from '@hub/core';

/** Every id of this subgraph (and of the entities it references) is a UUID. */
export { isUuid };

/** Ids that cannot exist are dropped before they reach SQL (where they would be a type error). */
export function validIds(ids: readonly string[]): string[] {
  return ids.filter(isUuid);
}
