import { OutboxWriter, TenantDatabase, type DatabaseSettings } from '@hub/core';
import { DataSource } from 'typeorm';
import { SUBGRAPH_NAME } from '../config';
import { CONFIG_OPERATOR_ROLE } from '../configs/configOperatorRole';

export interface OperatorDatabase {
  database: TenantDatabase;
  close(): Promise<void>;
}

/**
 * The operator's connection: the admin credential (DATABASE_URL) proves who may act as an
 * operator, and every statement then runs as the NOLOGIN `plattform_config_operator` role, so the
 * write is held to that role's grants and the tables' row-level security like any other, not to
 * a superuser's. Events go to plattform's outbox, which running plattform processes relay.
 */
export async function openOperatorDatabase(settings: DatabaseSettings): Promise<OperatorDatabase> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: settings.adminUrl,
    schema: settings.schema,
    entities: [],
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 1, options: `-c role=${CONFIG_OPERATOR_ROLE} -c search_path=${settings.schema}` },
  });
  await dataSource.initialize();
  return {
    database: new TenantDatabase(dataSource, new OutboxWriter(settings.schema, `hub.${SUBGRAPH_NAME}`)),
    close: () => dataSource.destroy(),
  };
}
