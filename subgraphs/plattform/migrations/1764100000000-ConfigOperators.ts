import { OUTBOX_TABLE } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CONFIG_OPERATOR_ROLE } from '../src/configs/configOperatorRole';

const SCHEMA = 'plattform';
const setting = (name: string) => `nullif(current_setting('app.${name}', true), '')`;
/** An operator's recorded identity: a login or role name, e.g. `jdoe`, `ops/jdoe`, `jdoe@example.com`. */
const OPERATOR_NAME = `'^[A-Za-z0-9][A-Za-z0-9._@+:/-]{0,99}$'`;

/**
 * Global configs become an operator's business. Until now the app role could write them by
 * setting `app.config_global`, so a bug in a tenant request path was all it took; now only the
 * NOLOGIN role `plattform_config_operator` (created by migratePlattform, assumed by the admin
 * connection of the operator command) has a write policy for rows with `org_id` NULL. Operator
 * changes name the operator in the history (they are no user of the graph, so `actor` stays NULL).
 */
export class ConfigOperators1764100000000 implements MigrationInterface {
  name = 'ConfigOperators1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    const role = `"${CONFIG_OPERATOR_ROLE}"`;
    await runner.query(`DROP POLICY global_write ON "${SCHEMA}".service_configs`);
    await runner.query(`DROP POLICY global_write ON "${SCHEMA}".config_history`);
    await runner.query(
      `CREATE POLICY operator_global_write ON "${SCHEMA}".service_configs TO ${role}
         USING (org_id IS NULL) WITH CHECK (org_id IS NULL)`,
    );
    await runner.query(
      `CREATE POLICY operator_global_write ON "${SCHEMA}".config_history FOR INSERT TO ${role}
         WITH CHECK (org_id IS NULL)`,
    );

    await runner.query(
      `ALTER TABLE "${SCHEMA}".service_configs ADD COLUMN updated_by_operator text CHECK (updated_by_operator ~ ${OPERATOR_NAME})`,
    );
    await runner.query(`
      ALTER TABLE "${SCHEMA}".config_history
        ADD COLUMN operator text CHECK (operator ~ ${OPERATOR_NAME}),
        ADD CONSTRAINT config_history_one_actor CHECK (actor IS NULL OR operator IS NULL)`);

    // Exactly what ConfigService.set needs, nothing else: no tenant table, no DELETE anywhere.
    await runner.query(`GRANT USAGE ON SCHEMA "${SCHEMA}" TO ${role}`);
    await runner.query(`GRANT SELECT, INSERT, UPDATE ON "${SCHEMA}".service_configs TO ${role}`);
    await runner.query(`GRANT SELECT, INSERT ON "${SCHEMA}".config_history TO ${role}`);
    // The change event goes through the outbox like every other; a running plattform relays it.
    await runner.query(`GRANT INSERT ON "${SCHEMA}"."${OUTBOX_TABLE}" TO ${role}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const role = `"${CONFIG_OPERATOR_ROLE}"`;
    await runner.query(`REVOKE ALL ON "${SCHEMA}"."${OUTBOX_TABLE}", "${SCHEMA}".config_history, "${SCHEMA}".service_configs FROM ${role}`);
    await runner.query(`REVOKE USAGE ON SCHEMA "${SCHEMA}" FROM ${role}`);
    await runner.query(`ALTER TABLE "${SCHEMA}".config_history DROP CONSTRAINT config_history_one_actor, DROP COLUMN operator`);
    await runner.query(`ALTER TABLE "${SCHEMA}".service_configs DROP COLUMN updated_by_operator`);
    await runner.query(`DROP POLICY operator_global_write ON "${SCHEMA}".config_history`);
    await runner.query(`DROP POLICY operator_global_write ON "${SCHEMA}".service_configs`);
    await runner.query(
      `CREATE POLICY global_write ON "${SCHEMA}".service_configs
         USING (org_id IS NULL AND ${setting('config_global')} = 'on')
         WITH CHECK (org_id IS NULL AND ${setting('config_global')} = 'on')`,
    );
    await runner.query(
      `CREATE POLICY global_write ON "${SCHEMA}".config_history FOR INSERT
         WITH CHECK (org_id IS NULL AND ${setting('config_global')} = 'on')`,
    );
  }
}
