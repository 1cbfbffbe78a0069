import { randomBytes, randomUUID } from 'node:crypto';
import {
  BadUserInputError,
  ConflictError,
  requireIdentity,
  type Identity,
  type Logger,
  type TenantDatabase,
  type TenantScope,
  type UnitOfWork,
} from '@hub/core';
import { In } from 'typeorm';
import { slugify } from '../organizations/slug';
import { requirePerson } from '../identity/principal';
import { Membership } from '../organizations/membership.entity';
import { Organization } from '../organizations/organization.entity';
import type { TenantProvisioner, TenantSpec } from '../provisioning/tenantProvisioner';
import type { QuotaService } from '../quotas/quotaService';
import { DEFAULT_QUOTA, INITIAL_QUOTA_REASON, quotaQuantities } from '../quotas/tenantQuota';
import type { OrganizationStatus, StepOutcome } from './organizationStatus';
import { compensate, runProvisioningSaga, type StepJournal } from './provisioningSaga';
import { ProvisioningStepRecord } from './provisioningStepRecord.entity';

export interface CreateOrganizationInput {
  name: string;
  /** Chosen by the client once per intended organization; retries send the same value. */
  operationId: string;
}

/** An organization to create for an owner the caller has already established (a token, a sign-up). */
export interface OrganizationRequest {
  ownerUserId: string;
  /** Trimmed, 1 to 100 characters. */
  name: string;
  operationId: string;
}

/** Runs inside the transaction that commits the organization (only in the process that provisioned it). */
export type CommitHook = (unit: UnitOfWork, organization: Organization) => Promise<void>;

const OPERATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
/** Operation ids of sign-up organizations (`signup:<attempt>`); clients may not use the prefix. */
export const SIGN_UP_OPERATION_PREFIX = 'signup:';
const MAX_NAME = 100;
const SLUG_ATTEMPTS = 5;
/** Lets the creator read the organizations they created (policy `creator_lookup`). */
export const CREATOR_LOOKUP = { creator_lookup: 'on' } as const;

/** What the provisioner builds for a self-service organization: the default quota, owned by its creator. */
function tenantSpec(organization: Organization, ownerUserId: string): TenantSpec {
  return {
    organizationId: organization.id,
    slug: organization.slug,
    operationId: organization.operationId!,
    ownerUserId,
    quota: DEFAULT_QUOTA,
  };
}

export interface Claim {
  organization: Organization;
  /** False when the operation id was used before: the existing organization is returned as it is. */
  created: boolean;
}

/** The unit scope a claim runs in: the id the new organization will get, its owner, the creator lookup. */
export function claimScope(ownerUserId: string): TenantScope & { orgId: string } {
  return { orgId: randomUUID(), userId: ownerUserId, settings: CREATOR_LOOKUP };
}

/**
 * Self-service tenant creation as a saga (area A): the organization is inserted PENDING with its
 * owner, provisioned step by step, then COMMITTED; a failed step marks it FAILED after undoing
 * the steps already applied. (creator, operationId) is unique, so retries, even concurrent ones,
 * find the first attempt's organization and never provision twice.
 */
export class TenantService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly provisioner: TenantProvisioner,
    private readonly quotas: QuotaService,
    private readonly logger: Logger,
    /** A PENDING saga silent for this long was interrupted (a crash); a retry rolls it back. */
    private readonly staleAfterMs = 10 * 60_000,
  ) {}

  async createOrganization(caller: Identity | null, input: CreateOrganizationInput): Promise<Organization> {
    // The creator becomes the owner: a person, never a service account.
    const identity = requirePerson(caller, 'Creating an organization');
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_NAME) {
      throw new BadUserInputError(`name must be 1 to ${MAX_NAME} characters`, { field: 'name' });
    }
    if (!OPERATION_ID.test(input.operationId)) {
      throw new BadUserInputError('operationId must be 1 to 100 letters, digits or . _ : -', { field: 'operationId' });
    }
    // Sign-up counts its attempts by these ids; a client's id must never be taken for one.
    if (input.operationId.startsWith(SIGN_UP_OPERATION_PREFIX)) {
      throw new BadUserInputError(`operationId must not start with "${SIGN_UP_OPERATION_PREFIX}"`, {
        field: 'operationId',
        reason: 'RESERVED_OPERATION_ID',
      });
    }
    const request = { ownerUserId: identity.userId, name, operationId: input.operationId };
    const claim = await this.database.run(claimScope(identity.userId), (unit) => this.claimIn(unit, request));
    return this.complete(claim, identity.userId);
  }

  /**
   * Step 1 inside the caller's transaction, which must run in a `claimScope(ownerUserId)`: the
   * PENDING row and the owner membership, or the organization this (owner, operationId) already
   * names. Sign-up uses it to create the user and the organization in one transaction, so there
   * is never a user whose first organization was not recorded.
   */
  async claimIn(unit: UnitOfWork, request: OrganizationRequest): Promise<Claim> {
    const orgId = unit.scope.orgId;
    if (!orgId || unit.scope.userId !== request.ownerUserId) throw new Error('claimIn needs a unit in claimScope(owner)');
    const base = slugify(request.name);
    for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt += 1) {
      const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
      // No conflict target: a taken slug and a reused operation id both end here, without
      // aborting the transaction. A concurrent identical call waits on the unique index until the
      // first transaction ends; the lookup below (a new statement) then sees its row.
      const inserted = await unit.manager.query(
        `INSERT INTO organizations (id, name, slug, status, operation_id, created_by)
         VALUES ($1, $2, $3, 'PENDING', $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
        [orgId, request.name, slug, request.operationId, request.ownerUserId],
      );
      if (inserted.length === 0) {
        const existing = await unit.manager.findOneBy(Organization, {
          createdBy: request.ownerUserId,
          operationId: request.operationId,
        });
        if (existing) return { organization: existing, created: false };
        continue;
      }
      await unit.manager.insert(Membership, { orgId, userId: request.ownerUserId, role: 'owner' });
      const organization = await unit.manager.findOneByOrFail(Organization, { id: orgId });
      await this.emitStatus(unit, organization, null);
      return { organization, created: true };
    }
    throw new ConflictError('Could not find a free slug for this organization name');
  }

  /**
   * Steps 2 and 3 after the claim committed: the claimant provisions; anyone else gets the
   * organization as it is (after rolling back a saga that was interrupted, see recoverIfStale).
   */
  async complete(claim: Claim, userId: string, onCommitted?: CommitHook): Promise<Organization> {
    if (!claim.created) return this.recoverIfStale(claim.organization, userId);
    return this.provision(claim.organization, userId, onCommitted);
  }

  /** The organization the caller created with this operation id, in whatever state it is. */
  async creation(caller: Identity | null, operationId: string): Promise<Organization | null> {
    const identity = requireIdentity(caller);
    return this.database.run({ orgId: null, userId: identity.userId, settings: CREATOR_LOOKUP }, (unit) =>
      unit.manager.findOneBy(Organization, { createdBy: identity.userId, operationId }),
    );
  }

  /** Saga journals of organizations the caller's tenant is, or that the caller created. */
  async journals(caller: Identity | null, orgIds: readonly string[]): Promise<ProvisioningStepRecord[]> {
    const identity = requireIdentity(caller);
    return this.database.run({ orgId: identity.orgId, userId: identity.userId, settings: CREATOR_LOOKUP }, (unit) =>
      unit.manager.find(ProvisioningStepRecord, { where: { orgId: In([...orgIds]) }, order: { id: 'ASC' } }),
    );
  }

  /** Provision, then COMMITTED; or compensate, then FAILED. */
  private async provision(organization: Organization, userId: string, onCommitted?: CommitHook): Promise<Organization> {
    const journal = this.journalFor(organization, userId);
    const result = await runProvisioningSaga(this.provisioner.stepsFor(tenantSpec(organization, userId)), journal);
    if (!result.ok) {
      const reason = result.compensated ? result.reason : `${result.reason}; some undo steps failed`;
      return this.finish(organization, userId, 'FAILED', reason);
    }
    try {
      return await this.finish(organization, userId, 'COMMITTED', null, onCommitted);
    } catch (error) {
      // Infrastructure exists but the database would not record it: take it down again.
      this.logger.error({ err: error, organizationId: organization.id }, 'committing a provisioned organization failed');
      const compensated = await compensate(result.applied, journal);
      return this.finish(organization, userId, 'FAILED', `commit failed${compensated ? '' : '; some undo steps failed'}`);
    }
  }

  /**
   * A retry that finds its saga PENDING and silent for `staleAfterMs` takes it over (one retry
   * wins the conditional UPDATE), undoes the steps the journal shows as applied, and marks the
   * organization FAILED. It does not resume: a step in flight at the crash has no journal line,
   * and undoing it blindly could delete an object the saga never created.
   */
  private async recoverIfStale(organization: Organization, userId: string): Promise<Organization> {
    if (organization.status !== 'PENDING') return organization;
    const takeover = await this.database.run({ orgId: organization.id, userId }, async (unit) => {
      // Wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count] instead of the rows.
      const taken = await unit.manager.query(
        `WITH taken AS (
           UPDATE organizations SET status_changed_at = now()
            WHERE id = $1 AND status = 'PENDING' AND status_changed_at < now() - make_interval(secs => $2)
            RETURNING id)
         SELECT id FROM taken`,
        [organization.id, this.staleAfterMs / 1000],
      );
      if (taken.length === 0) return null;
      return unit.manager.find(ProvisioningStepRecord, { where: { orgId: organization.id }, order: { id: 'ASC' } });
    });
    if (!takeover) return organization;
    this.logger.warn({ organizationId: organization.id }, 'rolling back an interrupted organization saga');
    const applied = new Set<string>();
    for (const record of takeover) {
      if (record.outcome === 'APPLIED') applied.add(record.step);
      else applied.delete(record.step);
    }
    const steps = this.provisioner
      .stepsFor(tenantSpec(organization, organization.createdBy ?? userId))
      .filter((step) => applied.has(step.name));
    const compensated = await compensate(steps, this.journalFor(organization, userId));
    return this.finish(organization, userId, 'FAILED', `interrupted; rolled back${compensated ? '' : ', some undo steps failed'}`);
  }

  private journalFor(organization: Organization, userId: string): StepJournal {
    const scope: TenantScope = { orgId: organization.id, userId };
    return (step: string, outcome: StepOutcome, detail?: string) =>
      this.database.run(scope, async (unit) => {
        await unit.manager.insert(ProvisioningStepRecord, {
          orgId: organization.id,
          operationId: organization.operationId!,
          step,
          outcome,
          detail: detail ?? null,
        });
      });
  }

  private finish(
    organization: Organization,
    userId: string,
    status: OrganizationStatus,
    reason: string | null,
    onCommitted?: CommitHook,
  ): Promise<Organization> {
    return this.database.run({ orgId: organization.id, userId }, async (unit) => {
      const updated = await unit.manager.query(
        `WITH updated AS (
           UPDATE organizations SET status = $2, failure_reason = $3, status_changed_at = now()
            WHERE id = $1 AND status = 'PENDING' RETURNING id)
         SELECT id FROM updated`,
        [organization.id, status, reason],
      );
      const finished = await unit.manager.findOneByOrFail(Organization, { id: organization.id });
      // Terminal states never change again; a second finisher (should one exist) records nothing.
      if (updated.length === 0) return finished;
      if (status === 'COMMITTED') {
        await this.quotas.recordInitial(unit, finished.id, DEFAULT_QUOTA, userId, INITIAL_QUOTA_REASON);
        await unit.emit({
          type: 'plattform.organization.created',
          subject: finished.id,
          data: { organizationId: finished.id, name: finished.name, slug: finished.slug, ownerId: userId },
        });
      } else {
        // A failed tenant is not usable: nobody may get a token for it.
        await unit.manager.delete(Membership, { orgId: finished.id });
      }
      await this.emitStatus(unit, finished, 'PENDING');
      if (status === 'COMMITTED') await onCommitted?.(unit, finished);
      return finished;
    });
  }

  /** `status_changed` for every transition, plus `committed` / `failed` for the terminal ones. */
  private async emitStatus(unit: UnitOfWork, organization: Organization, previous: OrganizationStatus | null): Promise<void> {
    const data = {
      organizationId: organization.id,
      operationId: organization.operationId,
      status: organization.status,
      previousStatus: previous,
      ...(organization.failureReason ? { reason: organization.failureReason } : {}),
    };
    await unit.emit({ type: 'plattform.organization.status_changed', subject: organization.id, data });
    if (organization.status === 'COMMITTED') {
      await unit.emit({
        type: 'plattform.organization.committed',
        subject: organization.id,
        data: { ...data, quota: quotaQuantities(DEFAULT_QUOTA) },
      });
    } else if (organization.status === 'FAILED') {
      await unit.emit({ type: 'plattform.organization.failed', subject: organization.id, data });
    }
  }
}
