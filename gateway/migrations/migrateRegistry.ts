import { migrateDatabase, type DatabaseSettings } from '@hub/core';
import { registryDatabaseSettings } from '../src/registry/registryDatabase';
import { SchemaRegistry1765440000000 } from './1765440000000-SchemaRegistry';

/**
 * Applies the registry's migrations with the kit's migrator (TypeORM). `npm run migrate`, the
 * `schema:*` commands and tests run it; a gateway process never does, so it loads no TypeORM
 * (packages/runtime/README.md). Imported as `@hub/gateway/migrations`.
 */
export async function migrateRegistry(settings: DatabaseSettings = registryDatabaseSettings()): Promise<string[]> {
  return migrateDatabase(settings, [SchemaRegistry1765440000000]);
}
