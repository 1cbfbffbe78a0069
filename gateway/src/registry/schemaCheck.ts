import { apiSchemaOf } from '../supergraph/apiSchema';
import { composeSubgraphSchemas, CompositionError, type SubgraphSchema } from '../supergraph/composeSupergraph';
import { clientUses, type ClientUsageSources } from './clientUsage';
import { schemaChanges, type CheckedChange } from './schemaChanges';

/** A subgraph the graph does not have yet can only be added with the URL the gateway routes to. */
export class RoutingUrlRequiredError extends Error {
  constructor(readonly subgraph: string) {
    super(`"${subgraph}" is a new subgraph: its routing URL (--url) is needed`);
  }
}

export interface SchemaCheckInput {
  /** The graph as it is: its subgraphs and their composed supergraph (null: nothing yet). */
  current: { subgraphs: readonly SubgraphSchema[]; supergraphSdl: string | null };
  /** The proposed schema of one subgraph (added when it is new). */
  proposed: { name: string; sdl: string; url?: string };
  usage: ClientUsageSources;
}

/**
 * `passed`: composes, and no breaking change is used by a client (unused ones are warnings);
 * `composition-failed`: the proposed schema does not compose with the others;
 * `breaking-used`: a breaking change takes away something a client used.
 */
export type SchemaCheckStatus = 'passed' | 'composition-failed' | 'breaking-used';

export interface SchemaCheckReport {
  status: SchemaCheckStatus;
  compositionErrors: string[];
  changes: CheckedChange[];
  /** The subgraphs with the proposal applied, and what they compose to (null if they do not). */
  subgraphs: SubgraphSchema[];
  supergraphSdl: string | null;
}

function withProposal(current: readonly SubgraphSchema[], proposed: SchemaCheckInput['proposed']): SubgraphSchema[] {
  const existing = current.find((subgraph) => subgraph.name === proposed.name);
  if (!existing && !proposed.url) throw new RoutingUrlRequiredError(proposed.name);
  const next = { name: proposed.name, sdl: proposed.sdl, url: proposed.url ?? existing!.url };
  return existing ? current.map((subgraph) => (subgraph.name === proposed.name ? next : subgraph)) : [...current, next];
}

/** Composes the proposal with the other subgraphs, classifies the changes and finds who uses the breaking ones. */
export async function checkSchema(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const subgraphs = withProposal(input.current.subgraphs, input.proposed);
  let supergraphSdl: string;
  try {
    supergraphSdl = composeSubgraphSchemas(subgraphs);
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error;
    return { status: 'composition-failed', compositionErrors: error.errors, changes: [], subgraphs, supergraphSdl: null };
  }
  if (!input.current.supergraphSdl) return { status: 'passed', compositionErrors: [], changes: [], subgraphs, supergraphSdl };

  const before = apiSchemaOf(input.current.supergraphSdl);
  const changes = await schemaChanges(before, apiSchemaOf(supergraphSdl));
  const coordinates = new Set(changes.flatMap((change) => change.coordinates));
  const uses = await clientUses(before, coordinates, input.usage);
  for (const change of changes) {
    const seen = new Set<string>();
    for (const use of change.coordinates.flatMap((coordinate) => uses.get(coordinate) ?? [])) {
      const key = `${use.operation}\n${use.client}`;
      if (seen.has(key)) continue;
      seen.add(key);
      change.usedBy.push(use);
    }
  }
  const used = changes.some((change) => change.level === 'breaking' && change.usedBy.length > 0);
  return { status: used ? 'breaking-used' : 'passed', compositionErrors: [], changes, subgraphs, supergraphSdl };
}
