import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Admin connection of the PostgreSQL the tests use (trust auth on 127.0.0.1 by default). */
export const TEST_PG_SERVER_URL = process.env.TEST_PG_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_DATABASE = process.env.TEST_DATABASE ?? 'hub_test';
export const TEST_DATABASE_URL = `${TEST_PG_SERVER_URL}/${TEST_DATABASE}`;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_DATA_DIR = process.env.TEST_DATA_DIR ?? join(tmpdir(), 'hub-graph-test-data');
