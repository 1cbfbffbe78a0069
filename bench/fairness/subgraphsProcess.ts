import { plattformConfigFromEnv } from '@hub/plattform';
import { hubModule as riskHubModule } from '@hub/risk-hub';
import { startSubgraphs } from '@hub/stack';

export interface BenchSubgraphs {
  /** Routing URLs (`…/graphql`) by subgraph name, and where plattform publishes its keys. */
  routing: Record<string, string>;
  jwksUrl: string;
}

/**
 * Child-process entry: plattform and risk-hub through @hub/stack, migrated and listening on free
 * ports, as their own processes would run them (DATABASE_URL, PASSWORD_HASH_* from the
 * environment). Sends the URLs over IPC; stops on "stop".
 */
async function main(): Promise<void> {
  const subgraphs = await startSubgraphs({ plattform: plattformConfigFromEnv(), hubs: [riskHubModule] });
  process.on('message', (message) => {
    if (message !== 'stop') return;
    void subgraphs.stop().then(() => process.exit(0));
  });
  const info: BenchSubgraphs = { routing: subgraphs.routing, jwksUrl: subgraphs.jwksUrl };
  process.send!(info);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
