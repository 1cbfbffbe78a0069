import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { EVENTS_TYPE_DEFS, ITEMS_TYPE_DEFS } from './benchContract';

/** Composes the two bench subgraphs at their running URLs and writes the supergraph for the gateway (SUPERGRAPH_PATH). */
export async function writeBenchSupergraph(urls: { eventsUrl: string; itemsUrl: string }): Promise<string> {
  const composed = composeServices([
    { name: 'events', url: urls.eventsUrl, typeDefs: parse(EVENTS_TYPE_DEFS) },
    { name: 'items', url: urls.itemsUrl, typeDefs: parse(ITEMS_TYPE_DEFS) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const path = join(await mkdtemp(join(tmpdir(), 'bench-subscriptions-')), 'supergraph.graphql');
  await writeFile(path, composed.supergraphSdl);
  return path;
}
