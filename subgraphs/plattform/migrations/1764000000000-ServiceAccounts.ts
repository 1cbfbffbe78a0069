import { enableTenantIsolation, grantToApp } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';
const setting = (name: string) => `nullif(current_setting('app.${name}', true), '')`;

/**
 * Service accounts: non-human principals of one organization (e.g. agent workers) with a fixed
 * set of permission codes and one client secret, stored only as a hash. The access tokens issued
 * to them are recorded so an administrator can revoke one by `jti`, and revoking the account
 * revokes every token it still has alive.
 */
export class ServiceAccounts1764000000000 implements MigrationInterface {
  name = 'ServiceAccounts1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "${SCHEMA}".service_accounts (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES "${SCHEMA}".organizations (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        description text CHECK (length(description) <= 500),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        secret_hash text NOT NULL,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'REVOKED')),
        created_by uuid NOT NULL REFERENCES "${SCHEMA}".users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz NOT NULL DEFAULT now(),
        last_token_issued_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid,
        revoke_reason text,
        CONSTRAINT service_accounts_name UNIQUE (org_id, name),
        CONSTRAINT service_accounts_revocation CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))
      )`);
    await enableTenantIsolation(runner, SCHEMA, 'service_accounts');
    // The token exchange runs before the caller has an identity: whoever presents a client id may
    // read that one row (to learn its organization and check the secret), nothing else.
    await runner.query(
      `CREATE POLICY presented_client ON "${SCHEMA}".service_accounts FOR SELECT
         USING (id = ${setting('service_client_id')}::uuid)`,
    );
    // No DELETE: a revoked account stays as the record of who had which rights until when.
    await grantToApp(runner, SCHEMA, 'service_accounts', ['SELECT', 'INSERT', 'UPDATE']);

    await runner.query(`
      CREATE TABLE "${SCHEMA}".service_account_tokens (
        jti uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        service_account_id uuid NOT NULL REFERENCES "${SCHEMA}".service_accounts (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX service_account_tokens_account ON "${SCHEMA}".service_account_tokens (service_account_id, expires_at)`,
    );
    await enableTenantIsolation(runner, SCHEMA, 'service_account_tokens');
    // DELETE only to prune long-expired rows; revocations are recorded in revoked_tokens.
    await grantToApp(runner, SCHEMA, 'service_account_tokens', ['SELECT', 'INSERT', 'DELETE']);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${SCHEMA}".service_account_tokens, "${SCHEMA}".service_accounts`);
  }
}
