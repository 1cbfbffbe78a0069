import {
  ConfigClient,
  configReaderUrlFromEnv,
  createEventBus,
  createLogger,
  envOptional,
  startTracing,
  stopOnSignal,
} from '@hub/core';
import { gatewayConfigFrom } from './config';
import { createGateway } from './server';

/** `hub-gateway [--supergraph <path>] [--supergraph-url <url>]`: serves the supergraph on PORT (default 4000). */
async function main(): Promise<void> {
  // First: plugins created later only trace when tracing is already on (OTEL_TRACES_EXPORTER).
  const tracing = startTracing({ serviceName: 'gateway' });
  const logger = createLogger('gateway');
  const config = gatewayConfigFrom();
  // Per-tenant limits follow plattform's service configs when the gateway can read them.
  const followConfigs = envOptional('CONFIG_DATABASE_URL') !== undefined;
  const eventBus = followConfigs ? createEventBus({ redisUrl: config.redisUrl, logger }) : null;
  const configClient = eventBus
    ? new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: ['gateway'] })
    : undefined;
  await configClient?.start();
  const gateway = await createGateway({ config, logger, configReader: configClient, processMetrics: true });
  const server = await gateway.listen();
  const supergraphSource = config.registry?.follow ? 'schema registry (REGISTRY_DATABASE_URL)' : config.supergraphPath;
  logger.info({ url: `${server.url}/graphql`, supergraph: supergraphSource, serviceConfigs: followConfigs }, 'gateway ready');
  stopOnSignal(async () => {
    await gateway.stop();
    await configClient?.stop();
    await eventBus?.close();
    await tracing?.stop();
  }, logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
