import { runStandalone } from '@hub/core';
import { agentModule } from './agentSubgraph';

runStandalone(agentModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
