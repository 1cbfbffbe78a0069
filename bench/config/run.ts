import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import Redis from 'ioredis';
import { channelFor, CONFIG_CHANGED_EVENT, createLogger, envInt, envString } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { startGateway } from '@hub/stack';
import { startTsProcess } from '@hub/testkit/childProcess';
import { startBenchPlattform } from '../support/benchPlattform';
import { WsConnection } from '@hub/testkit/wsSubscription';

/**
 * Config hot-reload latency (docs/architecture.md, "Service configs"): from the commit of a setConfig transaction to
 * (a) a GraphQL subscriber of `configChanged` connected to the GATEWAY over graphql-ws (outbox
 * relay → Redis → plattform's subscription → pooled upstream WebSocket → gateway → client) and
 * (b) a ConfigClient in another process. Changes are made one at a time, so this measures
 * latency, not throughput. Loopback only.
 */
const CHANGES = envInt('BENCH_CONFIG_CHANGES', 1000);
const SERVER = envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432');
// Overridable so concurrent runs (e.g. several worktrees on one server) do not drop each other's database.
const DATABASE = envString('BENCH_CONFIG_DATABASE', 'hub_bench_config');
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
  const { plattform, routing, jwksUrl, dataDir } = await startBenchPlattform('bench-config', { serverUrl: SERVER, database: DATABASE, redisUrl: REDIS_URL });
  const service = `bench-${randomUUID().slice(0, 8)}`;
  const account = await plattform.services.signUps.signUp({
    email: `bench-${randomUUID()}@example.test`,
    password: 'benchmark password 1',
    displayName: 'Bench',
    organizationName: 'Bench Org',
  });
  const follower = startTsProcess('bench/config/configFollower.ts', { BENCH_SERVICE: service });
  await follower.waitFor(/^ready$/);

  // A gateway in this process serving a supergraph of plattform alone, as production wires it:
  // tokens verified against plattform's published JWKS, events on Redis.
  const gateway = await startGateway({
    config: { ...gatewayConfigFrom([]), jwksUrl, redisUrl: REDIS_URL },
    routing,
    logger: createLogger('bench-gateway'),
  });
  const connection = new WsConnection(gateway.url, account.session.access.token);
  const subscriber = connection.subscribe<{ configChanged: { version: number } }>(
    'subscription($s: String) { configChanged(service: $s) { version value } }',
    { s: service },
  );
  // The gateway opens its upstream stream asynchronously: measure only once plattform holds the
  // Redis subscription for this tenant, or the first change could be published before it.
  const redis = new Redis(REDIS_URL);
  const channel = channelFor(CONFIG_CHANGED_EVENT, account.organization.id);
  for (let waited = 0; Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]) === 0; waited += 25) {
    if (waited > 10_000) throw new Error(`no subscriber on ${channel} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  redis.disconnect();

  const toSubscriber: number[] = [];
  const toClient: number[] = [];
  const scope = { orgId: account.organization.id, userId: account.user.id };
  console.log(
    `config hot reload: ${CHANGES} changes, one at a time, plattform + gateway + subscriber in this process, config client in another`,
  );
  for (let version = 1; version <= CHANGES; version += 1) {
    await plattform.database.run(scope, (unit) =>
      plattform.services.configs.set(unit, { service, key: 'threshold', value: version, reason: 'bench' }, { scope: 'organization' }),
    );
    const committedAt = now();
    const event = await subscriber.next(5000);
    const deliveredAt = now();
    if (event.data?.configChanged.version !== version) throw new Error(`subscriber got ${JSON.stringify(event)} for ${version}`);
    toSubscriber.push(deliveredAt - committedAt);
    const applied = await follower.waitFor(new RegExp(`^applied ${version} (\\S+)$`), 5000);
    toClient.push(Number(applied[1]) - committedAt);
  }

  const subscriberStats = summary(
    'gateway subscriber (configChanged over graphql-ws via the gateway: outbox relay, Redis, value read from history)',
    toSubscriber,
  );
  const clientStats = summary('config client (other process, Redis event + value fetch)', toClient);
  subscriber.close();
  await connection.close();
  await gateway.stop();
  await follower.stop();
  await plattform.stop();
  await rm(dataDir, { recursive: true, force: true });
  console.log(
    `config hot reload p99: ${subscriberStats.p99.toFixed(2)} ms (subscriber on the gateway), ${clientStats.p99.toFixed(2)} ms (config client)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
