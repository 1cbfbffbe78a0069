import { migrateRegistry } from '@hub/gateway';
import { migratePlattform, plattformConfigFromEnv } from '@hub/plattform';

/** `npm run migrate`: every subgraph's migrations against DATABASE_URL (the admin connection). */
async function main(): Promise<void> {
  const applied = await migratePlattform(plattformConfigFromEnv());
  console.log(applied.length ? `plattform: applied ${applied.join(', ')}` : 'plattform: up to date');
  // The schema registry and field usage (gateways with REGISTRY_DATABASE_URL read and write them).
  const registry = await migrateRegistry();
  console.log(registry.length ? `schema_registry: applied ${registry.join(', ')}` : 'schema_registry: up to date');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
