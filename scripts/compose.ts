import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { apiSchemaSdl, composeSupergraph, CompositionError, readSupergraphConfig } from '@hub/gateway';

/**
 * `npm run compose`: supergraph.yaml → supergraph.graphql (for the gateway) and schema/api.graphql
 * (the clients' schema: no federation internals; the dashboard's codegen reads it).
 * `--check`: fails when either file is not what supergraph.yaml composes to.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const config = await readSupergraphConfig(resolve('supergraph.yaml'));
  const sdl = await composeSupergraph(config.subgraphs);
  const outputs: Array<[path: string, content: string]> = [
    ['supergraph.graphql', sdl],
    ['schema/api.graphql', apiSchemaSdl(sdl)],
  ];
  if (check) {
    let stale = false;
    for (const [path, content] of outputs) {
      const current = await readFile(resolve(path), 'utf8').catch(() => '');
      if (current !== content) {
        console.error(`${path} is stale: run \`npm run compose\` and commit the result.`);
        stale = true;
      }
    }
    if (stale) process.exit(1);
    console.log(outputs.map(([path]) => path).join(' and ') + ' are up to date');
    return;
  }
  for (const [path, content] of outputs) await writeFile(resolve(path), content);
  console.log(`composed ${config.subgraphs.length} subgraph(s) into ${outputs.map(([path]) => path).join(' and ')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exit(1);
});
