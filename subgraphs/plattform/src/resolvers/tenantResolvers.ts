import { requireIdentity } from '@hub/core';
import type { Resolvers } from '../generated/resolvers-types';
import { currentQuotaOf } from '../quotas/quotaLoaders';
import { provisioningStepsOf } from '../tenants/tenantLoaders';

/** Self-service organization creation and its saga state. */
export const tenantResolvers: Resolvers = {
  Query: {
    organizationCreation: (_parent, { operationId }, ctx) => ctx.services.tenants.creation(ctx.identity, operationId),
  },
  Mutation: {
    createOrganization: (_parent, { input }, ctx) => ctx.services.tenants.createOrganization(ctx.identity, input),
  },
  Organization: {
    provisioningSteps: (organization, _args, ctx) => {
      requireIdentity(ctx.identity);
      return provisioningStepsOf(ctx).load(organization.id);
    },
    quota: (organization, _args, ctx) => currentQuotaOf(ctx).load(organization.id),
  },
};
