import type { PlattformContext } from '../services';
import type { ProvisioningStepRecord } from './provisioningStepRecord.entity';

/** Saga journal lines per organization, batched per request. */
export function provisioningStepsOf(ctx: PlattformContext) {
  return ctx.loaders.get<string, ProvisioningStepRecord[]>('provisioningStepsOf', async (orgIds) => {
    const records = await ctx.services.tenants.journals(ctx.identity, orgIds);
    return orgIds.map((orgId) => records.filter((record) => record.orgId === orgId));
  });
}
