import { ConflictError } from '@hub/core';
import type { Role } from '../identity/roles';

/** Stored states; `expired` is derived: still `pending` but past `expires_at`. */
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked' | 'expired';

export const INVITATION_STATUSES: readonly InvitationStatus[] = ['pending', 'accepted', 'declined', 'revoked', 'expired'];

/** An invitation as the graph shows it: never the code, never anything about an account behind the email. */
export interface InvitationRecord {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  expiresAt: Date;
  createdAt: Date;
  invitedBy: string;
}

/** The answer to the inviter: the invitation and its code, shown only this once. */
export interface IssuedInvitation {
  invitation: InvitationRecord;
  code: string;
}

/** SQL for the effective status of a row of `invitations`. */
export const INVITATION_STATUS_SQL = `CASE WHEN status = 'pending' AND expires_at <= now() THEN 'expired' ELSE status END`;

/** The columns `invitationFromRow` reads. */
export const INVITATION_COLUMNS = `id, org_id, email, role, invited_by, created_at, expires_at, ${INVITATION_STATUS_SQL} AS status`;

export interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  status: InvitationStatus;
}

export function invitationFromRow(row: InvitationRow): InvitationRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    email: row.email,
    role: row.role,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    invitedBy: row.invited_by,
  };
}

/** CONFLICT for an invitation that is no longer pending, its state in `reason` (e.g. `INVITATION_EXPIRED`). */
export function notPending(status: InvitationStatus): ConflictError {
  return new ConflictError(`The invitation is ${status}`, { reason: `INVITATION_${status.toUpperCase()}` });
}
