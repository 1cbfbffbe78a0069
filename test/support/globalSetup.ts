import { Client } from 'pg';
import { TEST_DATABASE, TEST_PG_SERVER_URL } from './testEnvironment';

/** A fresh test database per run; roles are cluster-wide and reused by the migrations. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: `${TEST_PG_SERVER_URL}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEST_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
  } finally {
    await admin.end();
  }
}
