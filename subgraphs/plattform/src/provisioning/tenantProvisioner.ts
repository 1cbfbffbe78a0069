import type { TenantQuota } from '../quotas/tenantQuota';

export const PROVISIONER_KINDS = ['none', 'kubernetes'] as const;
export type ProvisionerKind = (typeof PROVISIONER_KINDS)[number];

/** The tenant whose infrastructure is provisioned. */
export interface TenantTarget {
  organizationId: string;
  /** DNS-safe and unique; infrastructure names derive from it (namespace `org-<slug>`). */
  slug: string;
}

export interface TenantSpec extends TenantTarget {
  /** The saga's idempotency key; stamped on every object created for it. */
  operationId: string;
  ownerUserId: string;
  quota: TenantQuota;
}

/** One reversible provisioning action; the saga undoes applied steps in reverse on failure. */
export interface ProvisioningStep {
  readonly name: string;
  apply(): Promise<void>;
  /** Must tolerate an object that is already gone. */
  undo(): Promise<void>;
}

/**
 * Where a tenant's infrastructure lives. The saga owns ordering, journaling and compensation;
 * a provisioner only says which steps a tenant needs and how to change its quota.
 */
export interface TenantProvisioner {
  readonly kind: ProvisionerKind;
  stepsFor(tenant: TenantSpec): ProvisioningStep[];
  /** Applies a new quota to a provisioned tenant; `changeId` identifies the quota change. */
  applyQuota(tenant: TenantTarget, quota: TenantQuota, changeId: string): Promise<void>;
}

/** A provisioning failure with a message safe to show the tenant's creator. */
export class ProvisioningError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ProvisioningError';
  }
}
