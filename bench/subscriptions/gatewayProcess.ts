import { createLogger } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { startGateway } from '@hub/stack/gateway';
import { collectedMemory } from './childDiagnostics';
import { serveOrchestrator } from './childIpc';

export interface GatewayInfo {
  url: string;
}

export interface GatewayStats {
  memory: ReturnType<typeof collectedMemory>;
  subscriptions: { subscribers: number; upstreamStreams: number; upstreamConnections: Record<string, number> };
}

/**
 * Child-process entry: the gateway exactly as `gateway/src/main.ts` builds it from the environment
 * (SUPERGRAPH_PATH, PORT, REDIS_URL, JWKS_URL, GATEWAY_*), started by @hub/stack's startGateway on
 * the configured PORT, plus IPC for the bench's figures.
 */
async function main(): Promise<void> {
  const { gateway, url } = await startGateway({ config: gatewayConfigFrom([]), ports: 'configured', logger: createLogger('gateway') });
  const info: GatewayInfo = { url };
  serveOrchestrator(
    {
      stats: (): GatewayStats => ({ memory: collectedMemory(), subscriptions: gateway.subscriptions.stats() }),
    },
    info,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
