import type { SubgraphHttpSettings } from '../../config';
import type { SubgraphFetchPlugin } from '../subgraphFetchPlugin';

function envKey(subgraph: string): string {
  return subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** A subgraph's deadline: SUBGRAPH_TIMEOUT_MS, or its own SUBGRAPH_TIMEOUT_MS_<NAME>. */
export function subgraphTimeoutMs(settings: Pick<SubgraphHttpSettings, 'timeoutMs' | 'timeoutOverrides'>, subgraph: string): number {
  return settings.timeoutOverrides[envKey(subgraph)] ?? settings.timeoutMs;
}

/**
 * Gives every attempt of a call its subgraph's deadline, from the POST until the last byte of the
 * answer. The transport enforces it (only it can abort the request); time waiting for a slot in
 * the gateway does not count.
 */
export function subgraphDeadlines(settings: Pick<SubgraphHttpSettings, 'timeoutMs' | 'timeoutOverrides'>): SubgraphFetchPlugin {
  return {
    name: 'subgraph-deadlines',
    forSubgraph: ({ name }, next) => {
      const timeoutMs = subgraphTimeoutMs(settings, name);
      return (call) => {
        call.timeoutMs = timeoutMs;
        return next(call);
      };
    },
  };
}
