import { createLogger } from '@hub/core';
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
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    plattform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
