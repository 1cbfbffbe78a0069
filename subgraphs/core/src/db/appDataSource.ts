import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { DatabaseSettings } from '@hub/runtime';

export interface AppDataSourceOptions {
  // TypeORM's own type for entity classes
  entities: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
}

/** The runtime connection pool: restricted role, subgraph schema on the search path, never synchronize. */
export async function openAppDataSource(settings: DatabaseSettings, options: AppDataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: settings.appUrl,
    schema: settings.schema,
    entities: options.entities,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: options.poolSize ?? 10, options: `-c search_path=${settings.schema}` },
  });
  await dataSource.initialize();
  return dataSource;
}
