import { requireIdentity, requireScope } from '@hub/core';
import type { MutationResolvers } from '../generated/resolvers-types';

export const sessionMutations: Pick<MutationResolvers, 'refreshToken' | 'logout' | 'revokeToken' | 'switchOrganization'> = {
  refreshToken: (_parent, { refreshToken }, ctx) => ctx.services.accounts.refresh(refreshToken, { userAgent: ctx.userAgent }),
  logout: async (_parent, _args, ctx) => {
    await ctx.services.sessions.logout(requireIdentity(ctx.identity));
    return true;
  },
  revokeToken: async (_parent, { tokenId, reason }, ctx) => {
    const actor = requireScope(ctx.identity, 'plattform.token.revoke');
    const revoked = await ctx.db.run((unit) => ctx.services.sessions.revokeToken(unit, actor, tokenId, reason));
    await ctx.services.sessions.publishRevocations(revoked);
    return true;
  },
  switchOrganization: (_parent, { organizationId }, ctx) =>
    ctx.services.accounts.switchOrganization(requireIdentity(ctx.identity), organizationId),
};
