import { appRoleFor } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'schema_registry';

/**
 * The schema registry's history (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, and
 * the runtime role may only read and add) and the field usage the gateways record per day.
 */
export class SchemaRegistry1765440000000 implements MigrationInterface {
  name = 'SchemaRegistry1765440000000';

  async up(runner: QueryRunner): Promise<void> {
    const app = appRoleFor(SCHEMA);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".versions (
        version integer PRIMARY KEY CHECK (version > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        author text NOT NULL CHECK (length(author) BETWEEN 1 AND 200),
        action text NOT NULL CHECK (action IN ('publish', 'rollback')),
        subgraph text,
        routing_url text,
        subgraphs jsonb NOT NULL,
        supergraph_sdl text NOT NULL,
        changes jsonb NOT NULL DEFAULT '[]',
        forced boolean NOT NULL DEFAULT false,
        force_reason text,
        restored_version integer REFERENCES "${SCHEMA}".versions (version),
        CHECK (NOT forced OR length(force_reason) > 0),
        CHECK ((action = 'rollback') = (restored_version IS NOT NULL))
      )`);
    await runner.query(`
      CREATE FUNCTION "${SCHEMA}".refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'schema registry history is append-only';
      END $$`);
    await runner.query(`
      CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON "${SCHEMA}".versions
      FOR EACH ROW EXECUTE FUNCTION "${SCHEMA}".refuse_history_change()`);
    await runner.query(`
      CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON "${SCHEMA}".versions
      FOR EACH STATEMENT EXECUTE FUNCTION "${SCHEMA}".refuse_history_change()`);
    await runner.query(`
      CREATE TABLE "${SCHEMA}".field_usage (
        day date NOT NULL,
        coordinate text NOT NULL,
        operation_hash text NOT NULL,
        operation_name text NOT NULL,
        client_name text NOT NULL,
        client_version text NOT NULL,
        count bigint NOT NULL CHECK (count > 0),
        PRIMARY KEY (coordinate, day, operation_hash, client_name, client_version)
      )`);
    await runner.query(`CREATE INDEX field_usage_day ON "${SCHEMA}".field_usage (day)`);
    await runner.query(`GRANT SELECT, INSERT ON "${SCHEMA}".versions TO "${app}"`);
    await runner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "${SCHEMA}".field_usage TO "${app}"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "${SCHEMA}".field_usage`);
    await runner.query(`DROP TABLE "${SCHEMA}".versions`);
    await runner.query(`DROP FUNCTION "${SCHEMA}".refuse_history_change()`);
  }
}
