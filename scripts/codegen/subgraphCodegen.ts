import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a subgraph folder says about its resolver types, in `subgraphs/<name>/codegen.ts`
 * (default export): where its context type lives and which domain models back its GraphQL types.
 * Paths are relative to `src/generated/`, where the types are written.
 */
export interface SubgraphCodegen {
  contextType: string;
  mappers: Record<string, string>;
}

/** The file a subgraph folder keeps its codegen settings in. */
export const SUBGRAPH_CODEGEN_FILE = 'codegen.ts';

/** Every `subgraphs/<name>/codegen.ts`, by folder name (folders without one have no resolver types). */
export function subgraphCodegenFiles(root: string): Array<{ name: string; file: string }> {
  const subgraphs = join(root, 'subgraphs');
  return readdirSync(subgraphs, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(subgraphs, entry.name, SUBGRAPH_CODEGEN_FILE)))
    .map((entry) => ({ name: entry.name, file: join(subgraphs, entry.name, SUBGRAPH_CODEGEN_FILE) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
