import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { EVENTS_TYPE_DEFS, ITEMS_TYPE_DEFS } from './benchContract';

/**
 * Composes the two bench subgraphs at their running URLs and writes the supergraph for the gateway
 * (SUPERGRAPH_PATH) into a temporary directory; `remove()` deletes it.
 */
export async function writeBenchSupergraph(urls: {
  eventsUrl: string;
  itemsUrl: string;
  /** The events subgraph's name: a core-kit subgraph answers only calls the gateway signed for its own name. */
  eventsName?: string;
}): Promise<{ path: string; remove(): Promise<void> }> {
  const composed = composeServices([
    { name: urls.eventsName ?? 'events', url: urls.eventsUrl, typeDefs: parse(EVENTS_TYPE_DEFS) },
    { name: 'items', url: urls.itemsUrl, typeDefs: parse(ITEMS_TYPE_DEFS) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const directory = await mkdtemp(join(tmpdir(), 'bench-subscriptions-'));
  const path = join(directory, 'supergraph.graphql');
  await writeFile(path, composed.supergraphSdl);
  return { path, remove: () => rm(directory, { recursive: true, force: true }) };
}
