import type { GraphQLSchema } from 'graphql';

const ENFORCED_HERE = /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[0-9.]+"), for: SECURITY\)/g;

/**
 * @apollo/gateway refuses supergraphs with `for: SECURITY` features it does not implement. This
 * gateway enforces @authenticated and @requiresScopes itself (AuthorizationRules, read from the
 * original SDL), so only those two links lose the marker for the planner; any other security
 * feature still makes the supergraph fail to load (fail closed).
 */
export function withoutEnforcedSecurityLinks(sdl: string): string {
  return sdl.replace(ENFORCED_HERE, '$1)');
}

/**
 * What executes one supergraph's operations. Building it from the SDL is the check that the
 * supergraph can be served; it names the API schema requests validate against, and is stopped
 * once its generation is retired and its last request has finished.
 */
export interface GenerationExecution {
  readonly schema: GraphQLSchema;
  stop(): Promise<void>;
}

/**
 * Per-supergraph state of a capability other than execution (access rules, for instance): built
 * for each generation before it serves, at start and for every offered supergraph. Throwing
 * rejects that supergraph; the current one keeps serving. State that can wait for its first use
 * (the subscription planner) is built lazily per generation instead, by its owner.
 */
export interface SupergraphGenerationPlugin {
  readonly name: string;
  onGeneration(generation: SupergraphGeneration): void;
}

/**
 * One loaded supergraph: its SDL, the API schema requests validate against and what executes
 * them. Requests keep the generation they started with; a retired generation is stopped once its
 * last in-flight request has finished. Access rules and subscription planning keep their own
 * state per generation (auth/, subscriptions/); this folder knows none of them.
 */
export class SupergraphGeneration<E extends GenerationExecution = GenerationExecution> {
  private inFlight = 0;
  private retired = false;

  private constructor(
    /** The SDL as offered (after routing overrides), security links included. */
    readonly sdl: string,
    readonly execution: E,
  ) {}

  /** Builds the execution, then every plugin's state; any failure rejects the supergraph. */
  static async build<E extends GenerationExecution>(
    sdl: string,
    buildExecution: (sdl: string) => Promise<E>,
    plugins: readonly SupergraphGenerationPlugin[],
  ): Promise<SupergraphGeneration<E>> {
    const generation = new SupergraphGeneration(sdl, await buildExecution(sdl));
    try {
      for (const plugin of plugins) plugin.onGeneration(generation);
      return generation;
    } catch (error) {
      await generation.execution.stop();
      throw error;
    }
  }

  get schema(): GraphQLSchema {
    return this.execution.schema;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.retired && this.inFlight === 0) void this.execution.stop();
    }
  }

  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) void this.execution.stop();
  }
}
