import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * supergraph.yaml is the one list of subgraphs: the gateway composes it, and a subgraph's port
 * is the port of its `routing_url` there. Everything that needs to know the subgraphs (npm start,
 * codegen, the compose file, a subgraph's default port) reads it through this file.
 */
export const SUPERGRAPH_CONFIG_FILE = 'supergraph.yaml';

/** The subgraph that issues tokens (and the JWKS); every other subgraph depends on it. */
export const IDENTITY_SUBGRAPH = 'plattform';

/** `risk-hub` → `RISK_HUB_PORT`. */
export function portVariableFor(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`;
}

export interface SupergraphEntry {
  name: string;
  routingUrl: string;
  /** The port of `routing_url`: where the subgraph listens unless `<NAME>_PORT` says otherwise. */
  port: number;
  /** Absolute path of its schema file. */
  schemaFile: string;
  /** Absolute path of its folder (`subgraphs/<name>`). */
  folder: string;
}

interface RoverSubgraph {
  routing_url?: unknown;
  schema?: { file?: unknown };
}

/** The supergraph.yaml of the checkout this file lives in (searched upwards), or null (e.g. a bare image). */
export function findSupergraphConfig(from: string = __dirname): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, SUPERGRAPH_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Every subgraph of supergraph.yaml, in its order. */
export function readSupergraphEntries(path: string): SupergraphEntry[] {
  const raw = parse(readFileSync(path, 'utf8')) as { subgraphs?: Record<string, RoverSubgraph> };
  const root = dirname(path);
  return Object.entries(raw.subgraphs ?? {}).map(([name, entry]) => {
    if (typeof entry.routing_url !== 'string' || typeof entry.schema?.file !== 'string') {
      throw new Error(`${path}: subgraph "${name}" needs routing_url and schema.file`);
    }
    const port = Number(new URL(entry.routing_url).port);
    if (!Number.isInteger(port) || port <= 0) throw new Error(`${path}: routing_url of "${name}" has no port`);
    return { name, routingUrl: entry.routing_url, port, schemaFile: resolve(root, entry.schema.file), folder: join(root, 'subgraphs', name) };
  });
}

/** The entries whose folder is in this repository (`subgraphs/<name>` is a package); others are only routed to. */
export function readLocalSubgraphEntries(path: string): SupergraphEntry[] {
  return readSupergraphEntries(path).filter((entry) => existsSync(join(entry.folder, 'package.json')));
}

/** A subgraph's port as supergraph.yaml assigns it; throws when there is no entry to read. */
export function supergraphPortOf(name: string): number {
  const path = findSupergraphConfig();
  const entry = path ? readSupergraphEntries(path).find((candidate) => candidate.name === name) : undefined;
  if (!entry) throw new Error(`No port for subgraph "${name}": add it to ${SUPERGRAPH_CONFIG_FILE} or set its <NAME>_PORT`);
  return entry.port;
}
