import {
  CONFIG_READER_ROLE,
  CURRENT_ORG_SQL,
    enableTenantIsolation,
  grantToApp,
  makeAppendOnly,
} from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';
const setting = (name: string) => `nullif(current_setting('app.${name}', true), '')`;

/**
 * Service configs with their append-only history, refresh-token families and revoked access
 * tokens. The config reader role (created by migratePlattform) may read every tenant's configs.
 */
export class ConfigsAndTokenLifecycle1763790000000 implements MigrationInterface {
  name = 'ConfigsAndTokenLifecycle1763790000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${SCHEMA}".service_configs (
        org_id uuid REFERENCES "${SCHEMA}".organizations (id) ON DELETE CASCADE,
        service text NOT NULL CHECK (service ~ '^[a-z][a-z0-9-]{0,62}$'),
        key text NOT NULL CHECK (key ~ '^[a-zA-Z][a-zA-Z0-9_.-]{0,127}$'),
        value jsonb NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid,
        CONSTRAINT service_configs_key UNIQUE NULLS NOT DISTINCT (org_id, service, key)
      )`);
    // Tenant rows belong to their tenant; global rows (org_id NULL) are read by everyone and
    // written only by plattform's own operator path, which declares itself with app.config_global.
    await runner.query(`ALTER TABLE "${SCHEMA}".service_configs ENABLE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE "${SCHEMA}".service_configs FORCE ROW LEVEL SECURITY`);
    await runner.query(
      `CREATE POLICY tenant_rows ON "${SCHEMA}".service_configs
         USING (org_id = ${CURRENT_ORG_SQL}) WITH CHECK (org_id = ${CURRENT_ORG_SQL})`,
    );
    await runner.query(`CREATE POLICY global_read ON "${SCHEMA}".service_configs FOR SELECT USING (org_id IS NULL)`);
    await runner.query(
      `CREATE POLICY global_write ON "${SCHEMA}".service_configs
         USING (org_id IS NULL AND ${setting('config_global')} = 'on')
         WITH CHECK (org_id IS NULL AND ${setting('config_global')} = 'on')`,
    );
    await runner.query(
      `CREATE POLICY config_reader ON "${SCHEMA}".service_configs FOR SELECT TO "${CONFIG_READER_ROLE}" USING (true)`,
    );
    await grantToApp(runner, SCHEMA, 'service_configs', ['SELECT', 'INSERT', 'UPDATE']);
    await runner.query(`GRANT USAGE ON SCHEMA "${SCHEMA}" TO "${CONFIG_READER_ROLE}"`);
    await runner.query(`GRANT SELECT ON "${SCHEMA}".service_configs TO "${CONFIG_READER_ROLE}"`);

    await runner.query(`
      CREATE TABLE "${SCHEMA}".config_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        org_id uuid,
        service text NOT NULL,
        key text NOT NULL,
        version integer NOT NULL,
        old_value jsonb,
        new_value jsonb NOT NULL,
        actor uuid,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        changed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE NULLS NOT DISTINCT (org_id, service, key, version)
      )`);
    await runner.query(`CREATE INDEX config_history_by_time ON "${SCHEMA}".config_history (org_id, changed_at)`);
    await runner.query(`ALTER TABLE "${SCHEMA}".config_history ENABLE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE "${SCHEMA}".config_history FORCE ROW LEVEL SECURITY`);
    await runner.query(
      `CREATE POLICY tenant_rows ON "${SCHEMA}".config_history
         USING (org_id = ${CURRENT_ORG_SQL}) WITH CHECK (org_id = ${CURRENT_ORG_SQL})`,
    );
    await runner.query(`CREATE POLICY global_read ON "${SCHEMA}".config_history FOR SELECT USING (org_id IS NULL)`);
    await runner.query(
      `CREATE POLICY global_write ON "${SCHEMA}".config_history FOR INSERT
         WITH CHECK (org_id IS NULL AND ${setting('config_global')} = 'on')`,
    );
    await grantToApp(runner, SCHEMA, 'config_history', ['SELECT', 'INSERT']);
    await makeAppendOnly(runner, SCHEMA, 'config_history');

    // Refresh tokens: only a hash is stored. A family is one login's chain of rotations.
    await runner.query(`
      CREATE TABLE "${SCHEMA}".refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES "${SCHEMA}".users (id) ON DELETE CASCADE,
        org_id uuid NOT NULL REFERENCES "${SCHEMA}".organizations (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        access_token_id uuid NOT NULL,
        access_expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX refresh_tokens_family ON "${SCHEMA}".refresh_tokens (family_id)`);
    await runner.query(`ALTER TABLE "${SCHEMA}".refresh_tokens ENABLE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE "${SCHEMA}".refresh_tokens FORCE ROW LEVEL SECURITY`);
    // Whoever presents a refresh token may see that one row, then act on its family.
    await runner.query(
      `CREATE POLICY presented_token ON "${SCHEMA}".refresh_tokens FOR SELECT
         USING (token_hash = ${setting('refresh_token_hash')})`,
    );
    await runner.query(
      `CREATE POLICY token_family ON "${SCHEMA}".refresh_tokens
         USING (family_id = ${setting('refresh_family')}::uuid)
         WITH CHECK (family_id = ${setting('refresh_family')}::uuid)`,
    );
    // Within its tenant plattform manages sessions (logout, an admin revoking a member's token).
    await runner.query(
      `CREATE POLICY tenant_rows ON "${SCHEMA}".refresh_tokens
         USING (org_id = ${CURRENT_ORG_SQL}) WITH CHECK (org_id = ${CURRENT_ORG_SQL})`,
    );
    await grantToApp(runner, SCHEMA, 'refresh_tokens', ['SELECT', 'INSERT', 'UPDATE']);

    // Revoked access tokens: the durable record behind the Redis denylist.
    await runner.query(`
      CREATE TABLE "${SCHEMA}".revoked_tokens (
        jti uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        user_id uuid,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NOT NULL DEFAULT now(),
        revoked_by uuid,
        reason text NOT NULL
      )`);
    await runner.query(`CREATE INDEX revoked_tokens_expiry ON "${SCHEMA}".revoked_tokens (expires_at)`);
    await enableTenantIsolation(runner, SCHEMA, 'revoked_tokens');
    // At start plattform re-publishes unexpired entries to Redis (which may have lost them).
    await runner.query(
      `CREATE POLICY denylist_sync ON "${SCHEMA}".revoked_tokens FOR SELECT
         USING (${setting('denylist_sync')} = 'on')`,
    );
    await grantToApp(runner, SCHEMA, 'revoked_tokens', ['SELECT', 'INSERT']);

    // Invitations: the invitee (not yet a member) finds one only by presenting its token.
    await runner.query(`
      CREATE TABLE "${SCHEMA}".invitations (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES "${SCHEMA}".organizations (id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        token_hash text NOT NULL UNIQUE,
        invited_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid
      )`);
    await enableTenantIsolation(runner, SCHEMA, 'invitations');
    await runner.query(
      `CREATE POLICY presented_invitation ON "${SCHEMA}".invitations FOR SELECT
         USING (token_hash = ${setting('invitation_hash')})`,
    );
    await grantToApp(runner, SCHEMA, 'invitations', ['SELECT', 'INSERT', 'UPDATE']);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP TABLE "${SCHEMA}".invitations, "${SCHEMA}".revoked_tokens, "${SCHEMA}".refresh_tokens, "${SCHEMA}".config_history, "${SCHEMA}".service_configs`,
    );
  }
}
