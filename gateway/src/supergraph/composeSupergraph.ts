import { composeServices } from '@apollo/composition';
import { readFile } from 'node:fs/promises';
import { parse } from 'graphql';
import type { SubgraphSource } from './supergraphConfig';

export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`Supergraph composition failed:\n${errors.map((error) => `  - ${error}`).join('\n')}`);
  }
}

/** Composes subgraph schemas into a supergraph SDL with `@apollo/composition`. */
export async function composeSupergraph(
  subgraphs: SubgraphSource[],
  /** Overrides routing URLs by subgraph name (tests and the dev stack bind to chosen ports). */
  routingUrls: Record<string, string> = {},
): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async (subgraph) => ({
      name: subgraph.name,
      url: routingUrls[subgraph.name] ?? subgraph.routingUrl,
      typeDefs: parse(await readFile(subgraph.schemaFile, 'utf8')),
    })),
  );
  const result = composeServices(services);
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}
