import { ConflictError, NotFoundError, type Identity, type UnitOfWork } from '@hub/core';
import { Membership } from '../organizations/membership.entity';
import type { Role } from '../identity/roles';
import type { RevocationRow, SessionService } from '../sessions/sessionService';
import { requireOwnerLevelFor } from './ownerLevel';

/**
 * Membership management inside the caller's organization; joining is by invitation only
 * (src/invitations). Every method runs in a unit of work pinned to that organization; callers
 * have already checked `plattform.member.manage`.
 */
export class MemberService {
  constructor(private readonly sessions: SessionService) {}

  async changeRole(unit: UnitOfWork, actor: Identity, userId: string, role: Role): Promise<Membership> {
    const membership = await this.lockedMembership(unit, actor.orgId, userId);
    requireOwnerLevelFor(actor, role);
    requireOwnerLevelFor(actor, membership.role);
    if (membership.role === 'owner' && role !== 'owner') await this.requireAnotherOwner(unit, actor.orgId, userId);
    await unit.manager.update(Membership, { orgId: actor.orgId, userId }, { role });
    await unit.emit({ type: 'plattform.member.role_changed', subject: userId, data: { userId, from: membership.role, to: role } });
    return unit.manager.findOneByOrFail(Membership, { orgId: actor.orgId, userId });
  }

  /** Removes a member and revokes their sessions in this organization. */
  async remove(unit: UnitOfWork, actor: Identity, userId: string): Promise<RevocationRow[]> {
    const membership = await this.lockedMembership(unit, actor.orgId, userId);
    requireOwnerLevelFor(actor, membership.role);
    if (membership.role === 'owner') await this.requireAnotherOwner(unit, actor.orgId, userId);
    await unit.manager.delete(Membership, { orgId: actor.orgId, userId });
    await unit.emit({ type: 'plattform.member.removed', subject: userId, data: { userId, role: membership.role } });
    return this.sessions.revokeUserSessions(unit, userId, 'removed from organization');
  }

  private async lockedMembership(unit: UnitOfWork, orgId: string, userId: string): Promise<Membership> {
    const [row] = (await unit.manager.query(
      `SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 FOR UPDATE`,
      [orgId, userId],
    )) as Array<{ role: Role }>;
    if (!row) throw new NotFoundError('Member not found');
    return Object.assign(new Membership(), { orgId, userId, role: row.role });
  }

  /** An organization never loses its last owner. */
  private async requireAnotherOwner(unit: UnitOfWork, orgId: string, leavingUserId: string): Promise<void> {
    // Locking every owner row serializes two owners demoting each other at the same time.
    const owners = (await unit.manager.query(
      `SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner' ORDER BY user_id FOR UPDATE`,
      [orgId],
    )) as Array<{ user_id: string }>;
    if (!owners.some((owner) => owner.user_id !== leavingUserId)) throw new ConflictError('An organization needs at least one owner');
  }
}
