import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Which jest worker runs this file ('1' in band). Files run in parallel, one per worker; each worker
 * has a database, a Redis and a data directory of its own, so files never share rows, keys or channels.
 */
export const TEST_WORKER = process.env.JEST_WORKER_ID ?? '1';
/** Admin connection of the PostgreSQL the tests use (trust auth on 127.0.0.1 by default). */
export const TEST_PG_SERVER_URL = process.env.TEST_PG_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
/** The run's name; worker N works in `<name>_w<N>` (globalSetup.ts creates them afresh). */
export const TEST_DATABASE_PREFIX = process.env.TEST_DATABASE ?? 'hub_test';
export const workerDatabase = (worker: string | number) => `${TEST_DATABASE_PREFIX}_w${worker}`;
export const TEST_DATABASE = workerDatabase(TEST_WORKER);
export const TEST_DATABASE_URL = `${TEST_PG_SERVER_URL}/${TEST_DATABASE}`;
/** Where globalSetup tells the workers their private redis-servers are (space-separated, worker 1 first). */
export const WORKER_REDIS_URLS_VARIABLE = 'HUB_TEST_WORKER_REDIS_URLS';
/** TEST_REDIS_URL names one Redis for every worker (then run in band); otherwise the worker's own. */
export const TEST_REDIS_URL =
  process.env.TEST_REDIS_URL ??
  process.env[WORKER_REDIS_URLS_VARIABLE]?.split(' ')[Number(TEST_WORKER) - 1] ??
  'redis://127.0.0.1:6379';
export const TEST_DATA_DIR = join(process.env.TEST_DATA_DIR ?? join(tmpdir(), 'hub-graph-test-data'), `w${TEST_WORKER}`);
