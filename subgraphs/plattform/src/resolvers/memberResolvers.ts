import { requireIdentity, requireScope } from '@hub/core';
import type { MutationResolvers, Role as GraphQLRole } from '../generated/resolvers-types';
import type { Role } from '../identity/roles';

const MANAGE = 'plattform.member.manage';
const toDomainRole = (role: GraphQLRole) => role.toLowerCase() as Role;

export const memberMutations: Pick<
  MutationResolvers,
  'inviteMember' | 'acceptInvitation' | 'addMember' | 'changeMemberRole' | 'removeMember'
> = {
  inviteMember: (_parent, { email, role }, ctx) => {
    const actor = requireScope(ctx.identity, MANAGE);
    return ctx.db.run((unit) => ctx.services.members.invite(unit, actor, email, toDomainRole(role)));
  },
  acceptInvitation: async (_parent, { token }, ctx) => {
    const identity = requireIdentity(ctx.identity);
    const membership = await ctx.services.members.accept(identity, token);
    return ctx.services.accounts.switchOrganization(identity, membership.orgId);
  },
  addMember: (_parent, { email, role }, ctx) => {
    const actor = requireScope(ctx.identity, MANAGE);
    return ctx.db.run((unit) => ctx.services.members.add(unit, actor, email, toDomainRole(role)));
  },
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
