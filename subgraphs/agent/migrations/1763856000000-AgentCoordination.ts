import { appRoleFor, createOutboxTable, enableTenantIsolation, grantToApp, ownerRoleFor } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'agent';

/**
 * Agents, tasks (the queue), pipelines with their stages, the outbox; RLS on every table; and the
 * one cross-tenant read the lease sweeper needs (see `tenants_with_expired_leases`).
 */
export class AgentCoordination1763856000000 implements MigrationInterface {
  name = 'AgentCoordination1763856000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${SCHEMA}".agents (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        type text NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
        capabilities text[] NOT NULL DEFAULT '{}',
        service_account_id uuid NOT NULL,
        reported_status text NOT NULL DEFAULT 'idle' CHECK (reported_status IN ('idle', 'working', 'error')),
        status_message text,
        last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
        tasks_completed integer NOT NULL DEFAULT 0,
        tasks_failed integer NOT NULL DEFAULT 0,
        completed_duration_ms bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, name)
      )`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".pipelines (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
        subject_type text CHECK (subject_type IN ('RiskAssessment', 'Portfolio')),
        subject_id uuid,
        priority integer NOT NULL DEFAULT 0,
        failed_stage integer,
        error text,
        results jsonb NOT NULL DEFAULT '{}',
        requested_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".tasks (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        type text NOT NULL,
        input jsonb NOT NULL,
        subject_type text CHECK (subject_type IN ('RiskAssessment', 'Portfolio')),
        subject_id uuid,
        priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
        status text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
        progress real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
        progress_message text,
        result jsonb,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL CHECK (max_attempts >= 1),
        lease_seconds integer NOT NULL CHECK (lease_seconds >= 1),
        retry_backoff_seconds integer NOT NULL CHECK (retry_backoff_seconds >= 0),
        available_at timestamptz NOT NULL DEFAULT now(),
        lease_token uuid,
        lease_expires_at timestamptz,
        agent_id uuid REFERENCES "${SCHEMA}".agents (id) ON DELETE SET NULL,
        pipeline_id uuid REFERENCES "${SCHEMA}".pipelines (id) ON DELETE CASCADE,
        requested_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'RUNNING') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
      )`);
    // The claim query walks this index: due, queued tasks of one tenant by priority, oldest first.
    await runner.query(
      `CREATE INDEX tasks_claimable ON "${SCHEMA}".tasks (org_id, priority DESC, created_at) WHERE status = 'QUEUED'`,
    );
    await runner.query(`CREATE INDEX tasks_running_leases ON "${SCHEMA}".tasks (lease_expires_at) WHERE status = 'RUNNING'`);
    await runner.query(`CREATE INDEX tasks_subject ON "${SCHEMA}".tasks (org_id, subject_type, subject_id)`);
    await runner.query(`CREATE INDEX tasks_pipeline ON "${SCHEMA}".tasks (pipeline_id)`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".pipeline_stages (
        pipeline_id uuid NOT NULL REFERENCES "${SCHEMA}".pipelines (id) ON DELETE CASCADE,
        org_id uuid NOT NULL,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL,
        task_type text NOT NULL,
        input jsonb NOT NULL DEFAULT '{}',
        input_mapping jsonb NOT NULL DEFAULT '[]',
        task_id uuid REFERENCES "${SCHEMA}".tasks (id) ON DELETE SET NULL,
        PRIMARY KEY (pipeline_id, position),
        UNIQUE (pipeline_id, name)
      )`);

    for (const table of ['agents', 'pipelines', 'tasks', 'pipeline_stages']) {
      await enableTenantIsolation(runner, SCHEMA, table);
      await grantToApp(runner, SCHEMA, table, ['SELECT', 'INSERT', 'UPDATE']);
    }
    await createOutboxTable(runner, SCHEMA);

    // Lease expiry is found across tenants, but only tenant ids cross the boundary: the sweeper
    // then handles each tenant's tasks in an ordinary RLS-pinned transaction. The owner is itself
    // subject to FORCE RLS, so the function (running as the owner) gets a read-only policy of its
    // own; the app role is not the owner and can use it only through this function.
    const owner = ownerRoleFor(SCHEMA);
    await runner.query(
      `CREATE POLICY lease_sweep_discovery ON "${SCHEMA}".tasks FOR SELECT TO "${owner}" USING (status = 'RUNNING')`,
    );
    await runner.query(`
      CREATE FUNCTION "${SCHEMA}".tenants_with_expired_leases() RETURNS TABLE (org_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
          SELECT DISTINCT t.org_id FROM "${SCHEMA}".tasks t
           WHERE t.status = 'RUNNING' AND t.lease_expires_at < now()
      $$`);
    await runner.query(`REVOKE ALL ON FUNCTION "${SCHEMA}".tenants_with_expired_leases() FROM PUBLIC`);
    await runner.query(`GRANT EXECUTE ON FUNCTION "${SCHEMA}".tenants_with_expired_leases() TO "${appRoleFor(SCHEMA)}"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION "${SCHEMA}".tenants_with_expired_leases()`);
    await runner.query(
      `DROP TABLE "${SCHEMA}".outbox, "${SCHEMA}".pipeline_stages, "${SCHEMA}".tasks, "${SCHEMA}".pipelines, "${SCHEMA}".agents`,
    );
  }
}
