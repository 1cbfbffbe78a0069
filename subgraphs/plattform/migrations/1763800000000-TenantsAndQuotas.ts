import { CURRENT_USER_SQL, enableTenantIsolation, grantToApp, makeAppendOnly } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';

/**
 * Self-service tenant creation (saga state on organizations, an append-only step journal) and
 * quota history. Rows that exist already were created before the saga and count as COMMITTED.
 */
export class TenantsAndQuotas1763800000000 implements MigrationInterface {
  name = 'TenantsAndQuotas1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE "${SCHEMA}".organizations
        ADD COLUMN status text NOT NULL DEFAULT 'COMMITTED' CHECK (status IN ('PENDING', 'COMMITTED', 'FAILED')),
        ADD COLUMN operation_id text CHECK (length(operation_id) BETWEEN 1 AND 100),
        ADD COLUMN created_by uuid REFERENCES "${SCHEMA}".users (id),
        ADD COLUMN failure_reason text,
        ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT organizations_operation_needs_creator CHECK (operation_id IS NULL OR created_by IS NOT NULL)`);
    // The idempotency key of createOrganization: one organization per (caller, operation id).
    await runner.query(
      `CREATE UNIQUE INDEX organizations_creator_operation ON "${SCHEMA}".organizations (created_by, operation_id)`,
    );
    // The creator's token speaks for another organization while the new one is created, so the
    // creator may read the rows they created, but only when the service asks for exactly that
    // lookup (`app.creator_lookup`); ordinary organization reads stay limited to the token's tenant.
    await runner.query(
      `CREATE POLICY creator_lookup ON "${SCHEMA}".organizations FOR SELECT USING (
         created_by = ${CURRENT_USER_SQL} AND current_setting('app.creator_lookup', true) = 'on')`,
    );

    await runner.query(`
      CREATE TABLE "${SCHEMA}".organization_provisioning_steps (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES "${SCHEMA}".organizations (id),
        operation_id text NOT NULL,
        step text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('APPLIED', 'FAILED', 'UNDONE', 'UNDO_FAILED')),
        detail text,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await runner.query(
      `CREATE INDEX organization_provisioning_steps_org ON "${SCHEMA}".organization_provisioning_steps (org_id, id)`,
    );
    await enableTenantIsolation(runner, SCHEMA, 'organization_provisioning_steps');
    await runner.query(
      `CREATE POLICY creator_lookup ON "${SCHEMA}".organization_provisioning_steps FOR SELECT USING (
         current_setting('app.creator_lookup', true) = 'on'
         AND EXISTS (SELECT 1 FROM "${SCHEMA}".organizations o
                      WHERE o.id = organization_provisioning_steps.org_id AND o.created_by = ${CURRENT_USER_SQL}))`,
    );
    await makeAppendOnly(runner, SCHEMA, 'organization_provisioning_steps');
    await grantToApp(runner, SCHEMA, 'organization_provisioning_steps', ['SELECT', 'INSERT']);

    // FinOps history: every quota an organization had, from when (effective_at) and why.
    await runner.query(`
      CREATE TABLE "${SCHEMA}".quota_changes (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES "${SCHEMA}".organizations (id),
        cpu_millicores bigint NOT NULL CHECK (cpu_millicores > 0),
        memory_bytes bigint NOT NULL CHECK (memory_bytes > 0),
        storage_bytes bigint NOT NULL CHECK (storage_bytes > 0),
        effective_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        actor uuid NOT NULL REFERENCES "${SCHEMA}".users (id)
      )`);
    await runner.query(`CREATE INDEX quota_changes_org_time ON "${SCHEMA}".quota_changes (org_id, effective_at)`);
    await enableTenantIsolation(runner, SCHEMA, 'quota_changes');
    await makeAppendOnly(runner, SCHEMA, 'quota_changes');
    await grantToApp(runner, SCHEMA, 'quota_changes', ['SELECT', 'INSERT']);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${SCHEMA}".quota_changes, "${SCHEMA}".organization_provisioning_steps`);
    await runner.query(`DROP POLICY creator_lookup ON "${SCHEMA}".organizations`);
    await runner.query(`DROP INDEX "${SCHEMA}".organizations_creator_operation`);
    await runner.query(`
      ALTER TABLE "${SCHEMA}".organizations
        DROP CONSTRAINT organizations_operation_needs_creator,
        DROP COLUMN status, DROP COLUMN operation_id, DROP COLUMN created_by,
        DROP COLUMN failure_reason, DROP COLUMN status_changed_at`);
  }
}
