/**
 * Per-deployment subgraph URLs without recomposing: `SUBGRAPH_URL_<NAME>` (name upper-cased,
 * other characters as `_`, e.g. SUBGRAPH_URL_RISK_HUB) replaces that subgraph's routing URL.
 */
export function routingOverridesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('SUBGRAPH_URL_') && value) overrides[key.slice('SUBGRAPH_URL_'.length)] = value;
  }
  return overrides;
}

function envKey(subgraph: string): string {
  return subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The overrides that route subgraphs (by supergraph.yaml name) to the given URLs. */
export function routingOverridesFor(urlsBySubgraph: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(urlsBySubgraph).map(([subgraph, url]) => [envKey(subgraph), url]));
}

export function applyRoutingOverrides(supergraphSdl: string, overrides: Record<string, string>): string {
  if (Object.keys(overrides).length === 0) return supergraphSdl;
  return supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g, (whole, name: string) => {
    const url = overrides[envKey(name)];
    return url ? `@join__graph(name: "${name}", url: ${JSON.stringify(url)})` : whole;
  });
}
