import type { QueryRunner } from 'typeorm';
import { appRoleFor } from '@hub/runtime';
import { CURRENT_ORG_SQL } from '../db/rlsMigrationHelpers';

export const OUTBOX_TABLE = 'outbox';

/** LISTEN/NOTIFY channel that wakes the relay of one subgraph schema. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Creates `<schema>.outbox`. Tenants may only insert their own events; reading and marking rows
 * as published is reserved to the relay, which declares itself with `app.outbox_relay`.
 */
export async function createOutboxTable(runner: QueryRunner, schema: string): Promise<void> {
  const table = `"${schema}"."${OUTBOX_TABLE}"`;
  await runner.query(`
    CREATE TABLE ${table} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      org_id uuid,
      type text NOT NULL,
      source text NOT NULL,
      subject text,
      correlation_id text,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`);
  await runner.query(`CREATE INDEX outbox_unpublished ON ${table} (id) WHERE published_at IS NULL`);
  await runner.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await runner.query(
    `CREATE POLICY tenant_writes ON ${table} FOR INSERT
       WITH CHECK (org_id IS NULL OR org_id = ${CURRENT_ORG_SQL})`,
  );
  await runner.query(
    `CREATE POLICY relay_reads ON ${table} FOR ALL
       USING (current_setting('app.outbox_relay', true) = 'on')
       WITH CHECK (current_setting('app.outbox_relay', true) = 'on')`,
  );
  await runner.query(`GRANT SELECT, INSERT, UPDATE ON ${table} TO "${appRoleFor(schema)}"`);
}
