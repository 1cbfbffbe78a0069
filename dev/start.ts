import { resolve } from 'node:path';
import { createEventBus, createLogger, createTokenDenylist, envInt, envOptional, type RunningHubSubgraph } from '@hub/core';
import { composeSupergraph, createGateway, gatewayConfigFrom, readSupergraphConfig } from '@hub/gateway';
import {
  DEMO_ACCOUNT,
  JWKS_PATH,
  migratePlattform,
  plattformConfigFromEnv,
  seedDemoTenant,
  startPlattform,
} from '@hub/plattform';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embeddedDatabase';
import { HUB_SUBGRAPHS } from './hubSubgraphs';

const ROOT = resolve(__dirname, '..');

/**
 * `npm start`: the whole stack in one process. Without DATABASE_URL an embedded PostgreSQL runs
 * under .data/; without REDIS_URL events travel through an in-process bus.
 */
async function main(): Promise<void> {
  const logger = createLogger('dev-stack');
  const log = (line: string) => logger.info(line);
  process.env.DATA_DIR ??= resolve(ROOT, '.data');

  let embedded: EmbeddedDatabase | null = null;
  if (!envOptional('DATABASE_URL')) {
    embedded = await startEmbeddedDatabase(process.env.DATA_DIR, envInt('DEV_PG_PORT', 54329), log);
    process.env.DATABASE_URL = embedded.adminUrl;
  }

  const plattformConfig = plattformConfigFromEnv();
  await migratePlattform(plattformConfig);
  const eventBus = createEventBus({ redisUrl: plattformConfig.redisUrl, logger });
  // One denylist for every in-process service, so a revocation reaches them all even without Redis.
  const denylist = createTokenDenylist({ redisUrl: plattformConfig.redisUrl, logger });
  const plattform = await startPlattform(plattformConfig, { eventBus, denylist, logger: createLogger('plattform') });
  const plattformServer = await plattform.listen();
  const seeded = await seedDemoTenant(plattform.services);
  log(`demo tenant ${DEMO_ACCOUNT.organizationName}: ${seeded.status}`);
  // Hub subgraphs verify tokens against plattform's keys wherever it actually listens.
  process.env.JWKS_URL ??= `${plattformServer.url}${JWKS_PATH}`;

  const routing: Record<string, string> = { plattform: `${plattformServer.url}/graphql` };
  const hubs: RunningHubSubgraph<unknown>[] = [];
  for (const module of HUB_SUBGRAPHS) {
    const settings = module.settingsFromEnv();
    await module.migrate(settings);
    const running = await module.start(settings, { eventBus, denylist, logger: createLogger(module.name) });
    hubs.push(running);
    const server = await running.listen();
    routing[module.name] = `${server.url}/graphql`;
    if (module.seedDemo) log(`${module.name} demo data: ${await module.seedDemo(running, seeded.tenant)}`);
  }

  // Route to the ports the subgraphs actually run on.
  const supergraph = await readSupergraphConfig(resolve(ROOT, 'supergraph.yaml'));
  const supergraphSdl = await composeSupergraph(supergraph.subgraphs, routing);
  const gateway = await createGateway({ config: gatewayConfigFrom([]), supergraphSdl, logger: createLogger('gateway') });
  const gatewayServer = await gateway.listen(envInt('PORT', 4000));

  const banner = [
    '',
    `  Hub graph is up: ${gatewayServer.url}/graphql`,
    `  Demo login: ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password} (organization "${DEMO_ACCOUNT.organizationName}")`,
    `  Database: ${embedded ? `embedded PostgreSQL in ${process.env.DATA_DIR}` : 'DATABASE_URL'}; events: ${eventBus.kind}`,
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n');
  process.stdout.write(`${banner}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await gateway.stop();
    for (const hub of hubs.reverse()) await hub.stop();
    await plattform.stop();
    await eventBus.close();
    await denylist.close();
    await embedded?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
