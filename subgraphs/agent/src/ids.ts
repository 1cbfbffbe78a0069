const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id of this subgraph (and of the entities it references) is a UUID. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Ids that cannot exist are dropped before they reach SQL (where they would be a type error). */
export function validIds(ids: readonly string[]): string[] {
  return ids.filter(isUuid);
}
