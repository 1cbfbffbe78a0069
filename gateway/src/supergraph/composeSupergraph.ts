import { composeServices } from '@apollo/composition';
import { readFile } from 'node:fs/promises';
import { parse } from 'graphql';
import type { SubgraphSource } from './supergraphConfig';

export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`Supergraph composition failed:\n${errors.map((error) => `  - ${error}`).join('\n')}`);
  }
}

/** A subgraph's schema as text, with the URL the gateway routes to. */
export interface SubgraphSchema {
  name: string;
  url: string;
  sdl: string;
}

/** Composes subgraph schemas (SDL text) into a supergraph SDL; syntax errors are composition errors too. */
export function composeSubgraphSchemas(subgraphs: readonly SubgraphSchema[]): string {
  const services = subgraphs.map((subgraph) => {
    try {
      return { name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) };
    } catch (error) {
      throw new CompositionError([`[${subgraph.name}] ${error instanceof Error ? error.message : String(error)}`]);
    }
  });
  const result = composeServices(services);
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}

/** The schema files of supergraph.yaml entries, each with its routing URL (or the override by subgraph name). */
export function readSubgraphSchemas(subgraphs: readonly SubgraphSource[], routingUrls: Record<string, string> = {}): Promise<SubgraphSchema[]> {
  return Promise.all(
    subgraphs.map(async (subgraph) => ({
      name: subgraph.name,
      url: routingUrls[subgraph.name] ?? subgraph.routingUrl,
      sdl: await readFile(subgraph.schemaFile, 'utf8'),
    })),
  );
}

/** Composes subgraph schemas into a supergraph SDL with `@apollo/composition`. */
export async function composeSupergraph(
  subgraphs: SubgraphSource[],
  /** Overrides routing URLs by subgraph name (tests and the dev stack bind to chosen ports). */
  routingUrls: Record<string, string> = {},
): Promise<string> {
  return composeSubgraphSchemas(await readSubgraphSchemas(subgraphs, routingUrls));
}
