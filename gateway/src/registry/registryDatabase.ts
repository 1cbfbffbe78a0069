import { databaseSettings, type DatabaseSettings } from '@hub/runtime';
import { Pool } from 'pg';

/** The registry's tables live in the schema `schema_registry` of the hub database. */
export const REGISTRY_SCHEMA = 'schema_registry';

/**
 * Admin URL (DATABASE_URL) for migrations, restricted `schema_registry_app` role for the work. The
 * migration itself is `migrateRegistry` (`@hub/gateway/migrations`), run by the scripts and tests.
 */
export function registryDatabaseSettings(): DatabaseSettings {
  return databaseSettings(REGISTRY_SCHEMA);
}

/** A small pool as the restricted role; the registry and usage recording need few connections. */
export function registryPool(url: string, max = 2): Pool {
  return new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
}
