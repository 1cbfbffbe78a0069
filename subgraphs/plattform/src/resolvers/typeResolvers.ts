import { NotFoundError } from '@hub/core';
import type {
  AuthPayloadResolvers,
  MembershipResolvers,
  OrganizationResolvers,
  UserResolvers,
  ViewerResolvers,
} from '../generated/resolvers-types';
import { membersOfOrganization, membershipOfUser, organizationById, userById } from '../loaders';
import { toGraphQLRole } from './roleMapping';

async function found<T>(value: Promise<T | null>, what: string): Promise<T> {
  const result = await value;
  if (!result) throw new NotFoundError(`${what} not found`);
  return result;
}

export const AuthPayload: AuthPayloadResolvers = {
  accessToken: (result) => result.session.access.token,
  tokenType: () => 'Bearer',
  expiresIn: (result) => result.session.access.expiresIn,
  refreshToken: (result) => result.session.refreshToken,
  refreshExpiresIn: (result) => result.session.refreshExpiresIn,
};

export const Viewer: ViewerResolvers = {
  user: (identity, _args, ctx) => found(userById(ctx).load(identity.userId), 'User'),
  organization: (identity, _args, ctx) => found(organizationById(ctx).load(identity.orgId), 'Organization'),
  roles: (identity) => identity.roles.map(toGraphQLRole),
  scopes: (identity) => [...identity.scopes],
};

export const Organization: OrganizationResolvers = {
  // Another tenant's id resolves to null: row-level security hides the row.
  __resolveReference: (reference, ctx) => organizationById(ctx).load(reference.id),
  members: (organization, _args, ctx) => membersOfOrganization(ctx).load(organization.id),
};

export const User: UserResolvers = {
  __resolveReference: (reference, ctx) => userById(ctx).load(reference.id),
  membership: (user, _args, ctx) => membershipOfUser(ctx).load(user.id),
};

export const Membership: MembershipResolvers = {
  organization: (membership, _args, ctx) => found(organizationById(ctx).load(membership.orgId), 'Organization'),
  user: (membership, _args, ctx) => found(userById(ctx).load(membership.userId), 'User'),
  role: (membership) => toGraphQLRole(membership.role),
};
