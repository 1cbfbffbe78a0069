import { createEventBus, createLogger, createTokenVerifier, envString } from '@hub/core';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from './benchContract';
import { collectedMemory } from './childDiagnostics';
import { serveOrchestrator } from './childIpc';
import { startEventsSubgraph } from './eventsSubgraph';
import { startItemsSubgraph } from './itemsSubgraph';

export interface SubgraphsInfo {
  eventsUrl: string;
  itemsUrl: string;
}

export interface SubgraphsStats {
  memory: ReturnType<typeof collectedMemory>;
  activeStreams: number;
  entityRequests: number;
}

/** Child-process entry: the `events` and `items` bench subgraphs, tokens checked against JWKS_URL. */
async function main(): Promise<void> {
  const logger = createLogger('bench-subgraphs');
  const bus = createEventBus({ redisUrl: envString('REDIS_URL', 'redis://127.0.0.1:6379'), logger });
  const verifyToken = createTokenVerifier({ issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, jwksUrl: envString('JWKS_URL', '') });
  const events = await startEventsSubgraph(bus, verifyToken);
  const items = await startItemsSubgraph(verifyToken);
  const info: SubgraphsInfo = { eventsUrl: events.url, itemsUrl: items.url };
  serveOrchestrator(
    {
      stats: (): SubgraphsStats => ({ memory: collectedMemory(), activeStreams: events.activeStreams(), entityRequests: items.entityRequests() }),
    },
    info,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
