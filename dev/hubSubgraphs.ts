import { join, resolve } from 'node:path';
import {
  HUB_MODULE_EXPORT,
  IDENTITY_SUBGRAPH,
  readLocalSubgraphEntries,
  SUPERGRAPH_CONFIG_FILE,
  type HubSubgraphModule,
  type SupergraphEntry,
} from '@hub/core';

const ROOT = resolve(__dirname, '..');

function isHubModule(value: unknown): value is HubSubgraphModule {
  const candidate = value as Partial<HubSubgraphModule> | undefined;
  return typeof candidate?.name === 'string' && typeof candidate.start === 'function' && typeof candidate.migrate === 'function';
}

/** The module a subgraph folder's package exports as `hubModule`. */
export function loadHubModule(entry: SupergraphEntry): HubSubgraphModule {
  // The package's `main` (src/index.ts), loaded by path so a fresh folder needs no install step.
  const exported = (require(entry.folder) as Record<string, unknown>)[HUB_MODULE_EXPORT];
  if (!isHubModule(exported)) throw new Error(`subgraphs/${entry.name} does not export a HubSubgraphModule as "${HUB_MODULE_EXPORT}"`);
  if (exported.name !== entry.name) throw new Error(`subgraphs/${entry.name} exports the module of "${exported.name}"`);
  return exported;
}

/**
 * The hub subgraphs `npm start` runs next to plattform, in supergraph.yaml's order: every local
 * entry but the identity subgraph (started first, on its own). A new folder plus its line in
 * supergraph.yaml is all it takes; the gateway needs no change.
 */
export function discoverHubSubgraphs(root: string = ROOT): HubSubgraphModule[] {
  return readLocalSubgraphEntries(join(root, SUPERGRAPH_CONFIG_FILE))
    .filter((entry) => entry.name !== IDENTITY_SUBGRAPH)
    .map(loadHubModule);
}

export const HUB_SUBGRAPHS: HubSubgraphModule[] = discoverHubSubgraphs();
