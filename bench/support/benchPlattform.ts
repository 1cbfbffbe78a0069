import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provideGatewayKeyPairForThisRun } from '@hub/core';
import { migratePlattform, plattformConfigFromEnv, startPlattform } from '@hub/plattform';
import { freshBenchDatabase } from './benchDatabase';

/**
 * plattform in this process on a fresh scratch database, for benches that run it next to an
 * in-process gateway: one key pair for the run signs the gateway's calls, and the process
 * environment points every service at the scratch database, Redis and a temporary data dir.
 */
export async function startBenchPlattform(bench: string, options: { serverUrl: string; database: string; redisUrl: string }) {
  const databaseUrl = await freshBenchDatabase(options.serverUrl, options.database);
  const dataDir = join(tmpdir(), `hub-${bench}-${process.pid}`);
  provideGatewayKeyPairForThisRun();
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: options.redisUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const config = plattformConfigFromEnv();
  await migratePlattform(config);
  const plattform = await startPlattform(config);
  const server = await plattform.listen(0);
  return { plattform, server, dataDir };
}
