import { CURRENT_USER_SQL } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';
const PRESENTED_CODE = `code_hash = nullif(current_setting('app.invitation_code_hash', true), '')`;
/** The signed-in user's own email; the users policy `self` lets the user read their own row. */
const ADDRESSED_TO_CURRENT_USER = `email = (SELECT u.email FROM "${SCHEMA}".users u WHERE u.id = ${CURRENT_USER_SQL})`;

/**
 * Invitations get a lifecycle (pending → accepted | declined | revoked; expired is pending past
 * `expires_at`) and become the only way into an organization. The invitee is not a member of the
 * inviting tenant, so besides `tenant_isolation` (the inviting organization's admins):
 * - `addressed_to_current_user`: a user reads the invitations addressed to their own email, in
 *   any organization (`myInvitations`);
 * - `presented_code`: whoever presents a code reads that one invitation (to be told it is someone
 *   else's rather than unknown);
 * - `answered_by_addressee`: only the addressee presenting the code may change it (accept, decline).
 * The code was called token before; only its SHA-256 hash is stored.
 */
export class InvitationLifecycle1765300000000 implements MigrationInterface {
  name = 'InvitationLifecycle1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = `"${SCHEMA}".invitations`;
    await runner.query(`DROP POLICY presented_invitation ON ${table}`);
    await runner.query(`ALTER TABLE ${table} RENAME COLUMN token_hash TO code_hash`);
    await runner.query(`
      ALTER TABLE ${table}
        ADD COLUMN status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
        ADD COLUMN declined_at timestamptz,
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN revoked_by uuid`);
    await runner.query(`UPDATE ${table} SET status = 'accepted' WHERE accepted_at IS NOT NULL`);
    await runner.query(`CREATE INDEX invitations_org_created ON ${table} (org_id, created_at DESC)`);
    await runner.query(`CREATE INDEX invitations_pending_email ON ${table} (email) WHERE status = 'pending'`);

    await runner.query(`CREATE POLICY presented_code ON ${table} FOR SELECT USING (${PRESENTED_CODE})`);
    await runner.query(`CREATE POLICY addressed_to_current_user ON ${table} FOR SELECT USING (${ADDRESSED_TO_CURRENT_USER})`);
    await runner.query(
      `CREATE POLICY answered_by_addressee ON ${table} FOR UPDATE
         USING (${PRESENTED_CODE} AND ${ADDRESSED_TO_CURRENT_USER})
         WITH CHECK (${PRESENTED_CODE} AND ${ADDRESSED_TO_CURRENT_USER})`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = `"${SCHEMA}".invitations`;
    await runner.query(`DROP POLICY answered_by_addressee ON ${table}`);
    await runner.query(`DROP POLICY addressed_to_current_user ON ${table}`);
    await runner.query(`DROP POLICY presented_code ON ${table}`);
    await runner.query(`DROP INDEX "${SCHEMA}".invitations_pending_email`);
    await runner.query(`DROP INDEX "${SCHEMA}".invitations_org_created`);
    await runner.query(`ALTER TABLE ${table} DROP COLUMN status, DROP COLUMN declined_at, DROP COLUMN revoked_at, DROP COLUMN revoked_by`);
    await runner.query(`ALTER TABLE ${table} RENAME COLUMN code_hash TO token_hash`);
    await runner.query(
      `CREATE POLICY presented_invitation ON ${table} FOR SELECT
         USING (token_hash = nullif(current_setting('app.invitation_hash', true), ''))`,
    );
  }
}
