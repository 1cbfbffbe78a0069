import type { SubgraphResponse } from './queryPlanExecutor';

interface InFlight {
  /** How many callers share the answer; fixed once the answer arrives. */
  sharers: number;
  readonly answers: Promise<SubgraphResponse[]>;
}

/**
 * Shares identical subgraph calls that are in flight at the same time: same subgraph, operation,
 * variables and forwarded identity (the caller's Authorization), within one operation and across
 * concurrent operations. The key always contains the identity, so nothing is ever shared between
 * callers. Each sharer gets its own copy, because the executor merges later answers into it.
 * Only queries come here: a mutation always goes out once per request.
 */
export class InFlightSubgraphFetches {
  private readonly inFlight = new Map<string, InFlight>();
  /** Calls answered from another caller's request (for the benchmark's requests-per-operation). */
  shared = 0;

  run(key: string, send: () => Promise<SubgraphResponse>): Promise<SubgraphResponse> {
    const existing = this.inFlight.get(key);
    if (existing) {
      const position = existing.sharers;
      existing.sharers += 1;
      this.shared += 1;
      return existing.answers.then((answers) => answers[position]!);
    }
    const entry: InFlight = {
      sharers: 1,
      answers: send().then(
        (answer) => {
          this.inFlight.delete(key);
          const answers = [answer];
          for (let copy = 1; copy < entry.sharers; copy += 1) answers.push(structuredClone(answer));
          return answers;
        },
        (error: unknown) => {
          this.inFlight.delete(key);
          throw error;
        },
      ),
    };
    this.inFlight.set(key, entry);
    return entry.answers.then((answers) => answers[0]!);
  }
}
