import { randomUUID } from 'node:crypto';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  isUuid,
  NotFoundError,
  type Identity,
  type TenantDatabase,
  type UnitOfWork,
} from '@hub/core';
import { normalizeEmail } from '../identity/emailAddress';
import type { Role } from '../identity/roles';
import { requireOwnerLevelFor } from '../members/ownerLevel';
import {
  INVITATION_COLUMNS,
  INVITATION_STATUS_SQL,
  invitationFromRow,
  notPending,
  type InvitationRecord,
  type InvitationRow,
  type InvitationStatus,
  type IssuedInvitation,
} from './invitation';
import { hashInvitationCode, newInvitationCode, presentedCode } from './invitationCode';

/** Invitations are valid for 7 days. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
const DEFAULT_LIST_SIZE = 100;
const MAX_LIST_SIZE = 500;

export interface InvitationFilter {
  status?: InvitationStatus | null;
  first?: number | null;
}

/**
 * Invitations are the only way into an organization: an admin invites an email address, the
 * person signed in with that address accepts with the code the admin passed on. The inviter side
 * never looks at accounts, so its answers are the same whether or not the address has one (no
 * account enumeration); the invitee side needs both the address and the code, because addresses
 * are not verified here and whoever signs up with one first must not be able to claim it.
 */
export class InvitationService {
  constructor(private readonly database: TenantDatabase) {}

  /** Runs in the inviter's organization; the caller has checked `plattform.member.manage`. */
  async invite(unit: UnitOfWork, actor: Identity, emailInput: string, role: Role): Promise<IssuedInvitation> {
    const email = normalizeEmail(emailInput);
    requireOwnerLevelFor(actor, role);
    const code = newInvitationCode();
    const [row] = (await unit.manager.query(
      `INSERT INTO invitations (id, org_id, email, role, code_hash, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) RETURNING ${INVITATION_COLUMNS}`,
      [randomUUID(), actor.orgId, email, role, hashInvitationCode(code), actor.userId, INVITATION_TTL_SECONDS],
    )) as InvitationRow[];
    const invitation = invitationFromRow(row!);
    await unit.emit({ type: 'plattform.member.invited', subject: invitation.id, data: { invitationId: invitation.id, email, role } });
    return { invitation, code };
  }

  /** The organization's invitations, newest first. */
  list(unit: UnitOfWork, filter: InvitationFilter): Promise<InvitationRecord[]> {
    const first = filter.first ?? DEFAULT_LIST_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_LIST_SIZE) {
      throw new BadUserInputError(`first must be 1 to ${MAX_LIST_SIZE}`, { field: 'first' });
    }
    // The explicit organization filter matters: row-level security also shows the caller the
    // invitations addressed to their own email, which belong to other organizations.
    return this.select(
      unit,
      `org_id = $1 AND ($2::text IS NULL OR ${INVITATION_STATUS_SQL} = $2) ORDER BY created_at DESC, id LIMIT $3`,
      [unit.scope.orgId, filter.status ?? null, first],
    );
  }

  /** Withdraws a pending invitation; the caller has checked `plattform.member.manage`. */
  async revoke(unit: UnitOfWork, actor: Identity, id: string): Promise<InvitationRecord> {
    const [current] = isUuid(id) ? await this.select(unit, `id = $1 AND org_id = $2 FOR UPDATE`, [id, actor.orgId]) : [];
    if (!current) throw new NotFoundError('Invitation not found');
    requireOwnerLevelFor(actor, current.role);
    if (current.status !== 'pending') throw notPending(current.status);
    await unit.manager.query(`UPDATE invitations SET status = 'revoked', revoked_at = now(), revoked_by = $2 WHERE id = $1`, [id, actor.userId]);
    await unit.emit({
      type: 'plattform.member.invitation_revoked',
      subject: id,
      data: { invitationId: id, role: current.role, revokedBy: actor.userId },
    });
    return { ...current, status: 'revoked' };
  }

  /** Pending, unexpired invitations addressed to the signed-in user's email, in any organization. */
  addressedTo(identity: Identity): Promise<InvitationRecord[]> {
    return this.database.run({ orgId: null, userId: identity.userId }, (unit) =>
      this.select(
        unit,
        `email = (SELECT email FROM users WHERE id = $1) AND status = 'pending' AND expires_at > now() ORDER BY created_at DESC, id`,
        [identity.userId],
      ),
    );
  }

  /** The addressee joins the inviting organization with the invited role; returns its id. */
  async accept(identity: Identity, code: string): Promise<string> {
    return this.answer(identity, code, async (unit, invitation) => {
      await unit.manager.query(`UPDATE invitations SET status = 'accepted', accepted_at = now(), accepted_by = $2 WHERE id = $1`, [
        invitation.id,
        identity.userId,
      ]);
      const inserted = (await unit.manager.query(
        `INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING org_id`,
        [invitation.orgId, identity.userId, invitation.role],
      )) as unknown[];
      // Thrown, so the acceptance above is rolled back and the invitation stays pending.
      if (inserted.length === 0) throw new ConflictError('Already a member of this organization', { reason: 'ALREADY_MEMBER' });
      await unit.emit({
        type: 'plattform.member.added',
        subject: identity.userId,
        orgId: invitation.orgId,
        data: { userId: identity.userId, role: invitation.role, via: 'invitation', invitationId: invitation.id },
      });
      return invitation.orgId;
    });
  }

  async decline(identity: Identity, code: string): Promise<InvitationRecord> {
    return this.answer(identity, code, async (unit, invitation) => {
      await unit.manager.query(`UPDATE invitations SET status = 'declined', declined_at = now() WHERE id = $1`, [invitation.id]);
      await unit.emit({
        type: 'plattform.member.invitation_declined',
        subject: invitation.id,
        orgId: invitation.orgId,
        data: { invitationId: invitation.id, role: invitation.role },
      });
      return { ...invitation, status: 'declined' };
    });
  }

  /**
   * Finds the invitation by its code as the signed-in user (row-level security: whoever presents a
   * code sees that row; only its addressee may change it), checks it is theirs and pending, and
   * then lets `work` act for the inviting organization within the same transaction.
   */
  private answer<T>(identity: Identity, code: string, work: (unit: UnitOfWork, invitation: InvitationRecord) => Promise<T>): Promise<T> {
    const codeHash = hashInvitationCode(presentedCode(code));
    return this.database.run({ orgId: null, userId: identity.userId, settings: { invitation_code_hash: codeHash } }, async (unit) => {
      const [presented] = await this.select(unit, `code_hash = $1`, [codeHash]);
      if (!presented) throw new NotFoundError('No invitation with this code', { reason: 'INVITATION_NOT_FOUND' });
      const [user] = (await unit.manager.query(`SELECT email FROM users WHERE id = $1`, [identity.userId])) as Array<{ email: string }>;
      if (user?.email !== presented.email) {
        throw new ForbiddenError('This invitation is addressed to another email', { reason: 'NOT_ADDRESSEE' });
      }
      // Locked (the addressee's update policy allows it) so a concurrent answer waits and then sees the outcome.
      const [invitation] = await this.select(unit, `id = $1 FOR UPDATE`, [presented.id]);
      if (!invitation) throw new NotFoundError('No invitation with this code', { reason: 'INVITATION_NOT_FOUND' });
      if (invitation.status !== 'pending') throw notPending(invitation.status);
      // From here on the transaction acts for the inviting organization (membership, outbox).
      await unit.manager.query(`SELECT set_config('app.current_org', $1, true)`, [invitation.orgId]);
      return work(unit, invitation);
    });
  }

  private async select(unit: UnitOfWork, condition: string, parameters: unknown[]): Promise<InvitationRecord[]> {
    const rows = (await unit.manager.query(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE ${condition}`, parameters)) as InvitationRow[];
    return rows.map(invitationFromRow);
  }
}
