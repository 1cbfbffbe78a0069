import type { MutationResolvers } from '../generated/resolvers-types';

export const Mutation: MutationResolvers = {
  signUp: (_parent, { input }, ctx) => ctx.services.signUps.signUp(input),
  login: (_parent, { email, password, organizationId }, ctx) =>
    ctx.services.accounts.login(email, password, organizationId),
};
