import { createLogger, startTracing, stopOnSignal } from '@hub/runtime';
import type { HubSubgraphModule } from './hubSubgraph';

/** `--migrate-only`: apply the migrations and exit (the deployment's migration Job runs this before a rollout). */
export function migrateOnlyRequested(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--migrate-only');
}

/**
 * `--skip-migrations`: serve without migrating (Kubernetes: the migration Job already ran them, so
 * serving pods need neither the admin connection nor time for it at start).
 */
export function skipMigrationsRequested(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--skip-migrations');
}

/** A subgraph's own process (Docker, Kubernetes): migrate, serve, stop cleanly on SIGTERM. */
export async function runStandalone<TServices>(module: HubSubgraphModule<TServices>): Promise<void> {
  const tracing = startTracing({ serviceName: module.name });
  const logger = createLogger(module.name);
  const settings = module.settingsFromEnv();
  const applied = skipMigrationsRequested() ? [] : await module.migrate(settings);
  if (migrateOnlyRequested()) {
    logger.info({ applied }, `${module.name} migrations done`);
    await tracing?.stop();
    return;
  }
  const running = await module.start(settings, { logger });
  const server = await running.listen();
  logger.info({ url: `${server.url}/graphql` }, `${module.name} subgraph ready`);
  stopOnSignal(async () => {
    await running.stop();
    await tracing?.stop();
  }, logger);
}
