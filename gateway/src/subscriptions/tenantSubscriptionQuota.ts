import type { ExecutionResult } from 'graphql';
import { errorResult } from './sharedUpstreamStream';

/** Callers without a tenant share one quota. */
export const ANONYMOUS_TENANT = 'anonymous';

/**
 * At most `maxPerTenant` open subscriptions per organization (SUBSCRIPTION_LIMIT beyond), so one
 * tenant cannot hold every upstream stream and client queue the gateway can afford.
 */
export class TenantSubscriptionQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerTenant: number) {}

  /** The refusal for one more subscription of `tenant`, or null while it is under its quota. */
  refusal(tenant: string): ExecutionResult | null {
    if ((this.open.get(tenant) ?? 0) < this.maxPerTenant) return null;
    return errorResult(`At most ${this.maxPerTenant} open subscriptions per organization`, 'SUBSCRIPTION_LIMIT', { limit: this.maxPerTenant });
  }

  taken(tenant: string): void {
    this.open.set(tenant, (this.open.get(tenant) ?? 0) + 1);
  }

  released(tenant: string): void {
    const left = (this.open.get(tenant) ?? 1) - 1;
    if (left <= 0) this.open.delete(tenant);
    else this.open.set(tenant, left);
  }
}
