import { Client } from 'pg';

/** Drops and creates a scratch database for one bench run; returns its URL. */
export async function freshBenchDatabase(serverUrl: string, database: string): Promise<string> {
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}/${database}`;
}

/** Ends the process with exit code 2 if the bench runs longer than `ms` (benches stop by themselves). */
export function exitAfter(bench: string, ms: number): void {
  const limit = setTimeout(() => {
    console.error(`${bench} exceeded ${ms} ms; aborting`);
    process.exit(2);
  }, ms);
  limit.unref();
}
