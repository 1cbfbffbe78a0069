import { runStandalone } from '@hub/core';
import { riskHubModule } from './riskHubSubgraph';

/** Standalone risk-hub process (Docker, Kubernetes): migrate, serve, stop cleanly on SIGTERM. */
runStandalone(riskHubModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
