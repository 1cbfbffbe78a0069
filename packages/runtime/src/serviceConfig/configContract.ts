import { envOptional, envString } from '../config/env';
import { DEV_APP_PASSWORD } from '../db/databaseSettings';

/**
 * The contract plattform publishes for reading service configs (docs/service-configs.md): a view
 * with exactly the columns readers need, a read-only login role that may SELECT that view and
 * nothing of plattform's tables, and a change event. Readers (ConfigClient, in every process) live
 * here; plattform creates the view and role in its migrations, with these names frozen there.
 * A breaking change to the view is a new version (`service_configs_v2`) next to the old one.
 */
export const CONFIG_SCHEMA = 'plattform';
/** Columns org_id, service, key, value, version; every tenant's rows. */
export const CONFIG_VIEW = 'service_configs_v1';
/** Read-only login role: SELECT on the contract view, nothing else. */
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
