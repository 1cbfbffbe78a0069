import { appRoleFor } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CONFIG_OPERATOR_ROLE } from '../src/configs/configOperatorRole';

const SCHEMA = 'plattform';
/** The operator-owned configs as of this migration (src/configs/operatorOwnedConfigs.ts). */
const OPERATOR_OWNED = `(service, key) IN (('gateway', 'rateLimitCeiling'))`;

/**
 * Some tenant rows belong to the operators: the rate limit ceiling of an organization. Restrictive
 * policies keep plattform's app role (every graph request) from writing them, whatever a bug in
 * the service lets through, and keep the operator role to exactly those rows among the tenants'
 * (its global rows stay as they were). The operator writes an organization's row under that
 * organization's `app.current_org`, so the tenant_rows policy is what admits it at all.
 */
export class OperatorOwnedConfigs1765100000000 implements MigrationInterface {
  name = 'OperatorOwnedConfigs1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    const app = `"${appRoleFor(SCHEMA)}"`;
    const operator = `"${CONFIG_OPERATOR_ROLE}"`;
    for (const table of ['service_configs', 'config_history']) {
      await runner.query(
        `CREATE POLICY app_not_operator_owned ON "${SCHEMA}".${table} AS RESTRICTIVE FOR INSERT TO ${app}
           WITH CHECK (NOT ${OPERATOR_OWNED})`,
      );
      await runner.query(
        `CREATE POLICY operator_owned_only ON "${SCHEMA}".${table} AS RESTRICTIVE FOR INSERT TO ${operator}
           WITH CHECK (org_id IS NULL OR ${OPERATOR_OWNED})`,
      );
    }
    await runner.query(
      `CREATE POLICY app_not_operator_owned_update ON "${SCHEMA}".service_configs AS RESTRICTIVE FOR UPDATE TO ${app}
         USING (NOT ${OPERATOR_OWNED}) WITH CHECK (NOT ${OPERATOR_OWNED})`,
    );
    await runner.query(
      `CREATE POLICY operator_owned_only_update ON "${SCHEMA}".service_configs AS RESTRICTIVE FOR UPDATE TO ${operator}
         USING (org_id IS NULL OR ${OPERATOR_OWNED}) WITH CHECK (org_id IS NULL OR ${OPERATOR_OWNED})`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP POLICY operator_owned_only_update ON "${SCHEMA}".service_configs`);
    await runner.query(`DROP POLICY app_not_operator_owned_update ON "${SCHEMA}".service_configs`);
    for (const table of ['config_history', 'service_configs']) {
      await runner.query(`DROP POLICY operator_owned_only ON "${SCHEMA}".${table}`);
      await runner.query(`DROP POLICY app_not_operator_owned ON "${SCHEMA}".${table}`);
    }
  }
}
