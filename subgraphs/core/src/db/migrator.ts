import { Client } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import type { DatabaseSettings } from '@hub/runtime';

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Serializes concurrent migrate runs (several replicas or test files starting at once). */
const MIGRATION_LOCK_KEY = 4_711_2024;

/**
 * Prepares roles and schema with the admin connection, then runs the subgraph's TypeORM
 * migrations as the schema owner. Runtime code never uses the admin connection.
 */
export async function migrateDatabase(
  settings: DatabaseSettings,
  // eslint-style `Function` is what TypeORM accepts for migration classes
  migrations: MixedList<Function | string>,
  options: {
    /**
     * Further restricted login roles the migrations grant narrow rights to (e.g. a read-only
     * role other services use). Created before the migrations run, with the app password.
     */
    extraLoginRoles?: readonly string[];
    /**
     * NOLOGIN roles for operator tasks (e.g. writing global settings). Nobody logs in as them:
     * the admin connection assumes one with SET ROLE, so holding the admin credential is what
     * makes someone an operator, while the work itself runs under that role's narrow grants and
     * the tables' row-level security. Granted to the admin so that SET ROLE works for a
     * non-superuser admin too.
     */
    operatorRoles?: readonly string[];
  } = {},
): Promise<string[]> {
  const admin = new Client({ connectionString: settings.adminUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await withRoleRaceRetries(() => prepareRoles(admin, settings, options));
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${settings.schema}" AUTHORIZATION "${settings.ownerRole}"`);
    await admin.query(`GRANT USAGE ON SCHEMA "${settings.schema}" TO "${settings.appRole}"`);
    const { rows: db } = await admin.query<{ name: string }>('select current_database() as name');
    for (const role of [settings.appRole, ...(options.extraLoginRoles ?? [])]) {
      await admin.query(`GRANT CONNECT ON DATABASE "${db[0]!.name}" TO "${role}"`);
    }

    const owner = new DataSource({
      type: 'postgres',
      url: settings.adminUrl,
      schema: settings.schema,
      migrations,
      migrationsTableName: 'typeorm_migrations',
      migrationsTransactionMode: 'each',
      // Every DDL statement runs as the owner, so tables belong to the owner, not to the admin.
      extra: { options: `-c role=${settings.ownerRole} -c search_path=${settings.schema}` },
      logging: false,
    });
    await owner.initialize();
    try {
      const applied = await owner.runMigrations();
      return applied.map((migration) => migration.name);
    } finally {
      await owner.destroy();
    }
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await admin.end();
  }
}

type RoleOptions = { extraLoginRoles?: readonly string[]; operatorRoles?: readonly string[] };

/**
 * Creates or updates the subgraph's roles and the admin's membership in them. Roles belong to the
 * whole cluster, not to one database, so the database-scoped advisory lock does not serialize this
 * part between databases of one cluster (one test database per jest worker, or two services'
 * databases on one server).
 */
async function prepareRoles(admin: Client, settings: DatabaseSettings, options: RoleOptions): Promise<void> {
  const { rows } = await admin.query<{ rolname: string }>('select rolname from pg_roles where rolname = any($1)', [
    [settings.ownerRole, settings.appRole, ...(options.extraLoginRoles ?? []), ...(options.operatorRoles ?? [])],
  ]);
  const existing = new Set(rows.map((row) => row.rolname));
  if (!existing.has(settings.ownerRole)) await admin.query(`CREATE ROLE "${settings.ownerRole}" NOLOGIN`);
  const appAttributes = `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${quoteLiteral(settings.appPassword)}`;
  for (const role of [settings.appRole, ...(options.extraLoginRoles ?? [])]) {
    await admin.query(existing.has(role) ? `ALTER ROLE "${role}" ${appAttributes}` : `CREATE ROLE "${role}" ${appAttributes}`);
  }
  for (const role of options.operatorRoles ?? []) {
    const attributes = 'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE';
    await admin.query(existing.has(role) ? `ALTER ROLE "${role}" ${attributes}` : `CREATE ROLE "${role}" ${attributes}`);
    await admin.query(`GRANT "${role}" TO current_user`);
  }
  await admin.query(`GRANT "${settings.ownerRole}" TO current_user`);
}

/**
 * PostgreSQL reports two sessions changing the same role at once as "tuple concurrently updated"
 * (XX000) or, for two CREATE ROLE, as a duplicate (42710, or 23505 on pg_authid's name index). The
 * role statements are idempotent, so the loser re-reads the roles and runs them again.
 */
function isRoleRace(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === '42710' || code === '23505') return true;
  return code === 'XX000' && typeof message === 'string' && message.includes('concurrently updated');
}

async function withRoleRaceRetries(prepare: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await prepare();
    } catch (error) {
      if (!isRoleRace(error) || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
    }
  }
}
