import { NotFoundError, requireIdentity } from '@hub/core';
import type { QueryResolvers } from '../generated/resolvers-types';
import { organizationById, userById } from '../loaders';

export const Query: QueryResolvers = {
  me: (_parent, _args, ctx) => ctx.identity,
  organization: async (_parent, { id }, ctx) => {
    const identity = requireIdentity(ctx.identity);
    const organization = await organizationById(ctx).load(id ?? identity.orgId);
    if (!organization) throw new NotFoundError('Organization not found');
    return organization;
  },
  user: async (_parent, { id }, ctx) => {
    requireIdentity(ctx.identity);
    const user = await userById(ctx).load(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  },
};
