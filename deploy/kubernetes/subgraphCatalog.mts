import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One subgraph to deploy: its name (also its Service), the port it serves on and its workspace. */
export interface CatalogSubgraph {
  name: string;
  port: number;
  workspace: string;
}

/**
 * The subgraphs of supergraph.yaml, in its order (plattform first: it issues the tokens and its
 * migrations run first). Each must be a workspace under subgraphs/ with a build config, since its
 * image is built from it; the port is the one of its routing URL (the subgraph's default port).
 */
export function readSubgraphCatalog(root: string): CatalogSubgraph[] {
  const config = parse(readFileSync(join(root, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, { routing_url: string }> };
  return Object.entries(config.subgraphs).map(([name, subgraph]) => {
    const workspace = `subgraphs/${name}`;
    if (!existsSync(join(root, workspace, 'tsconfig.build.json'))) throw new Error(`${name}: ${workspace}/tsconfig.build.json is missing`);
    return { name, port: Number(new URL(subgraph.routing_url).port), workspace };
  });
}
