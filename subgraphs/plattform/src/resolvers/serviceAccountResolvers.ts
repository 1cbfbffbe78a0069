import { requireScope } from '@hub/core';
import type { Resolvers } from '../generated/resolvers-types';
import { serviceAccountById, userById } from '../loaders';

const MANAGE = 'plattform.service_account.manage';

/** Service accounts and the client-credentials exchange. */
export const serviceAccountResolvers: Resolvers = {
  Query: {
    serviceAccounts: (_parent, _args, ctx) => {
      requireScope(ctx.identity, MANAGE);
      return ctx.db.run((unit) => ctx.services.serviceAccounts.list(unit));
    },
    serviceAccount: (_parent, { id }, ctx) => {
      requireScope(ctx.identity, MANAGE);
      return ctx.db.run((unit) => ctx.services.serviceAccounts.byId(unit, id));
    },
  },
  Mutation: {
    createServiceAccount: (_parent, { input }, ctx) => {
      const actor = requireScope(ctx.identity, MANAGE);
      return ctx.db.run((unit) => ctx.services.serviceAccounts.create(unit, actor, input));
    },
    rotateServiceAccountSecret: async (_parent, { id }, ctx) => {
      const actor = requireScope(ctx.identity, MANAGE);
      const { credential, revoked } = await ctx.db.run((unit) => ctx.services.serviceAccounts.rotateSecret(unit, actor, id));
      // Published after the commit, like every revocation.
      await ctx.services.sessions.publishRevocations(revoked);
      return credential;
    },
    revokeServiceAccount: async (_parent, { id, reason }, ctx) => {
      const actor = requireScope(ctx.identity, MANAGE);
      const { serviceAccount, revoked } = await ctx.db.run((unit) => ctx.services.serviceAccounts.revoke(unit, actor, id, reason));
      await ctx.services.sessions.publishRevocations(revoked);
      return serviceAccount;
    },
    issueServiceToken: (_parent, { clientId, clientSecret, scopes }, ctx) =>
      ctx.services.serviceAccounts.issueToken(clientId, clientSecret, scopes),
  },
  ServiceAccount: {
    // As an actor named by another subgraph (e.g. risk-hub's audit trail): its own organization only.
    __resolveReference: (reference, ctx) => serviceAccountById(ctx).load(reference.id),
    createdBy: (account, _args, ctx) => userById(ctx).load(account.createdBy),
    revokedBy: (account, _args, ctx) => (account.revokedBy ? userById(ctx).load(account.revokedBy) : null),
  },
  ServiceToken: {
    accessToken: (token) => token.access.token,
    tokenType: () => 'Bearer',
    expiresIn: (token) => token.access.expiresIn,
    organizationId: (token) => token.orgId,
  },
};
