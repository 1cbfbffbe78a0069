import type { QueryRunner } from 'typeorm';
import { appRoleFor } from '@hub/runtime';

/**
 * Building blocks for subgraph migrations, so every hub declares tenancy the same way.
 * All statements are idempotent-free DDL meant to run once inside a TypeORM migration.
 */

/** SQL for the organization the current transaction acts for (NULL when unset). */
export const CURRENT_ORG_SQL = `nullif(current_setting('app.current_org', true), '')::uuid`;
/** SQL for the user the current transaction acts for (NULL when unset). */
export const CURRENT_USER_SQL = `nullif(current_setting('app.current_user', true), '')::uuid`;

/**
 * Turns on FORCE ROW LEVEL SECURITY with one policy that limits every command to rows of the
 * current organization. Extra policies (e.g. self-access) can be added by the migration.
 */
export async function enableTenantIsolation(
  runner: QueryRunner,
  schema: string,
  table: string,
  orgColumn = 'org_id',
): Promise<void> {
  await runner.query(`ALTER TABLE "${schema}"."${table}" ENABLE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE "${schema}"."${table}" FORCE ROW LEVEL SECURITY`);
  await runner.query(
    `CREATE POLICY tenant_isolation ON "${schema}"."${table}"
       USING ("${orgColumn}" = ${CURRENT_ORG_SQL})
       WITH CHECK ("${orgColumn}" = ${CURRENT_ORG_SQL})`,
  );
}

/** Grants the restricted runtime role exactly the listed privileges on one table. */
export async function grantToApp(
  runner: QueryRunner,
  schema: string,
  table: string,
  privileges: ReadonlyArray<'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE'>,
): Promise<void> {
  await runner.query(`GRANT ${privileges.join(', ')} ON "${schema}"."${table}" TO "${appRoleFor(schema)}"`);
}

/** Makes a table append-only in the database itself: UPDATE and DELETE raise, for every role. */
export async function makeAppendOnly(runner: QueryRunner, schema: string, table: string): Promise<void> {
  await runner.query(
    `CREATE OR REPLACE FUNCTION "${schema}".refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'table %.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
     END $$`,
  );
  await runner.query(
    `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON "${schema}"."${table}"
       FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_change()`,
  );
  await runner.query(
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON "${schema}"."${table}"
       FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".refuse_change()`,
  );
}
