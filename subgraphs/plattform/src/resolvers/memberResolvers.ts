import { requireScope } from '@hub/core';
import type { MutationResolvers } from '../generated/resolvers-types';
import { toDomainRole } from './roleMapping';

const MANAGE = 'plattform.member.manage';

export const memberMutations: Pick<MutationResolvers, 'changeMemberRole' | 'removeMember'> = {
  changeMemberRole: (_parent, { userId, role }, ctx) => {
    const actor = requireScope(ctx.identity, MANAGE);
    return ctx.db.run((unit) => ctx.services.members.changeRole(unit, actor, userId, toDomainRole(role)));
  },
  removeMember: async (_parent, { userId }, ctx) => {
    const actor = requireScope(ctx.identity, MANAGE);
    const revoked = await ctx.db.run((unit) => ctx.services.members.remove(unit, actor, userId));
    await ctx.services.sessions.publishRevocations(revoked);
    return true;
  },
};
