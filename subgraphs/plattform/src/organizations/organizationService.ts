import type { UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';

/** Reads organizations and their members. Row-level security limits every read to the caller's tenant. */
export class OrganizationService {
  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Organization[]> {
    return unit.manager.findBy(Organization, { id: In([...ids]) });
  }

  membersOf(unit: UnitOfWork, orgIds: readonly string[]): Promise<Membership[]> {
    return unit.manager.find(Membership, { where: { orgId: In([...orgIds]) }, order: { createdAt: 'ASC' } });
  }
}
