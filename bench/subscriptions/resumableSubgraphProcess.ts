import { createLogger, envInt, hubSubgraphSettingsFromEnv, startHubSubgraph } from '@hub/core';
import { collectedMemory } from './childDiagnostics';
import { serveOrchestrator } from './childIpc';
import { RECOVERY_SUBGRAPH } from './recoveryDatabase';
import { resumableSubgraphDefinition } from './resumableSubgraph';

export interface ResumableSubgraphInfo {
  url: string;
  /** The port it listens on: a restart asks for the same one, so the gateway's supergraph stays valid. */
  port: number;
}

export interface ResumableSubgraphStats {
  memory: ReturnType<typeof collectedMemory>;
  activeStreams: number;
  firstOpenedAt: number | null;
}

/**
 * Child-process entry: the resumable events subgraph run as a hub subgraph runs (startHubSubgraph:
 * restricted app role, outbox relay, retention, Redis bus, denylist, JWKS tokens), from the
 * environment a hub reads (DATABASE_URL, REDIS_URL, JWKS_URL, ...) plus PORT. The orchestrator
 * migrates the database beforehand, and ends this process with SIGKILL mid-run: nothing here may
 * assume a clean shutdown.
 */
async function main(): Promise<void> {
  const settings = { ...hubSubgraphSettingsFromEnv(RECOVERY_SUBGRAPH, 0), port: envInt('PORT', 0) };
  const running = await startHubSubgraph(resumableSubgraphDefinition(), settings, { logger: createLogger(RECOVERY_SUBGRAPH) });
  // Loopback only (running.listen() would bind every interface); SIGTERM or SIGKILL ends it.
  const server = await running.subgraph.listen(settings.port, '127.0.0.1');
  const info: ResumableSubgraphInfo = { url: `http://127.0.0.1:${server.port}/graphql`, port: server.port };
  serveOrchestrator(
    {
      stats: (): ResumableSubgraphStats => ({ memory: collectedMemory(), activeStreams: running.services.activeStreams(), firstOpenedAt: running.services.firstOpenedAt() }),
    },
    info,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
