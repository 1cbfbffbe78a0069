import { createLogger } from '@hub/core';
import { gatewayConfigFrom } from './config';
import { createGateway } from './server';

/** `hub-gateway [--supergraph <path>]`: serves the supergraph on PORT (default 4000). */
async function main(): Promise<void> {
  const logger = createLogger('gateway');
  const config = gatewayConfigFrom();
  const gateway = await createGateway({ config, logger });
  const server = await gateway.listen();
  logger.info({ url: `${server.url}/graphql`, supergraph: config.supergraphPath }, 'gateway ready');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    gateway.stop().then(
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
