import { createRiskHubModule } from '@hub/risk-hub';
import { JWKS_PATH, migratePlattform, plattformConfigFromEnv, startPlattform } from '@hub/plattform';

export interface BenchSubgraphs {
  /** Routing URLs (`…/graphql`) by subgraph name, and where plattform publishes its keys. */
  routing: Record<string, string>;
  jwksUrl: string;
}

/**
 * Child-process entry: plattform and risk-hub, migrated and listening on free loopback ports, as
 * their own processes would run them (DATABASE_URL, PASSWORD_HASH_* from the environment).
 * Sends the URLs over IPC; stops on "stop".
 */
async function main(): Promise<void> {
  const config = plattformConfigFromEnv();
  await migratePlattform(config);
  const plattform = await startPlattform(config);
  const plattformServer = await plattform.listen(0);
  const jwksUrl = `${plattformServer.url}${JWKS_PATH}`;
  const riskHubModule = createRiskHubModule();
  const settings = { ...riskHubModule.settingsFromEnv(), jwksUrl };
  await riskHubModule.migrate(settings);
  const riskHub = await riskHubModule.start(settings);
  const riskHubServer = await riskHub.listen(0);
  const info: BenchSubgraphs = {
    routing: { plattform: `${plattformServer.url}/graphql`, 'risk-hub': `${riskHubServer.url}/graphql` },
    jwksUrl,
  };
  process.on('message', (message) => {
    if (message !== 'stop') return;
    void (async () => {
      await riskHub.stop();
      await plattform.stop();
      process.exit(0);
    })();
  });
  process.send!(info);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
