import { Kind, parse, type ConstArgumentNode } from 'graphql';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

function stringArgument(args: readonly ConstArgumentNode[] | undefined, name: string): string | undefined {
  const value = args?.find((arg) => arg.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/** The subgraphs a supergraph routes to, from its `join__Graph` enum. */
export function subgraphEndpoints(supergraphSdl: string): SubgraphEndpoint[] {
  const endpoints: SubgraphEndpoint[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = stringArgument(directive?.arguments, 'name');
      const url = stringArgument(directive?.arguments, 'url');
      if (name && url) endpoints.push({ name, url });
    }
  }
  return endpoints;
}

/** A subgraph is reachable when its `/healthz` answers 200. */
export async function isReachable(endpoint: SubgraphEndpoint, timeoutMs = 1500): Promise<boolean> {
  const response = await fetch(new URL('/healthz', endpoint.url), { signal: AbortSignal.timeout(timeoutMs) });
  return response.ok;
}
