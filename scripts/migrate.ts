import { migrateRegistry } from '@hub/gateway/migrations';
import { migratePlattform, plattformConfigFromEnv } from '@hub/plattform';
import { HUB_SUBGRAPHS } from '../dev/hubSubgraphs';

/** `npm run migrate`: every subgraph's migrations against DATABASE_URL (the admin connection). */
async function main(): Promise<void> {
  const report = (name: string, applied: string[]) => console.log(applied.length ? `${name}: applied ${applied.join(', ')}` : `${name}: up to date`);
  report('plattform', await migratePlattform(plattformConfigFromEnv()));
  // The hub subgraphs in supergraph.yaml's order, as `npm start` finds them.
  for (const module of HUB_SUBGRAPHS) report(module.name, await module.migrate(module.settingsFromEnv()));
  // The schema registry and field usage (gateways with REGISTRY_DATABASE_URL read and write them).
  report('schema_registry', await migrateRegistry());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
