import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
// Narrow entries, not the @hub/core and @hub/gateway barrels: those load the whole kit and gateway,
// seconds of CPU on every compose and compose:check (npm run build, npm run subgraph:new).
import { apiSchemaSdl, composeSupergraph, CompositionError, readSupergraphConfig } from '@hub/gateway/composition';
import { readLocalSubgraphEntries } from '@hub/core/supergraphEntries';
import { COMPOSE_FILE, renderComposeFile } from './dockerCompose/composeFile';

/**
 * `npm run compose`: supergraph.yaml → supergraph.graphql and schema/api.graphql (the clients'
 * schema: no federation internals; the dashboard's codegen reads it), and supergraph.yaml + the
 * subgraph folders → docker-compose.yml.
 * `--check`: fails when either file is not what the sources generate.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const configPath = resolve('supergraph.yaml');
  const config = await readSupergraphConfig(configPath);
  // Only subgraphs that live in this repository get a service; others are routed by routing_url.
  const local = readLocalSubgraphEntries(configPath);
  const supergraphSdl = await composeSupergraph(config.subgraphs);
  const outputs: Array<{ path: string; content: string }> = [
    { path: resolve('supergraph.graphql'), content: supergraphSdl },
    { path: resolve('schema/api.graphql'), content: apiSchemaSdl(supergraphSdl) },
    { path: resolve(COMPOSE_FILE), content: renderComposeFile(local) },
  ];
  if (check) {
    let stale = false;
    for (const output of outputs) {
      const current = await readFile(output.path, 'utf8').catch(() => '');
      if (current === output.content) continue;
      console.error(`${output.path} is stale: run \`npm run compose\` and commit the result.`);
      stale = true;
    }
    if (stale) process.exit(1);
    console.log('supergraph.graphql, schema/api.graphql and docker-compose.yml are up to date');
    return;
  }
  for (const output of outputs) await writeFile(output.path, output.content);
  console.log(`composed ${config.subgraphs.length} subgraph(s) into supergraph.graphql and schema/api.graphql; docker-compose.yml has ${local.length} subgraph service(s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exit(1);
});
