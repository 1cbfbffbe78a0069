import { createLogger, stopOnSignal } from '@hub/core';
import { gatewayConfigFrom } from './config';
import { createGateway } from './server';

/** `hub-gateway [--supergraph <path>]`: serves the supergraph on PORT (default 4000). */
async function main(): Promise<void> {
  const logger = createLogger('gateway');
  const config = gatewayConfigFrom();
  const gateway = await createGateway({ config, logger });
  const server = await gateway.listen();
  logger.info({ url: `${server.url}/graphql`, supergraph: config.supergraphPath }, 'gateway ready');
  stopOnSignal(() => gateway.stop(), logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
