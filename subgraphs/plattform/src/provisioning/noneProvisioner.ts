import type { TenantProvisioner } from './tenantProvisioner';

/** No infrastructure per tenant (the default): tenants exist in the database only. */
export class NoneProvisioner implements TenantProvisioner {
  readonly kind = 'none';

  stepsFor(): [] {
    return [];
  }

  async applyQuota(): Promise<void> {
    // Nothing enforces quotas without infrastructure; the quota history is still recorded.
  }
}
