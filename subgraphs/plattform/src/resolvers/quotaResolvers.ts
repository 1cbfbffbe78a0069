import { NotFoundError } from '@hub/core';
import type { Resolvers } from '../generated/resolvers-types';
import { organizationById, userById } from '../loaders';
import { formatBytes, formatCpu } from '../quotas/quantity';

/** Quota changes (area E): set through the provisioner, listed for billing. */
export const quotaResolvers: Resolvers = {
  Query: {
    quotaHistory: (_parent, { filter }, ctx) => ctx.services.quotas.history(ctx.identity, filter ?? {}),
  },
  Mutation: {
    setQuota: (_parent, { input }, ctx) => ctx.services.quotas.setQuota(ctx.identity, input),
  },
  QuotaChange: {
    organization: async (change, _args, ctx) => {
      const organization = await organizationById(ctx).load(change.orgId);
      if (!organization) throw new NotFoundError('Organization not found');
      return organization;
    },
    cpu: (change) => formatCpu(change.cpuMillicores),
    memory: (change) => formatBytes(change.memoryBytes),
    storage: (change) => formatBytes(change.storageBytes),
    actor: (change, _args, ctx) => userById(ctx).load(change.actorId),
  },
};
