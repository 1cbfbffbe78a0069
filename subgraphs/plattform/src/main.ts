import { createLogger, stopOnSignal } from '@hub/core';
import { plattformConfigFromEnv, SUBGRAPH_NAME } from './config';
import { migratePlattform, startPlattform } from './plattformSubgraph';

/** Standalone plattform process (Docker, Kubernetes): migrate, serve, stop cleanly on SIGTERM. */
async function main(): Promise<void> {
  const logger = createLogger(SUBGRAPH_NAME);
  const config = plattformConfigFromEnv();
  await migratePlattform(config);
  const plattform = await startPlattform(config, { logger });
  const server = await plattform.listen();
  logger.info({ url: `${server.url}/graphql` }, 'plattform subgraph ready');
  stopOnSignal(() => plattform.stop(), logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
