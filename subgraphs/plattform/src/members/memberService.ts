import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type Identity,
  type TenantDatabase,
  type UnitOfWork,
} from '@hub/core';
import { Membership } from '../organizations/membership.entity';
import { mayActOnRole, type Role } from '../identity/roles';
import type { RevocationRow, SessionService } from '../sessions/sessionService';

/** Invitations are valid for 7 days. */
const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  expiresAt: Date;
  /** Shown once, to the inviter, to pass on to the invitee; only its hash is stored. */
  token: string;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Membership management inside the caller's organization. Every method runs in a unit of work
 * pinned to that organization; callers have already checked `plattform.member.manage`.
 */
export class MemberService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly sessions: SessionService,
  ) {}

  async invite(unit: UnitOfWork, actor: Identity, emailInput: string, role: Role): Promise<Invitation> {
    const email = emailInput.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) throw new BadUserInputError('email is not a valid address', { field: 'email' });
    this.requireOwnerLevelFor(actor, role);
    const token = `inv_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    const [row] = (await unit.manager.query(
      `INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) RETURNING expires_at`,
      [id, actor.orgId, email, role, hashOf(token), actor.userId, INVITATION_TTL_SECONDS],
    )) as Array<{ expires_at: Date }>;
    await unit.emit({ type: 'plattform.member.invited', subject: id, data: { invitationId: id, email, role } });
    return { id, orgId: actor.orgId, email, role, expiresAt: row!.expires_at, token };
  }

  /** The signed-in invitee joins; the invitation must be addressed to their email and unused. */
  async accept(identity: Identity, token: string): Promise<Membership> {
    const tokenHash = hashOf(token.trim());
    return this.database.run(
      { orgId: null, userId: identity.userId, settings: { invitation_hash: tokenHash } },
      async (unit) => {
        const [invitation] = (await unit.manager.query(
          `SELECT id, org_id, email, role, expires_at, accepted_at FROM invitations WHERE token_hash = $1`,
          [tokenHash],
        )) as Array<{ id: string; org_id: string; email: string; role: Role; expires_at: Date; accepted_at: Date | null }>;
        if (!invitation || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now()) {
          throw new NotFoundError('Invitation not found or no longer valid');
        }
        const [user] = (await unit.manager.query(`SELECT email FROM users WHERE id = $1`, [identity.userId])) as Array<{ email: string }>;
        if (user?.email !== invitation.email) throw new ForbiddenError('This invitation is addressed to another email');
        await unit.manager.query(`SELECT set_config('app.current_org', $1, true)`, [invitation.org_id]);
        const inserted = (await unit.manager.query(
          `INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING org_id`,
          [invitation.org_id, identity.userId, invitation.role],
        )) as unknown[];
        if (inserted.length === 0) throw new ConflictError('Already a member of this organization');
        await unit.manager.query(`UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1`, [
          invitation.id,
          identity.userId,
        ]);
        await unit.emit({
          type: 'plattform.member.added',
          subject: identity.userId,
          orgId: invitation.org_id,
          data: { userId: identity.userId, role: invitation.role, via: 'invitation' },
        });
        return unit.manager.findOneByOrFail(Membership, { orgId: invitation.org_id, userId: identity.userId });
      },
    );
  }

  /** Adds an existing user (by email) directly. */
  async add(unit: UnitOfWork, actor: Identity, emailInput: string, role: Role): Promise<Membership> {
    this.requireOwnerLevelFor(actor, role);
    const email = emailInput.trim().toLowerCase();
    await unit.manager.query(`SELECT set_config('app.login_email', $1, true)`, [email]);
    const [user] = (await unit.manager.query(`SELECT id FROM users WHERE email = $1`, [email])) as Array<{ id: string }>;
    await unit.manager.query(`SELECT set_config('app.login_email', '', true)`);
    // Unknown emails are refused like existing ones would be invited: no account enumeration beyond this tenant.
    if (!user) throw new NotFoundError('No account with this email; send an invitation instead');
    const inserted = (await unit.manager.query(
      `INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING org_id`,
      [actor.orgId, user.id, role],
    )) as unknown[];
    if (inserted.length === 0) throw new ConflictError('Already a member of this organization');
    await unit.emit({ type: 'plattform.member.added', subject: user.id, data: { userId: user.id, role, via: 'direct' } });
    return unit.manager.findOneByOrFail(Membership, { orgId: actor.orgId, userId: user.id });
  }

  async changeRole(unit: UnitOfWork, actor: Identity, userId: string, role: Role): Promise<Membership> {
    const membership = await this.lockedMembership(unit, actor.orgId, userId);
    this.requireOwnerLevelFor(actor, role);
    this.requireOwnerLevelFor(actor, membership.role);
    if (membership.role === 'owner' && role !== 'owner') await this.requireAnotherOwner(unit, actor.orgId, userId);
    await unit.manager.update(Membership, { orgId: actor.orgId, userId }, { role });
    await unit.emit({ type: 'plattform.member.role_changed', subject: userId, data: { userId, from: membership.role, to: role } });
    return unit.manager.findOneByOrFail(Membership, { orgId: actor.orgId, userId });
  }

  /** Removes a member and revokes their sessions in this organization. */
  async remove(unit: UnitOfWork, actor: Identity, userId: string): Promise<RevocationRow[]> {
    const membership = await this.lockedMembership(unit, actor.orgId, userId);
    this.requireOwnerLevelFor(actor, membership.role);
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

  private requireOwnerLevelFor(actor: Identity, role: Role): void {
    if (!mayActOnRole(actor.scopes, role)) {
      throw new ForbiddenError('Only an owner can grant, change or remove the owner role');
    }
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
