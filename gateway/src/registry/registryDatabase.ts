import { databaseSettings, migrateDatabase, type DatabaseSettings } from '@hub/core';
import { Pool } from 'pg';
import { SchemaRegistry1765440000000 } from '../../migrations/1765440000000-SchemaRegistry';

/** The registry's tables live in the schema `schema_registry` of the hub database. */
export const REGISTRY_SCHEMA = 'schema_registry';

/** Admin URL (DATABASE_URL) for migrations, restricted `schema_registry_app` role for the work. */
export function registryDatabaseSettings(): DatabaseSettings {
  return databaseSettings(REGISTRY_SCHEMA);
}

export async function migrateRegistry(settings: DatabaseSettings = registryDatabaseSettings()): Promise<string[]> {
  return migrateDatabase(settings, [SchemaRegistry1765440000000]);
}

/** A small pool as the restricted role; the registry and usage recording need few connections. */
export function registryPool(url: string, max = 2): Pool {
  return new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
}
