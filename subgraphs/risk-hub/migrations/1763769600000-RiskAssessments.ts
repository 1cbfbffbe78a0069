import { appRoleFor, createOutboxTable, enableTenantIsolation, grantToApp, makeAppendOnly, ownerRoleFor } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'risk_hub';
const OWNER = ownerRoleFor(SCHEMA);

/**
 * Assessments, hazards, measures, the append-only audit trail, versioned documents and the
 * outbox, all tenant-isolated by row-level security; plus the cross-tenant overdue scan.
 */
export class RiskAssessments1763769600000 implements MigrationInterface {
  name = 'RiskAssessments1763769600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${SCHEMA}".assessments (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        scope text NOT NULL DEFAULT '',
        site text,
        department text,
        owner_id uuid NOT NULL,
        author_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'ARCHIVED')),
        review_due_date date,
        version integer NOT NULL DEFAULT 0 CHECK (version >= 0),
        rejection_reason text,
        decided_by uuid,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX assessments_org_created ON "${SCHEMA}".assessments (org_id, created_at, id)`);
    await runner.query(`CREATE INDEX assessments_org_owner ON "${SCHEMA}".assessments (org_id, owner_id)`);

    await runner.query(`
      CREATE TABLE "${SCHEMA}".hazards (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        assessment_id uuid NOT NULL REFERENCES "${SCHEMA}".assessments (id) ON DELETE CASCADE,
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
        category text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
        likelihood smallint NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
        severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 5),
        risk_score smallint GENERATED ALWAYS AS (likelihood * severity) STORED,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX hazards_assessment ON "${SCHEMA}".hazards (assessment_id, created_at)`);

    await runner.query(`
      CREATE TABLE "${SCHEMA}".measures (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        assessment_id uuid NOT NULL REFERENCES "${SCHEMA}".assessments (id) ON DELETE CASCADE,
        hazard_id uuid NOT NULL REFERENCES "${SCHEMA}".hazards (id) ON DELETE CASCADE,
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
        type text NOT NULL CHECK (type IN ('ELIMINATE', 'SUBSTITUTE', 'ENGINEERING', 'ADMINISTRATIVE', 'PPE')),
        owner_id uuid NOT NULL,
        due_date date NOT NULL,
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'IN_PROGRESS', 'DONE')),
        residual_likelihood smallint CHECK (residual_likelihood BETWEEN 1 AND 5),
        residual_severity smallint CHECK (residual_severity BETWEEN 1 AND 5),
        overdue_notified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX measures_hazard ON "${SCHEMA}".measures (hazard_id, created_at)`);
    await runner.query(`CREATE INDEX measures_owner ON "${SCHEMA}".measures (org_id, owner_id)`);
    await runner.query(
      `CREATE INDEX measures_open_due ON "${SCHEMA}".measures (due_date) WHERE status <> 'DONE' AND overdue_notified_at IS NULL`,
    );

    await runner.query(`
      CREATE TABLE "${SCHEMA}".audit_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        org_id uuid NOT NULL,
        assessment_id uuid NOT NULL,
        actor_id uuid,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        entity_type text NOT NULL,
        entity_id uuid NOT NULL,
        action text NOT NULL,
        changes jsonb NOT NULL
      )`);
    // No foreign key to assessments: the trail must outlive whatever it describes.
    await runner.query(`CREATE INDEX audit_entries_assessment ON "${SCHEMA}".audit_entries (assessment_id, id)`);

    await runner.query(`
      CREATE TABLE "${SCHEMA}".documents (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        assessment_id uuid NOT NULL REFERENCES "${SCHEMA}".assessments (id) ON DELETE CASCADE,
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (assessment_id, file_name)
      )`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".document_versions (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        document_id uuid NOT NULL REFERENCES "${SCHEMA}".documents (id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage text NOT NULL CHECK (storage IN ('postgres', 's3')),
        storage_key text NOT NULL,
        uploaded_by uuid NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (document_id, version)
      )`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".document_contents (
        storage_key text PRIMARY KEY,
        org_id uuid NOT NULL,
        content bytea NOT NULL
      )`);

    for (const table of ['assessments', 'hazards', 'measures', 'audit_entries', 'documents', 'document_versions', 'document_contents']) {
      await enableTenantIsolation(runner, SCHEMA, table);
    }
    await grantToApp(runner, SCHEMA, 'assessments', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApp(runner, SCHEMA, 'hazards', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    await grantToApp(runner, SCHEMA, 'measures', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    // Append-only twice over: the app role lacks the privilege, and a trigger refuses every role.
    await grantToApp(runner, SCHEMA, 'audit_entries', ['SELECT', 'INSERT']);
    await makeAppendOnly(runner, SCHEMA, 'audit_entries');
    await grantToApp(runner, SCHEMA, 'documents', ['SELECT', 'INSERT']);
    await grantToApp(runner, SCHEMA, 'document_versions', ['SELECT', 'INSERT']);
    await grantToApp(runner, SCHEMA, 'document_contents', ['SELECT', 'INSERT']);
    await createOutboxTable(runner, SCHEMA);

    // The overdue check must see every tenant, but the app role sees none without a tenant. A
    // SECURITY DEFINER function owned by the schema owner lists only (org, measure) ids; a policy
    // scoped TO the owner role lets that function (and nothing the app role runs) read across
    // tenants. The check then handles each organization in its own tenant-pinned transaction.
    await runner.query(`CREATE POLICY overdue_scan ON "${SCHEMA}".measures FOR SELECT TO "${OWNER}" USING (true)`);
    await runner.query(`
      CREATE FUNCTION "${SCHEMA}".overdue_measure_ids(max_rows integer)
        RETURNS TABLE (org_id uuid, measure_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = "${SCHEMA}", pg_temp
      AS $$
        SELECT m.org_id, m.id FROM "${SCHEMA}".measures m
         WHERE m.status <> 'DONE' AND m.overdue_notified_at IS NULL AND m.due_date < (now() AT TIME ZONE 'UTC')::date
         ORDER BY m.org_id, m.due_date, m.id
         LIMIT max_rows
      $$`);
    await runner.query(`REVOKE ALL ON FUNCTION "${SCHEMA}".overdue_measure_ids(integer) FROM PUBLIC`);
    await runner.query(`GRANT EXECUTE ON FUNCTION "${SCHEMA}".overdue_measure_ids(integer) TO "${appRoleFor(SCHEMA)}"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION "${SCHEMA}".overdue_measure_ids(integer)`);
    await runner.query(
      `DROP TABLE "${SCHEMA}".outbox, "${SCHEMA}".document_contents, "${SCHEMA}".document_versions, "${SCHEMA}".documents,
         "${SCHEMA}".audit_entries, "${SCHEMA}".measures, "${SCHEMA}".hazards, "${SCHEMA}".assessments`,
    );
    await runner.query(`DROP FUNCTION "${SCHEMA}".refuse_change()`);
  }
}
