import { CONFIG_READER_ROLE, ownerRoleFor } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';
/** The contract view's name (CONFIG_VIEW of @hub/runtime), frozen here: a later version gets its own view. */
const VIEW = 'service_configs_v1';

/**
 * Other processes read service configs through a published view, not plattform's table: the reader
 * role may SELECT the view and loses its rights on the table, so the table can change shape behind
 * the view. The view runs with its owner's rights (this schema's owner); since the table forces
 * row-level security on its owner too, a policy lets the owner, and so the view, read every row.
 */
export class ServiceConfigsContract1765500000000 implements MigrationInterface {
  name = 'ServiceConfigsContract1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    const owner = `"${ownerRoleFor(SCHEMA)}"`;
    const reader = `"${CONFIG_READER_ROLE}"`;
    await runner.query(`CREATE VIEW "${SCHEMA}".${VIEW} AS SELECT org_id, service, key, value, version FROM "${SCHEMA}".service_configs`);
    await runner.query(`CREATE POLICY contract_view ON "${SCHEMA}".service_configs FOR SELECT TO ${owner} USING (true)`);
    await runner.query(`GRANT SELECT ON "${SCHEMA}".${VIEW} TO ${reader}`);
    await runner.query(`REVOKE ALL ON "${SCHEMA}".service_configs FROM ${reader}`);
    await runner.query(`DROP POLICY config_reader ON "${SCHEMA}".service_configs`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const reader = `"${CONFIG_READER_ROLE}"`;
    await runner.query(`CREATE POLICY config_reader ON "${SCHEMA}".service_configs FOR SELECT TO ${reader} USING (true)`);
    await runner.query(`GRANT SELECT ON "${SCHEMA}".service_configs TO ${reader}`);
    await runner.query(`DROP POLICY contract_view ON "${SCHEMA}".service_configs`);
    await runner.query(`DROP VIEW "${SCHEMA}".${VIEW}`);
  }
}
