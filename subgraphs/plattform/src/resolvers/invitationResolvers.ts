import { requireScope } from '@hub/core';
import type { InvitationStatus as GraphQLInvitationStatus, Resolvers } from '../generated/resolvers-types';
import { requirePerson } from '../identity/principal';
import type { InvitationStatus } from '../invitations/invitation';
import { userById } from '../loaders';
import { toDomainRole, toGraphQLRole } from './roleMapping';

const MANAGE = 'plattform.member.manage';

/** Invitations: admins invite, list and revoke; the invitee lists, accepts and declines. */
export const invitationResolvers: Resolvers = {
  Query: {
    invitations: (_parent, { status, first }, ctx) => {
      requireScope(ctx.identity, MANAGE);
      const filter = { status: status ? (status.toLowerCase() as InvitationStatus) : null, first };
      return ctx.db.run((unit) => ctx.services.invitations.list(unit, filter));
    },
    myInvitations: (_parent, _args, ctx) => ctx.services.invitations.addressedTo(requirePerson(ctx.identity, 'myInvitations')),
  },
  Mutation: {
    inviteMember: (_parent, { input }, ctx) => {
      const actor = requireScope(ctx.identity, MANAGE);
      return ctx.db.run((unit) => ctx.services.invitations.invite(unit, actor, input.email, toDomainRole(input.role)));
    },
    acceptInvitation: async (_parent, { code }, ctx) => {
      const identity = requirePerson(ctx.identity, 'Accepting an invitation');
      const orgId = await ctx.services.invitations.accept(identity, code);
      return ctx.services.accounts.switchOrganization(identity, orgId);
    },
    declineInvitation: (_parent, { code }, ctx) =>
      ctx.services.invitations.decline(requirePerson(ctx.identity, 'Declining an invitation'), code),
    revokeInvitation: (_parent, { id }, ctx) => {
      const actor = requireScope(ctx.identity, MANAGE);
      return ctx.db.run((unit) => ctx.services.invitations.revoke(unit, actor, id));
    },
  },
  Invitation: {
    role: (invitation) => toGraphQLRole(invitation.role),
    status: (invitation) => invitation.status.toUpperCase() as GraphQLInvitationStatus,
    // Loaded as the caller: the invitee (not a member yet) does not see the inviter.
    invitedBy: (invitation, _args, ctx) => userById(ctx).load(invitation.invitedBy),
  },
};
