import type { GraphQLArgument, GraphQLInputField } from 'graphql';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every entity id in the hub is a UUID, so an `ID` argument or input field that is not one cannot
 * name anything and is refused as BAD_USER_INPUT before it reaches a query. An `ID` the client
 * chooses itself (an idempotency key, say) is declared in the subgraph's schema with
 * `@opaqueId`; the kit then only checks that it is clean text and its service checks the format.
 */
export const OPAQUE_ID_DIRECTIVE = 'opaqueId';

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether the schema declares this `ID` position as not a UUID. */
export function isOpaqueId(position: GraphQLArgument | GraphQLInputField): boolean {
  return position.astNode?.directives?.some((directive) => directive.name.value === OPAQUE_ID_DIRECTIVE) ?? false;
}
