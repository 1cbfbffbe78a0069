import { stopOnSignal } from '../http/stopOnSignal';
import { createLogger } from '../logging/logger';
import type { HubSubgraphModule } from './hubSubgraph';

/** A subgraph's own process (Docker, Kubernetes): migrate, serve, stop cleanly on SIGTERM. */
export async function runStandalone<TServices>(module: HubSubgraphModule<TServices>): Promise<void> {
  const logger = createLogger(module.name);
  const settings = module.settingsFromEnv();
  await module.migrate(settings);
  const running = await module.start(settings, { logger });
  const server = await running.listen();
  logger.info({ url: `${server.url}/graphql` }, `${module.name} subgraph ready`);
  stopOnSignal(() => running.stop(), logger);
}
