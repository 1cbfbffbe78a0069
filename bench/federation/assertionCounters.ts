/** Our gateway's signing counters, read from its /metrics (stock gateways sign nothing). */
export interface AssertionCounters {
  signatures: number;
  entries: number;
}

function counterValue(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

/** `graphqlUrl` is the gateway's /graphql; the metrics are served by the same server. */
export async function assertionCounters(graphqlUrl: string): Promise<AssertionCounters> {
  const response = await fetch(new URL('/metrics', graphqlUrl));
  const text = await response.text();
  return {
    signatures: counterValue(text, 'gateway_subgraph_assertions_signed_total'),
    entries: counterValue(text, 'gateway_subgraph_assertion_entries_total'),
  };
}

/** "signatures/op 1.23 (4.5 requests each)" for the operations answered between two readings. */
export function describeSigning(before: AssertionCounters, after: AssertionCounters, operations: number): string {
  const signatures = after.signatures - before.signatures;
  const entries = after.entries - before.entries;
  return `signatures/op ${(signatures / Math.max(1, operations)).toFixed(2)} (${(entries / Math.max(1, signatures)).toFixed(1)} requests each)`;
}
