import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleFor } from '@hub/runtime';
import { CURRENT_ORG_SQL } from '../db/rlsMigrationHelpers';
import { OUTBOX_TABLE } from './outboxTable';

export const OUTBOX_SEQUENCE = 'outbox_seq';
export const OUTBOX_PRUNED_TABLE = 'outbox_pruned';

/**
 * Makes `<schema>.outbox` an event log subscribers can resume from:
 * - `seq`: assigned by the relay when it publishes (never at insert, where commit order is
 *   unknown), from one counter per schema; rows published before this migration keep NULL.
 * - `outbox_pruned`: per stream (an organization id, or `global`) the highest sequence the
 *   retention job deleted, so a resume point older than the retained log is detected.
 * - Tenants may read their own numbered rows, and global ones of types a replay names (replay
 *   runs as the subscriber).
 */
export async function addOutboxSequencing(runner: QueryRunner, schema: string): Promise<void> {
  const table = `"${schema}"."${OUTBOX_TABLE}"`;
  const pruned = `"${schema}"."${OUTBOX_PRUNED_TABLE}"`;
  const appRole = appRoleFor(schema);
  await runner.query(`CREATE SEQUENCE "${schema}"."${OUTBOX_SEQUENCE}" AS bigint`);
  await runner.query(`ALTER TABLE ${table} ADD COLUMN seq bigint UNIQUE`);
  await runner.query(`CREATE INDEX outbox_replay ON ${table} (org_id, seq) WHERE seq IS NOT NULL`);
  await runner.query(`CREATE INDEX outbox_published_at ON ${table} (published_at) WHERE published_at IS NOT NULL`);
  // Global rows (no organization) are visible only to a replay that names their types in
  // `app.replay_global_types` (e.g. config changes every tenant follows): plattform's global rows
  // also hold sign-up and session events no tenant may read.
  await runner.query(
    `CREATE POLICY tenant_replay ON ${table} FOR SELECT
       USING (seq IS NOT NULL AND ${CURRENT_ORG_SQL} IS NOT NULL AND (
         org_id = ${CURRENT_ORG_SQL}
         OR (org_id IS NULL AND type = ANY (string_to_array(nullif(current_setting('app.replay_global_types', true), ''), ',')))))`,
  );
  await runner.query(`GRANT DELETE ON ${table} TO "${appRole}"`);
  await runner.query(`GRANT USAGE, SELECT, UPDATE ON SEQUENCE "${schema}"."${OUTBOX_SEQUENCE}" TO "${appRole}"`);

  await runner.query(`CREATE TABLE ${pruned} (stream text PRIMARY KEY, pruned_through bigint NOT NULL)`);
  await runner.query(`ALTER TABLE ${pruned} ENABLE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE ${pruned} FORCE ROW LEVEL SECURITY`);
  await runner.query(
    `CREATE POLICY tenant_reads ON ${pruned} FOR SELECT
       USING (stream = 'global' OR stream = ${CURRENT_ORG_SQL}::text)`,
  );
  await runner.query(
    `CREATE POLICY relay_writes ON ${pruned} FOR ALL
       USING (current_setting('app.outbox_relay', true) = 'on')
       WITH CHECK (current_setting('app.outbox_relay', true) = 'on')`,
  );
  await runner.query(`GRANT SELECT, INSERT, UPDATE ON ${pruned} TO "${appRole}"`);
}

/** Down migration of addOutboxSequencing. */
export async function removeOutboxSequencing(runner: QueryRunner, schema: string): Promise<void> {
  await runner.query(`DROP TABLE "${schema}"."${OUTBOX_PRUNED_TABLE}"`);
  await runner.query(`DROP POLICY tenant_replay ON "${schema}"."${OUTBOX_TABLE}"`);
  await runner.query(`ALTER TABLE "${schema}"."${OUTBOX_TABLE}" DROP COLUMN seq`);
  await runner.query(`DROP SEQUENCE "${schema}"."${OUTBOX_SEQUENCE}"`);
}

/**
 * The migration that turns a subgraph's outbox into an event log. Every hub subgraph lists it
 * after the migration that created its outbox (each schema keeps its own migrations table).
 */
export function eventLogMigration(schema: string): new () => MigrationInterface {
  return class EventLog1764200000000 implements MigrationInterface {
    name = 'EventLog1764200000000';

    async up(runner: QueryRunner): Promise<void> {
      await addOutboxSequencing(runner, schema);
    }

    async down(runner: QueryRunner): Promise<void> {
      await removeOutboxSequencing(runner, schema);
    }
  };
}
