import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { envInt, envString } from '@hub/core';
import { migratePlattform, plattformConfigFromEnv, startPlattform } from '@hub/plattform';
import { startTsProcess } from '../../test/support/childProcess';
import { subscribeSse } from '../../test/support/sseSubscription';

/**
 * Config hot-reload latency (ARCHITECTURE.md §5): from the commit of a setConfig transaction to
 * (a) a GraphQL subscriber of `configChanged` and (b) a ConfigClient in another process.
 * Changes are made one at a time, so this measures latency, not throughput. Loopback only.
 */
const CHANGES = envInt('BENCH_CONFIG_CHANGES', 1000);
const SERVER = envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432');
const DATABASE = 'hub_bench_config';
const REDIS_URL = envString('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');
const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(name: string, samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const result = { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  console.log(
    `${name}: n=${samples.length} p50=${result.p50.toFixed(2)} ms p99=${result.p99.toFixed(2)} ms max=${sorted.at(-1)!.toFixed(2)} ms`,
  );
  return result;
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const dataDir = join(tmpdir(), `hub-bench-config-${process.pid}`);
  Object.assign(process.env, { DATABASE_URL: `${SERVER}/${DATABASE}`, REDIS_URL, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

  const config = plattformConfigFromEnv();
  await migratePlattform(config);
  const plattform = await startPlattform(config);
  const server = await plattform.listen(0);
  const service = `bench-${randomUUID().slice(0, 8)}`;
  const account = await plattform.services.accounts.signUp({
    email: `bench-${randomUUID()}@example.test`,
    password: 'benchmark password 1',
    displayName: 'Bench',
    organizationName: 'Bench Org',
  });
  const follower = startTsProcess('bench/config/configFollower.ts', { BENCH_SERVICE: service });
  await follower.waitFor(/^ready$/);
  const subscriber = await subscribeSse<{ configChanged: { version: number } }>(
    `${server.url}/graphql`,
    'subscription($s: String) { configChanged(service: $s) { version value } }',
    { s: service },
    account.session.access.token,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));

  const toSubscriber: number[] = [];
  const toClient: number[] = [];
  const scope = { orgId: account.organization.id, userId: account.user.id };
  console.log(`config hot reload: ${CHANGES} changes, one at a time, plattform + subscriber in this process, config client in another`);
  for (let version = 1; version <= CHANGES; version += 1) {
    await plattform.database.run(scope, (unit) =>
      plattform.services.configs.set(unit, { service, key: 'threshold', value: version, reason: 'bench' }, 'organization'),
    );
    const committedAt = now();
    const event = await subscriber.next(5000);
    const deliveredAt = now();
    if (event.data?.configChanged.version !== version) throw new Error(`subscriber got ${JSON.stringify(event)} for ${version}`);
    toSubscriber.push(deliveredAt - committedAt);
    const applied = await follower.waitFor(new RegExp(`^applied ${version} (\\S+)$`), 5000);
    toClient.push(Number(applied[1]) - committedAt);
  }

  const subscriberStats = summary('subscriber (configChanged over SSE: outbox relay, Redis, value read from history)', toSubscriber);
  const clientStats = summary('config client (other process, Redis event + value fetch)', toClient);
  subscriber.close();
  await follower.stop();
  await plattform.stop();
  await rm(dataDir, { recursive: true, force: true });
  // The gateway does not carry subscriptions yet (issue 5): the subscriber attaches to plattform directly.
  console.log(
    `config hot reload p99: ${subscriberStats.p99.toFixed(2)} ms (subscriber on the subgraph; gateway subscriptions pending), ${clientStats.p99.toFixed(2)} ms (config client)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
