import { Client } from 'pg';
import { migrateDatabase, type DatabaseSettings } from '../src';
import { TEST_DATABASE, TEST_PG_SERVER_URL } from '@hub/testkit/testEnvironment';

/**
 * Roles are cluster-wide while the migration lock is per database: services (or jest workers) that
 * migrate different databases of one server at the same moment touch the same roles. Every run must
 * still succeed and leave the roles restricted.
 */
describe('migrateDatabase on several databases of one cluster at once', () => {
  const schema = 'core_role_race';
  const databases = [1, 2, 3, 4].map((n) => `${TEST_DATABASE}_roles${n}`);
  const roles = ['app', 'owner', 'reader', 'operator'].map((suffix) => `${schema}_${suffix}`);
  let server: Client;

  /** Both before (round one must create the roles) and after; the databases that used them are gone. */
  const dropRoles = async () => {
    for (const role of roles) await server.query(`DROP ROLE IF EXISTS "${role}"`);
  };

  const settingsFor = (database: string): DatabaseSettings => {
    const appUrl = new URL(`${TEST_PG_SERVER_URL}/${database}`);
    appUrl.username = `${schema}_app`;
    appUrl.password = 'role-race-password';
    return {
      schema,
      ownerRole: `${schema}_owner`,
      appRole: `${schema}_app`,
      appPassword: 'role-race-password',
      adminUrl: `${TEST_PG_SERVER_URL}/${database}`,
      appUrl: appUrl.toString(),
    };
  };

  beforeAll(async () => {
    server = new Client({ connectionString: `${TEST_PG_SERVER_URL}/postgres` });
    await server.connect();
    for (const database of databases) {
      await server.query(`DROP DATABASE IF EXISTS "${database}"`);
      await server.query(`CREATE DATABASE "${database}"`);
    }
    await dropRoles();
  });

  afterAll(async () => {
    for (const database of databases) await server.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await dropRoles();
    await server.end();
  });

  it('succeeds on every database, round after round, and the app role stays restricted', async () => {
    for (let round = 0; round < 5; round += 1) {
      const runs = await Promise.allSettled(
        databases.map((database) =>
          migrateDatabase(settingsFor(database), [], {
            extraLoginRoles: [`${schema}_reader`],
            operatorRoles: [`${schema}_operator`],
          }),
        ),
      );
      expect(runs.filter((run) => run.status === 'rejected')).toEqual([]);
    }
    const { rows } = await server.query<{ rolname: string; rolcanlogin: boolean; rolsuper: boolean; rolbypassrls: boolean }>(
      'select rolname, rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname like $1 order by rolname',
      [`${schema}_%`],
    );
    expect(rows).toEqual([
      { rolname: `${schema}_app`, rolcanlogin: true, rolsuper: false, rolbypassrls: false },
      { rolname: `${schema}_operator`, rolcanlogin: false, rolsuper: false, rolbypassrls: false },
      { rolname: `${schema}_owner`, rolcanlogin: false, rolsuper: false, rolbypassrls: false },
      { rolname: `${schema}_reader`, rolcanlogin: true, rolsuper: false, rolbypassrls: false },
    ]);
    for (const database of databases) {
      const app = new Client({ connectionString: settingsFor(database).appUrl });
      await app.connect();
      const { rows: who } = await app.query<{ user: string }>('select current_user as user');
      await app.end();
      expect(who[0]!.user).toBe(`${schema}_app`);
    }
  });
});
