import { requireScope } from '@hub/core';
import type { Resolvers } from '../generated/resolvers-types';
import { serviceAccountById, userById } from '../loaders';
import type { PlattformContext } from '../services';
import type { ServiceAccountRecord } from '../serviceAccounts/serviceAccountService';

const MANAGE = 'plattform.service_account.manage';

/**
 * A service account named as an actor (another subgraph's audit trail) is visible to every member
 * of its organization by id, name, status and creator; its grants and credential history stay
 * with those who manage service accounts.
 */
function forManagers<K extends keyof ServiceAccountRecord>(field: K) {
  return (account: ServiceAccountRecord, _args: unknown, ctx: PlattformContext): ServiceAccountRecord[K] => {
    requireScope(ctx.identity, MANAGE);
    return account[field];
  };
}

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
    description: forManagers('description'),
    scopes: forManagers('scopes'),
    secretRotatedAt: forManagers('secretRotatedAt'),
    lastTokenIssuedAt: forManagers('lastTokenIssuedAt'),
    revokedAt: forManagers('revokedAt'),
    revokeReason: forManagers('revokeReason'),
    revokedBy: (account, _args, ctx) => {
      requireScope(ctx.identity, MANAGE);
      return account.revokedBy ? userById(ctx).load(account.revokedBy) : null;
    },
  },
  ServiceToken: {
    accessToken: (token) => token.access.token,
    tokenType: () => 'Bearer',
    expiresIn: (token) => token.access.expiresIn,
    organizationId: (token) => token.orgId,
  },
};
