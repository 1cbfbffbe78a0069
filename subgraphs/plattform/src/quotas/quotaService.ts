import { randomUUID } from 'node:crypto';
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  requireScope,
  type Identity,
  type TenantDatabase,
  type UnitOfWork,
} from '@hub/core';
import { In } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { InfrastructureUnavailableError } from '../provisioning/infrastructureUnavailableError';
import type { TenantProvisioner } from '../provisioning/tenantProvisioner';
import { parseBytes, parseCpuMillicores } from './quantity';
import { QuotaChange } from './quotaChange.entity';
import { quotaQuantities, type TenantQuota } from './tenantQuota';

export const MANAGE_PERMISSION = 'plattform.organization.manage';
export const READ_PERMISSION = 'plattform.organization.read';

export interface SetQuotaInput {
  organizationId?: string | null;
  /** Kubernetes quantities, e.g. `20`, `40Gi`, `50Gi`. */
  cpu: string;
  memory: string;
  storage: string;
  reason: string;
}

export interface QuotaHistoryFilter {
  organizationId?: string | null;
  from?: Date | null;
  to?: Date | null;
  actorId?: string | null;
  first?: number | null;
}

const MAX_HISTORY = 1000;
const MAX_REASON = 500;

/** A token speaks for one organization: naming another one finds nothing (no existence leak). */
function ownOrganization(identity: Identity, organizationId: string | null | undefined): string {
  const orgId = organizationId ?? identity.orgId;
  if (orgId !== identity.orgId) throw new NotFoundError('Organization not found');
  return orgId;
}

/**
 * Tenant quotas (area E): a change is applied through the provisioner and recorded in
 * `quota_changes` in one transaction, so the history never claims a quota the cluster refused.
 */
export class QuotaService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly provisioner: TenantProvisioner,
  ) {}

  /** Records a quota already applied by the creation saga, inside the saga's committing unit. */
  async recordInitial(unit: UnitOfWork, orgId: string, quota: TenantQuota, actorId: string, reason: string): Promise<QuotaChange> {
    return this.record(unit, { id: randomUUID(), orgId, actorId, reason, ...quota });
  }

  async setQuota(caller: Identity | null, input: SetQuotaInput): Promise<QuotaChange> {
    const identity = requireScope(caller, MANAGE_PERMISSION);
    const orgId = ownOrganization(identity, input.organizationId);
    const quota: TenantQuota = {
      cpuMillicores: parseCpuMillicores(input.cpu),
      memoryBytes: parseBytes(input.memory, 'memory'),
      storageBytes: parseBytes(input.storage, 'storage'),
    };
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REASON) {
      throw new BadUserInputError(`reason must be 1 to ${MAX_REASON} characters`, { field: 'reason' });
    }
    return this.database.run({ orgId, userId: identity.userId }, async (unit) => {
      // The row lock serializes changes per organization, so the cluster ends with the last recorded quota.
      const organization = await unit.manager
        .createQueryBuilder(Organization, 'organization')
        .setLock('pessimistic_write')
        .where('organization.id = :orgId', { orgId })
        .getOne();
      if (!organization) throw new NotFoundError('Organization not found');
      if (organization.status !== 'COMMITTED') {
        throw new ConflictError(`Quotas can be set once the organization is provisioned (status ${organization.status})`);
      }
      const id = randomUUID();
      try {
        await this.provisioner.applyQuota({ organizationId: orgId, slug: organization.slug }, quota, id);
      } catch {
        throw new InfrastructureUnavailableError("The quota could not be applied to the organization's infrastructure; nothing changed");
      }
      return this.record(unit, { id, orgId, actorId: identity.userId, reason, ...quota });
    });
  }

  /** Quota changes of the caller's organization, oldest first (billing reads them in order). */
  async history(caller: Identity | null, filter: QuotaHistoryFilter): Promise<QuotaChange[]> {
    const identity = requireScope(caller, READ_PERMISSION);
    const orgId = ownOrganization(identity, filter.organizationId);
    const first = filter.first ?? MAX_HISTORY;
    if (first < 1 || first > MAX_HISTORY) {
      throw new BadUserInputError(`first must be 1 to ${MAX_HISTORY}`, { field: 'first' });
    }
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new BadUserInputError('from must not be after to', { field: 'from' });
    }
    return this.database.run({ orgId, userId: identity.userId }, (unit) => {
      const query = unit.manager
        .createQueryBuilder(QuotaChange, 'change')
        .where('change.orgId = :orgId', { orgId })
        .orderBy('change.effectiveAt', 'ASC')
        .addOrderBy('change.id', 'ASC')
        .take(first);
      if (filter.from) query.andWhere('change.effectiveAt >= :from', { from: filter.from });
      if (filter.to) query.andWhere('change.effectiveAt < :to', { to: filter.to });
      if (filter.actorId) query.andWhere('change.actorId = :actorId', { actorId: filter.actorId });
      return query.getMany();
    });
  }

  /** The quota in force (the latest change) per organization visible to the unit. */
  current(unit: UnitOfWork, orgIds: readonly string[]): Promise<QuotaChange[]> {
    return unit.manager
      .createQueryBuilder(QuotaChange, 'change')
      .distinctOn(['change.orgId'])
      .where({ orgId: In([...orgIds]) })
      .orderBy('change.orgId')
      .addOrderBy('change.effectiveAt', 'DESC')
      .addOrderBy('change.id', 'DESC')
      .getMany();
  }

  private async record(unit: UnitOfWork, change: Omit<QuotaChange, 'effectiveAt'>): Promise<QuotaChange> {
    const [row] = (await unit.manager.query(
      `INSERT INTO quota_changes (id, org_id, cpu_millicores, memory_bytes, storage_bytes, reason, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING effective_at`,
      [change.id, change.orgId, change.cpuMillicores, change.memoryBytes, change.storageBytes, change.reason, change.actorId],
    )) as Array<{ effective_at: Date }>;
    const recorded = Object.assign(new QuotaChange(), change, { effectiveAt: row!.effective_at });
    await unit.emit({
      type: 'plattform.quota.changed',
      subject: change.orgId,
      orgId: change.orgId,
      data: {
        organizationId: change.orgId,
        quotaChangeId: change.id,
        ...quotaQuantities(change),
        effectiveAt: recorded.effectiveAt.toISOString(),
        actorId: change.actorId,
        reason: change.reason,
      },
    });
    return recorded;
  }
}
