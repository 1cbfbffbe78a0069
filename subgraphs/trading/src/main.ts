import { runStandalone } from '@hub/core';
import { tradingModule } from './tradingSubgraph';

runStandalone(tradingModule).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
