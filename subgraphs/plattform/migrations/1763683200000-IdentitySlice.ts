import {
  CURRENT_ORG_SQL,
  CURRENT_USER_SQL,
  createOutboxTable,
  enableTenantIsolation,
  grantToApp,
} from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';

/** Organizations, users and memberships with row-level security; the outbox. */
export class IdentitySlice1763683200000 implements MigrationInterface {
  name = 'IdentitySlice1763683200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${SCHEMA}".organizations (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".users (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE CHECK (email = lower(email)),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".memberships (
        org_id uuid NOT NULL REFERENCES "${SCHEMA}".organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES "${SCHEMA}".users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, user_id)
      )`);
    await runner.query(`CREATE INDEX memberships_user ON "${SCHEMA}".memberships (user_id)`);

    // An organization is visible only to transactions acting for it.
    await enableTenantIsolation(runner, SCHEMA, 'organizations', 'id');
    // Memberships: the current organization's, plus a user's own (needed to pick an org at login).
    await enableTenantIsolation(runner, SCHEMA, 'memberships');
    await runner.query(
      `CREATE POLICY own_memberships ON "${SCHEMA}".memberships FOR SELECT USING (user_id = ${CURRENT_USER_SQL})`,
    );
    // Users are not owned by one tenant: visible to fellow members of the current organization,
    // to themselves, and to the login lookup of their own email.
    await runner.query(`ALTER TABLE "${SCHEMA}".users ENABLE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE "${SCHEMA}".users FORCE ROW LEVEL SECURITY`);
    await runner.query(
      `CREATE POLICY members_of_current_org ON "${SCHEMA}".users FOR SELECT USING (
         EXISTS (SELECT 1 FROM "${SCHEMA}".memberships m WHERE m.user_id = users.id AND m.org_id = ${CURRENT_ORG_SQL}))`,
    );
    await runner.query(
      `CREATE POLICY self ON "${SCHEMA}".users USING (id = ${CURRENT_USER_SQL}) WITH CHECK (id = ${CURRENT_USER_SQL})`,
    );
    await runner.query(
      `CREATE POLICY login_lookup ON "${SCHEMA}".users FOR SELECT
         USING (email = nullif(current_setting('app.login_email', true), ''))`,
    );

    await grantToApp(runner, SCHEMA, 'organizations', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApp(runner, SCHEMA, 'users', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApp(runner, SCHEMA, 'memberships', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    await createOutboxTable(runner, SCHEMA);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${SCHEMA}".outbox, "${SCHEMA}".memberships, "${SCHEMA}".users, "${SCHEMA}".organizations`);
  }
}

