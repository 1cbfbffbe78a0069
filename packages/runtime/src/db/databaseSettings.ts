import { envOptional, envString } from '../config/env';

/** Default admin connection for a local PostgreSQL (trust auth); the dev stack overrides it. */
const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Development-only password for the restricted runtime roles; set DB_APP_PASSWORD in production. */
export const DEV_APP_PASSWORD = 'hub-dev-app-password';

export interface DatabaseSettings {
  /** PostgreSQL schema that holds this subgraph's tables. */
  schema: string;
  /** Owns the schema and its tables; migrations run as this role. Cannot log in. */
  ownerRole: string;
  /** Restricted runtime role: not superuser, not owner, NOBYPASSRLS. */
  appRole: string;
  appPassword: string;
  /** Connection with the rights to create roles and schemas (migrations only). */
  adminUrl: string;
  /** Connection the running service uses (as appRole). */
  appUrl: string;
}

/** `risk-hub` → `risk_hub`: a valid, unquoted PostgreSQL identifier. */
export function schemaNameFor(subgraph: string): string {
  const schema = subgraph.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Cannot derive a schema name from "${subgraph}"`);
  return schema;
}

export function appRoleFor(schema: string): string {
  return `${schema}_app`;
}

export function ownerRoleFor(schema: string): string {
  return `${schema}_owner`;
}

/**
 * DATABASE_URL is the admin connection used by migrations. The runtime connects as the
 * subgraph's own restricted role: DATABASE_APP_URL when given, else DATABASE_URL with the
 * user and password swapped for `<schema>_app` / DB_APP_PASSWORD.
 */
export function databaseSettings(subgraph: string): DatabaseSettings {
  const schema = schemaNameFor(subgraph);
  const adminUrl = envString('DATABASE_URL', LOCAL_ADMIN_URL);
  const appRole = appRoleFor(schema);
  const appPassword = envString('DB_APP_PASSWORD', DEV_APP_PASSWORD);
  const explicitAppUrl = envOptional('DATABASE_APP_URL');
  let appUrl = explicitAppUrl;
  if (!appUrl) {
    const url = new URL(adminUrl);
    url.username = appRole;
    url.password = appPassword;
    appUrl = url.toString();
  }
  return { schema, ownerRole: ownerRoleFor(schema), appRole, appPassword, adminUrl, appUrl };
}
