import type { UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { Membership } from '../organizations/membership.entity';
import { User } from './user.entity';

/** Reads users; a user is visible to members of an organization they belong to, and to themselves. */
export class UserService {
  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<User[]> {
    return unit.manager.findBy(User, { id: In([...ids]) });
  }

  /** Memberships of these users in the organization the unit of work acts for. */
  membershipsInCurrentOrg(unit: UnitOfWork, userIds: readonly string[]): Promise<Membership[]> {
    const orgId = unit.scope.orgId;
    if (!orgId) return Promise.resolve([]);
    return unit.manager.findBy(Membership, { orgId, userId: In([...userIds]) });
  }
}
