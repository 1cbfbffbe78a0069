import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { composeSupergraph, CompositionError, readSupergraphConfig } from '@hub/gateway';

/**
 * `npm run compose`: supergraph.yaml → supergraph.graphql.
 * `--check`: fails when supergraph.graphql is not what supergraph.yaml composes to.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const configPath = resolve('supergraph.yaml');
  const outputPath = resolve('supergraph.graphql');
  const config = await readSupergraphConfig(configPath);
  const sdl = await composeSupergraph(config.subgraphs);
  if (check) {
    const current = await readFile(outputPath, 'utf8').catch(() => '');
    if (current !== sdl) {
      console.error('supergraph.graphql is stale: run `npm run compose` and commit the result.');
      process.exit(1);
    }
    console.log('supergraph.graphql is up to date');
    return;
  }
  await writeFile(outputPath, sdl);
  console.log(`composed ${config.subgraphs.length} subgraph(s) into ${outputPath}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exit(1);
});
