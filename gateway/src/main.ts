import cluster from 'node:cluster';
import {
  ConfigClient,
  configReaderUrlFromEnv,
  createEventBus,
  createLogger,
  envOptional,
  startTracing,
  stopOnSignal,
} from '@hub/runtime';
import { gatewayConfigFrom } from './config';
import { createGateway } from './server';
import { superviseWorkers } from './workers/superviseWorkers';
import { workerCountFrom } from './workers/workerCount';

/**
 * `hub-gateway [--supergraph <path>] [--supergraph-url <url>] [--workers N]`: serves the supergraph on
 * PORT (default 4000); with N > 1 workers, N gateway processes share the port under a supervising primary.
 */
async function main(): Promise<void> {
  // First: plugins created later only trace when tracing is already on (OTEL_TRACES_EXPORTER).
  const tracing = startTracing({ serviceName: 'gateway' });
  const logger = createLogger('gateway');
  const config = gatewayConfigFrom();
  if (cluster.isPrimary) {
    const workers = workerCountFrom(process.argv.slice(2));
    if (workers > 1) {
      // Rate limits, subscription tickets, revocations and registry announcements are shared through
      // Redis; their in-process fallbacks would give each worker its own view (N× the rate limit).
      if (!config.redisUrl) throw new Error(`--workers ${workers} needs REDIS_URL: workers share rate limits, tickets and revocations only through Redis`);
      superviseWorkers({ count: workers, logger, signingKeyPem: config.subgraphSigningKeyPem });
      return;
    }
  }
  const clusterWorkerId = cluster.worker?.id;
  // Per-tenant limits follow plattform's service configs when the gateway can read them.
  const followConfigs = envOptional('CONFIG_DATABASE_URL') !== undefined;
  const eventBus = followConfigs ? createEventBus({ redisUrl: config.redisUrl, logger }) : null;
  const configClient = eventBus
    ? new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: ['gateway'] })
    : undefined;
  await configClient?.start();
  const gateway = await createGateway({ config, logger, configReader: configClient, processMetrics: true, clusterWorkerId });
  const server = await gateway.listen();
  const supergraphSource = config.registry?.follow ? 'schema registry (REGISTRY_DATABASE_URL)' : config.supergraphPath;
  logger.info(
    { url: `${server.url}/graphql`, supergraph: supergraphSource, serviceConfigs: followConfigs, worker: clusterWorkerId, pid: process.pid },
    'gateway ready',
  );
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
