import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provideGatewayKeyPairForThisRun } from '@hub/core';
import { plattformConfigFromEnv } from '@hub/plattform';
import { startSubgraphs } from '@hub/stack';
import { freshBenchDatabase } from './benchDatabase';

/**
 * plattform in this process on a fresh scratch database, for benches that run it next to an
 * in-process gateway: one key pair for the run signs the gateway's calls, and the process
 * environment points every service at the scratch database, Redis and a temporary data dir.
 * `routing` and `jwksUrl` are what @hub/stack's startGateway needs to put a gateway in front.
 */
export async function startBenchPlattform(bench: string, options: { serverUrl: string; database: string; redisUrl: string }) {
  const databaseUrl = await freshBenchDatabase(options.serverUrl, options.database);
  const dataDir = join(tmpdir(), `hub-${bench}-${process.pid}`);
  provideGatewayKeyPairForThisRun();
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: options.redisUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const { plattform, plattformServer: server, routing, jwksUrl } = await startSubgraphs({ plattform: plattformConfigFromEnv() });
  return { plattform, server, routing, jwksUrl, dataDir };
}
