import type { Config } from '@jest/types';
import { Client } from 'pg';
import { RedisServer } from './redisServer';
import { TEST_PG_SERVER_URL, WORKER_REDIS_URLS_VARIABLE, workerDatabase } from './testEnvironment';

/** The redis-servers of this run, for globalTeardown (jest shares globals between the two only). */
declare global {
  var hubTestRedisServers: RedisServer[] | undefined;
}

/**
 * Per jest worker a fresh database (roles are cluster-wide and reused by the migrations) and, unless
 * TEST_REDIS_URL names a shared one, a private memory-only redis-server: workers run files in
 * parallel, and Redis pub/sub channels are server-wide whatever the database index.
 */
export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const workers = Math.max(1, globalConfig.maxWorkers);
  const admin = new Client({ connectionString: `${TEST_PG_SERVER_URL}/postgres` });
  await admin.connect();
  try {
    for (let worker = 1; worker <= workers; worker += 1) {
      await admin.query(`DROP DATABASE IF EXISTS ${workerDatabase(worker)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${workerDatabase(worker)}`);
    }
  } finally {
    await admin.end();
  }
  if (process.env.TEST_REDIS_URL) return;
  const servers = await Promise.all(Array.from({ length: workers }, () => RedisServer.start()));
  globalThis.hubTestRedisServers = servers;
  // Workers start after globalSetup and inherit this environment.
  process.env[WORKER_REDIS_URLS_VARIABLE] = servers.map((server) => server.url).join(' ');
}
