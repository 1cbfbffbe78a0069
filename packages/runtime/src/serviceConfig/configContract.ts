import { envOptional, envString } from '../config/env';
import { DEV_APP_PASSWORD } from '../db/databaseSettings';

/**
 * Where service configs live and how they travel (docs/architecture.md, "Service configs"). plattform owns the
 * tables; every other process reads them through a read-only role and follows change events.
 */
export const CONFIG_SCHEMA = 'plattform';
export const CONFIG_TABLE = 'service_configs';
/** Read-only login role: SELECT on `plattform.service_configs`, every tenant, nothing else. */
export const CONFIG_READER_ROLE = 'plattform_config_reader';
/** Outbox event type of a config change; its data is `{ service, key, version }`, never the value. */
export const CONFIG_CHANGED_EVENT = 'plattform.config.changed';

export interface ConfigChangedData {
  service: string;
  key: string;
  version: number;
}

/**
 * Connection for the config reader: CONFIG_DATABASE_URL when given, else DATABASE_URL with the
 * reader role and DB_APP_PASSWORD (the same development default as the subgraph app roles).
 */
export function configReaderUrlFromEnv(): string {
  const explicit = envOptional('CONFIG_DATABASE_URL');
  if (explicit) return explicit;
  const url = new URL(envString('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'));
  url.username = CONFIG_READER_ROLE;
  url.password = envString('DB_APP_PASSWORD', DEV_APP_PASSWORD);
  return url.toString();
}
