import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  applyRoutingOverrides,
  composeSubgraphSchemas,
  readSubgraphSchemas,
  routingOverridesFor,
  type SubgraphSchema,
  type SubgraphSource,
} from '@hub/gateway/composition';

/*
 * Composing costs about half a second of CPU, and tests, benches and npm start compose the same few
 * schema sets again on every start (only the ports differ). So a stack composes each set once, with
 * supergraph.yaml's routing URLs, keeps the result under node_modules/.cache, and routes it to where
 * its subgraphs listen with the gateway's own SUBGRAPH_URL_<NAME> rewrite.
 */

const CACHE_DIR = resolve(__dirname, '../../../node_modules/.cache/hub-stack/supergraphs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const COMPOSER_VERSION = (require('@apollo/composition/package.json') as { version: string }).version;

function cacheKey(schemas: readonly SubgraphSchema[]): string {
  // The composer's version and our composing function are part of the key: a change to either composes anew.
  return createHash('sha256')
    .update(JSON.stringify({ composer: COMPOSER_VERSION, compose: composeSubgraphSchemas.toString(), schemas }))
    .digest('hex');
}

async function readCached(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function writeCached(file: string, supergraphSdl: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    // Written aside and renamed: a stack starting at the same moment in another process reads all or nothing.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, supergraphSdl);
    await rename(partial, file);
  } catch {
    // A cache that cannot be written (read-only checkout) only costs the next start a composition.
  }
}

/**
 * The supergraph of `subgraphs` (supergraph.yaml entries), routed to `routing` (URLs by subgraph name;
 * an entry not in it keeps its routing_url). Composition errors are thrown as by composeSupergraph.
 */
export async function composedSupergraph(
  subgraphs: readonly SubgraphSource[],
  routing: Record<string, string>,
  cacheDir: string = CACHE_DIR,
): Promise<string> {
  const schemas = await readSubgraphSchemas(subgraphs);
  const file = join(cacheDir, `${cacheKey(schemas)}.graphql`);
  let declared = await readCached(file);
  if (declared === null) {
    declared = composeSubgraphSchemas(schemas);
    await writeCached(file, declared);
  }
  return applyRoutingOverrides(declared, routingOverridesFor(routing));
}
