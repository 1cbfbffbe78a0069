import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom } from '@hub/gateway';
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
 * (SUPERGRAPH_PATH, PORT, REDIS_URL, JWKS_URL, GATEWAY_*), plus IPC for the bench's figures.
 */
async function main(): Promise<void> {
  const gateway = await createGateway({ config: gatewayConfigFrom([]), logger: createLogger('gateway') });
  const server = await gateway.listen();
  const info: GatewayInfo = { url: `http://127.0.0.1:${server.port}/graphql` };
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
