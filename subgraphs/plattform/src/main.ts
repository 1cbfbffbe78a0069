import { createLogger, migrateOnlyRequested, skipMigrationsRequested, startTracing, stopOnSignal } from '@hub/core';
import { plattformConfigFromEnv, SUBGRAPH_NAME } from './config';
import { migratePlattform, startPlattform } from './plattformSubgraph';

/** Standalone plattform process (Docker, Kubernetes): migrate, serve, stop cleanly on SIGTERM. */
async function main(): Promise<void> {
  const tracing = startTracing({ serviceName: SUBGRAPH_NAME });
  const logger = createLogger(SUBGRAPH_NAME);
  const config = plattformConfigFromEnv();
  const applied = skipMigrationsRequested() ? [] : await migratePlattform(config);
  if (migrateOnlyRequested()) {
    logger.info({ applied }, 'plattform migrations done');
    await tracing?.stop();
    return;
  }
  const plattform = await startPlattform(config, { logger });
  const server = await plattform.listen();
  logger.info({ url: `${server.url}/graphql` }, 'plattform subgraph ready');
  stopOnSignal(async () => {
    await plattform.stop();
    await tracing?.stop();
  }, logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
