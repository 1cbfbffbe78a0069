import { Client } from 'pg';
import { createOutboxTable, databaseSettings, eventLogMigration, outboxTraceContextMigration, migrateDatabase, OUTBOX_TABLE, schemaNameFor, type DatabaseSettings } from '@hub/core';
import type { RecoverySettings } from './benchSettings';

/** The resumable bench subgraph's name; its schema (and so its event log's name) is `bench_recovery`. */
export const RECOVERY_SUBGRAPH = 'bench-recovery';

/** `bench_recovery`: also the event log's name in positions (`bench_recovery:<seq>`). */
const RECOVERY_SCHEMA = schemaNameFor(RECOVERY_SUBGRAPH);

/**
 * Schema, roles and URLs as a hub subgraph derives them from DATABASE_URL (here: the bench
 * database), through core's own function rather than a copy of its rules; DATABASE_URL is set only
 * for the call, so nothing else in this process (or the children of other phases) sees it.
 */
export function recoveryDatabaseSettings(adminUrl: string): DatabaseSettings {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = adminUrl;
  try {
    return databaseSettings(RECOVERY_SUBGRAPH);
  } finally {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  }
}

// TypeORM's types as core's helpers use them (typeorm is core's dependency, not the bench's).
type QueryRunner = Parameters<typeof createOutboxTable>[0];
type MigrationInterface = InstanceType<ReturnType<typeof eventLogMigration>>;

/**
 * The outbox every hub subgraph has, created by its first migration. TypeORM orders migrations by
 * the timestamp in their name: this one must sort before core's EventLog1764200000000.
 */
class BenchRecoveryOutbox1764100000000 implements MigrationInterface {
  name = 'BenchRecoveryOutbox1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTable(runner, RECOVERY_SCHEMA);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${RECOVERY_SCHEMA}"."${OUTBOX_TABLE}"`);
  }
}

/** The subgraph's migrations, as a hub lists them: its outbox, then the event log on top of it. */
export const RECOVERY_MIGRATIONS = [BenchRecoveryOutbox1764100000000, eventLogMigration(RECOVERY_SCHEMA), outboxTraceContextMigration(RECOVERY_SCHEMA)];

export interface RecoveryDatabase {
  /** Admin connection to the bench database: what DATABASE_URL is for the subgraph process. */
  adminUrl: string;
  settings: DatabaseSettings;
  /** Outbox rows not yet published (the relay's backlog), read as the admin. */
  unpublished(): Promise<number>;
  /** Drops the database (roles are cluster-wide and shared with concurrent runs: they stay). */
  drop(): Promise<void>;
}

/**
 * A fresh database for the recovery phase on the local PostgreSQL server, migrated with the core
 * kit as a hub subgraph's database is (roles, schema owner, outbox, event log). Fresh every run:
 * a resume point must never meet a log left over from an earlier run.
 */
export async function createRecoveryDatabase(recovery: RecoverySettings): Promise<RecoveryDatabase> {
  // The name goes into DDL unquoted; accept only a plain identifier.
  if (!/^[a-z_][a-z0-9_]*$/.test(recovery.database)) throw new Error(`BENCH_RECOVERY_DATABASE must be a lower-case identifier, got "${recovery.database}"`);
  const server = recovery.postgresServerUrl.replace(/\/+$/, '');
  const maintenance = new Client({ connectionString: `${server}/postgres` });
  await maintenance.connect();
  try {
    await maintenance.query(`DROP DATABASE IF EXISTS ${recovery.database} WITH (FORCE)`);
    await maintenance.query(`CREATE DATABASE ${recovery.database}`);
  } finally {
    await maintenance.end();
  }
  const adminUrl = `${server}/${recovery.database}`;
  const settings = recoveryDatabaseSettings(adminUrl);
  await migrateDatabase(settings, RECOVERY_MIGRATIONS);
  return {
    adminUrl,
    settings,
    unpublished: async () => {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${settings.schema}"."${OUTBOX_TABLE}" WHERE published_at IS NULL`);
        return rows[0]?.n ?? 0;
      } finally {
        await admin.end();
      }
    },
    drop: async () => {
      const cleanup = new Client({ connectionString: `${server}/postgres` });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${recovery.database} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
