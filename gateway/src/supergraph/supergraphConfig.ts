import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** One subgraph as listed in `supergraph.yaml` (Rover's format). */
export interface SubgraphSource {
  name: string;
  routingUrl: string;
  schemaFile: string;
}

export interface SupergraphConfig {
  federationVersion: string;
  subgraphs: SubgraphSource[];
}

interface RoverYaml {
  federation_version?: unknown;
  subgraphs?: Record<string, { routing_url?: unknown; schema?: { file?: unknown } }>;
}

/** Reads `supergraph.yaml`; schema paths are resolved relative to the file, as Rover does. */
export async function readSupergraphConfig(path: string): Promise<SupergraphConfig> {
  const raw = parseYaml(await readFile(path, 'utf8')) as RoverYaml;
  const entries = Object.entries(raw.subgraphs ?? {});
  if (entries.length === 0) throw new Error(`${path} lists no subgraphs`);
  return {
    federationVersion: String(raw.federation_version ?? '=2.9.0'),
    subgraphs: entries.map(([name, entry]) => {
      if (typeof entry.routing_url !== 'string' || typeof entry.schema?.file !== 'string') {
        throw new Error(`${path}: subgraph "${name}" needs routing_url and schema.file`);
      }
      return { name, routingUrl: entry.routing_url, schemaFile: resolve(dirname(path), entry.schema.file) };
    }),
  };
}
