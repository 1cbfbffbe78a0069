import { byKeys } from '@hub/core';
import type { PlattformContext } from '../services';
import type { QuotaChange } from './quotaChange.entity';

/** The quota in force per organization, batched per request (row-level security applies). */
export function currentQuotaOf(ctx: PlattformContext) {
  return ctx.loaders.get<string, QuotaChange | null>('currentQuotaOf', (orgIds) =>
    ctx.db.run(async (unit) => byKeys(orgIds, await ctx.services.quotas.current(unit, orgIds), (change) => change.orgId)),
  );
}
