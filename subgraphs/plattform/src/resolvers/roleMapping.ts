import type { Role as GraphQLRole } from '../generated/resolvers-types';
import type { Role } from '../identity/roles';

/** `owner` → `OWNER`: the schema spells roles in upper case. */
export function toGraphQLRole(role: string): GraphQLRole {
  return role.toUpperCase() as GraphQLRole;
}

export function toDomainRole(role: GraphQLRole): Role {
  return role.toLowerCase() as Role;
}
